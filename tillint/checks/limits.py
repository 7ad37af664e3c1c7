"""The ``limits`` family: parts of a file tillint could not check.

``TL003 file-too-large`` is normally reported by the engine before the file is read (see
``tillint.limits``); a document that was built anyway (from text, or by a caller that read it)
is checked against the same cap here, and nothing else runs on it. ``TL004 nesting-too-deep``
reports lines markdown-it-py dropped because containers were nested deeper than its limit.
"""

from __future__ import annotations

from collections.abc import Iterator

from tillint.checks import CheckContext
from tillint.document import Document
from tillint.finding import Finding
from tillint.limits import (
    FILE_TOO_LARGE,
    NESTING_TOO_DEEP,
    TooLarge,
    max_file_size,
    max_nesting,
    unparsed_line_ranges,
)


def check(doc: Document, ctx: CheckContext) -> Iterator[Finding]:
    """Report a document over the size cap, else each run of lines markdown-it did not parse
    because of nesting depth."""
    limit = max_file_size(ctx.settings)
    if len(doc.raw) > limit:
        yield doc.finding(FILE_TOO_LARGE, 0, 0, TooLarge(len(doc.raw), limit).message)
        return
    if not doc.text or not ctx.enabled(NESTING_TOO_DEEP):
        return
    for first, last in unparsed_line_ranges(doc):
        lines = f"line {first}" if first == last else f"lines {first}-{last}"
        message = (
            f"blocks nested deeper than {max_nesting()} levels: {lines} not parsed and not checked"
        )
        yield doc.finding(NESTING_TOO_DEEP, doc.line_start(first), doc.line_end(last), message)
