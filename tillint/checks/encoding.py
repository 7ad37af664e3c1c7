"""Encoding rules (EN): mojibake and its repair, undecodable files, U+FFFD, invisible controls.

EN002 comes from how the ``Document`` decoded the file; when it fires the file has no text and
nothing else is reported. Mojibake (EN001) is searched line by line, only on lines a cheap
precheck lets through, so clean text costs one regular-expression scan. Lossy repairs rank
their candidates with a language model (``ranker`` option); a character whose best candidate
was not clearly ahead (``uncertainty_margin``) is reported as EN005 for a person to review.
The ``tillint.mojibake`` package is imported when a document is checked, not with this module
(see ``tillint.checks``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tillint.finding import Finding, Span

if TYPE_CHECKING:
    from tillint.checks import CheckContext
    from tillint.document import Document
    from tillint.mojibake.repair import Restoration

MESSAGE_PREVIEW = 60
CANDIDATES_SHOWN = 3
_REPLACEMENT = re.compile("\ufffd+")
# C0 controls but tab, line feed and carriage return; DEL; C1 controls; bidi embeddings,
# overrides and isolates.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_NAMES = {
    "\x00": "NUL",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}


def check(doc: Document, ctx: CheckContext) -> Iterator[Finding]:
    """EN001-EN005 over one document."""
    if doc.decode_problem is not None:
        yield _invalid_encoding(doc)
        return
    mojibake_spans: list[tuple[int, int]] = []
    if ctx.enabled("EN001") or ctx.enabled("EN005") or ctx.enabled("EN004"):
        for line, restorations in _restorations(doc, _ranker(ctx)):
            base = doc.line_start(line)
            mojibake_spans.extend(
                (base + r.damage.start, base + r.damage.end) for r in restorations
            )
            yield _mojibake(doc, base, restorations)
            yield from _uncertain(doc, base, restorations, ctx.options["uncertainty_margin"])
    yield from _replacement_characters(doc)
    yield from _invisible_controls(doc, mojibake_spans)


def _ranker(ctx: CheckContext) -> str:
    """The ``ranker`` option (its value was checked against its choices at config load)."""
    return str(ctx.options["ranker"])


def _invalid_encoding(doc: Document) -> Finding:
    problem = doc.decode_problem
    assert problem is not None
    span = Span(problem.line, problem.column, problem.line, problem.column)
    message = problem.message
    if problem.encoding != "utf-8":
        message += "; convert it to UTF-8 (other rules were skipped)"
    else:
        message += "; the file was not checked further"
    return Finding(path=doc.display_path, span=span, rule="EN002", message=message)


def _restorations(doc: Document, ranker: str) -> Iterator[tuple[int, list[Restoration]]]:
    """(line, restorations) for every line with mojibake, in order."""
    if doc.text.isascii():  # mojibake is made of non-ASCII characters
        return
    from tillint.mojibake.detect import may_hold_mojibake
    from tillint.mojibake.repair import restore_line

    if not may_hold_mojibake(doc.text):
        return
    for line in range(1, doc.line_count + 1):
        text = doc.line_text(line)
        restorations = restore_line(text, ranker) if may_hold_mojibake(text) else []
        if restorations:
            yield line, restorations


def _mojibake(doc: Document, base: int, restorations: list[Restoration]) -> Finding:
    first, last = restorations[0].damage, restorations[-1].damage
    lossy = any(r.lossy for r in restorations)
    edits = [doc.edit(base + r.damage.start, base + r.damage.end, r.text) for r in restorations]
    preview = " ... ".join(r.text for r in restorations)
    if len(preview) > MESSAGE_PREVIEW:
        preview = preview[: MESSAGE_PREVIEW - 3].rstrip() + " ..."
    message = f"mojibake: UTF-8 text read as {first.codepage}; reads as: {preview}"
    if lossy:
        guessed = sum(len(r.guesses) for r in restorations)
        message += f" ({guessed} character(s) lost bytes; the repair guesses them)"
    fix = doc.fix("unsafe" if lossy else "safe", *edits)
    return doc.finding("EN001", base + first.start, base + last.end, message, fix=fix)


def _uncertain(
    doc: Document, base: int, restorations: list[Restoration], margin: float
) -> Iterator[Finding]:
    for guess in (g for r in restorations for g in r.guesses):
        if guess.ranked.margin >= margin:
            continue
        shown = ", ".join(
            f"{char} ({score:.1f})" for char, score in guess.ranked.candidates[:CANDIDATES_SHOWN]
        )
        yield doc.finding(
            "EN005",
            base + guess.start,
            base + guess.end,
            f"`{guess.original}` restored as `{guess.chosen}`, but it could also be another "
            f"character; candidates (log score): {shown}",
        )


def _replacement_characters(doc: Document) -> Iterator[Finding]:
    if "\ufffd" not in doc.text:
        return
    for match in _REPLACEMENT.finditer(doc.text):
        count = len(match.group())
        yield doc.finding(
            "EN003",
            match.start(),
            match.end(),
            f"{count} replacement character(s) U+FFFD: an earlier decoding lost the original "
            "text here",
        )


def _invisible_controls(doc: Document, mojibake_spans: list[tuple[int, int]]) -> Iterator[Finding]:
    for match in _INVISIBLE.finditer(doc.text):
        offset = match.start()
        if any(start <= offset < end for start, end in mojibake_spans):
            continue  # a C1 control kept by a sloppy decoder: part of the mojibake
        char = match.group()
        name = _CONTROL_NAMES.get(char, "control character")
        fix = doc.fix("unsafe", doc.edit(offset, offset + 1, ""))
        yield doc.finding(
            "EN004",
            offset,
            offset + 1,
            f"invisible {name} U+{ord(char):04X}: the text renders differently from its bytes",
            fix=fix,
        )
