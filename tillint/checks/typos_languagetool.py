"""TY003: LanguageTool matches, paragraph by paragraph, mapped back to the file.

Each paragraph (a markdown-it inline block: paragraph, heading, list item text, table cell
row) is sent as annotated text: prose as text, everything the prose mask hides (code, math,
URLs, link destinations, HTML) as markup read as ``x`` when it holds letters, and Hangul or
other non-Latin scripts as markup read as nothing (LanguageTool has no Korean). Line breaks
inside a paragraph are markup read as a space. LanguageTool's offsets count UTF-16 code units
of the whole annotated text, markup included, so they map back to exact file offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from tillint.checks import CheckContext
from tillint.checks.typos_prose import MASK, Prose
from tillint.checks.typos_vocabulary import Vocabulary
from tillint.document import Document
from tillint.finding import Finding
from tillint.services.languagetool import Piece, client_for, configured_url, unavailable_reason

# Everything a check of English prose must not read: masked markup, line breaks, and
# letters outside the Latin script (Hangul, CJK, Cyrillic...).
_NOT_TEXT = re.compile(rf"[{MASK}]+|\r?\n|[^\x00-\u024F\u2000-\u206F\s]+")
_SPELLING_CATEGORIES = frozenset({"TYPOS"})
_WARNING_CATEGORIES = frozenset({"TYPOS", "GRAMMAR", "CONFUSED_WORDS", "SEMANTICS", "MISC"})
DEFAULT_LANGUAGE = "en-US"


@cache
def _unavailable_reason(url: str | None) -> str | None:
    return unavailable_reason({"languagetool_url": url})


def paragraphs(doc: Document) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of every inline block of the document."""
    for token in doc.tokens:
        if token.type == "inline" and token.map:
            yield doc.line_start(token.map[0] + 1), doc.line_end(token.map[1])


def annotate(prose: Prose, start: int, end: int) -> list[Piece]:
    """The pieces of ``doc.text[start:end]``: prose as text, the rest as markup."""
    text = prose.doc.text
    pieces: list[Piece] = []
    position = start
    for match in _NOT_TEXT.finditer(prose.masked, start, end):
        if match.start() > position:
            pieces.append(Piece(text[position : match.start()]))
        original = text[match.start() : match.end()]
        if match.group().startswith(MASK):
            reading = "x" if any(c.isalpha() for c in original) else ""
        else:
            reading = " " if "\n" in original else ""
        pieces.append(Piece(original, markup=True, interpret_as=reading))
        position = match.end()
    if position < end:
        pieces.append(Piece(text[position:end]))
    return pieces


def utf16_offsets(text: str) -> list[int]:
    """For each UTF-16 code unit offset into ``text`` (and the end), the character offset."""
    index: list[int] = []
    for position, char in enumerate(text):
        index.extend([position] * (2 if ord(char) > 0xFFFF else 1))
    index.append(len(text))
    return index


def language_of(doc: Document, ctx: CheckContext) -> str:
    """The configured language, else the front matter's ``lang``, else en-US."""
    configured = str(ctx.options.get("language") or "auto")
    if configured != "auto":
        return configured
    for key in ("lang", "language"):
        field = doc.front_matter_scalars.get(key)
        if field is not None:
            return field.value
    return DEFAULT_LANGUAGE


def languagetool_findings(
    doc: Document, prose: Prose, ctx: CheckContext, accepted: Vocabulary
) -> Iterator[Finding]:
    """TY003 findings for every paragraph with prose in it (nothing when offline)."""
    if ctx.offline:
        return
    reason = _unavailable_reason(configured_url(ctx.options))
    if reason:
        raise RuntimeError(reason)  # the CLI reports it up front; this guards other callers
    client = client_for(configured_url(ctx.options))
    language = language_of(doc, ctx)
    disabled = tuple(sorted(ctx.options.get("disabled_languagetool_rules") or ()))
    for start, end in paragraphs(doc):
        pieces = annotate(prose, start, end)
        if not any(not piece.markup and piece.text.strip() for piece in pieces):
            continue
        units = utf16_offsets(doc.text[start:end])
        for match in client.check(pieces, language, disabled):
            finding = _finding(doc, match, start, units, accepted)
            if finding is not None:
                yield finding


def _finding(
    doc: Document, match: dict[str, Any], start: int, units: list[int], accepted: Vocabulary
) -> Finding | None:
    offset, length = int(match["offset"]), int(match["length"])
    if offset + length >= len(units):
        return None
    begin, finish = start + units[offset], start + units[offset + length]
    rule = match.get("rule", {})
    category = rule.get("category", {}).get("id", "")
    if category in _SPELLING_CATEGORIES and doc.text[begin:finish] in accepted:
        return None
    replacements = [r["value"] for r in match.get("replacements", [])[:1]]
    suggestion = f"; suggestion: `{replacements[0]}`" if replacements else ""
    return doc.finding(
        "TY003",
        begin,
        finish,
        f"{match.get('message', 'LanguageTool match')} [{rule.get('id', '?')}]{suggestion}",
        severity="warning" if category in _WARNING_CATEGORIES else "info",
    )
