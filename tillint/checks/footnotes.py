"""Footnote rules (FN): references and definitions that match, once, with clean labels.

References and definitions are found in the original text (so positions are exact inside
lists and blockquotes) outside code blocks, HTML blocks, front matter and code spans.
A label holding whitespace (``[^ 7]``) is no footnote for GitHub or markdown-it; FN003 reports
it, and FN001/FN002 mention it when it is the likely intended twin of an unmatched label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from tillint.checks import CheckContext
from tillint.document import Document
from tillint.finding import Finding

# `[^label]`, not preceded by a backslash, not a link text `[^x](url)`.
_LABEL = re.compile(r"(?<!\\)\[\^([^\]\n]*)\](?!\()")
# A definition starts a block: only container markers and indentation before it.
_DEFINITION_PREFIX = re.compile(r"(?:[ \t]*>)*[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?$")


class Label(NamedTuple):
    """One ``[^label]`` as written: a reference, or a definition (followed by ``:``)."""

    text: str
    start: int
    end: int
    line: int
    is_definition: bool

    @property
    def written(self) -> str:
        return f"[^{self.text}]"

    @property
    def malformed(self) -> bool:
        return any(ch.isspace() for ch in self.text)

    @property
    def normalized(self) -> str:
        return "".join(self.text.split())


def find_labels(doc: Document) -> list[Label]:
    """Every footnote-like ``[^...]`` in prose, in text order."""
    if "[^" not in doc.text:
        return []
    labels = []
    skip_lines = doc.non_prose_lines
    for match in _LABEL.finditer(doc.text):
        line = doc.position(match.start())[0]
        if line in skip_lines or not match.group(1).strip() or doc.in_code(match.start()):
            continue
        before = doc.text[doc.line_start(line) : match.start()]
        is_definition = (
            doc.text.startswith(":", match.end()) and _DEFINITION_PREFIX.match(before) is not None
        )
        labels.append(Label(match.group(1), match.start(), match.end(), line, is_definition))
    return labels


def check(doc: Document, ctx: CheckContext) -> Iterator[Finding]:
    """FN001-FN005 over one document."""
    labels = find_labels(doc)
    malformed = [label for label in labels if label.malformed]
    definitions = [label for label in labels if label.is_definition and not label.malformed]
    references = [label for label in labels if not label.is_definition and not label.malformed]
    yield from _malformed_labels(doc, malformed)
    yield from _duplicates(doc, definitions)
    defined_exact = {d.text for d in definitions}
    defined_folded = {d.text.casefold(): d for d in reversed(definitions)}
    used_exact = {r.text for r in references}
    used_folded = {r.text.casefold() for r in references}
    for reference in references:
        if reference.text in defined_exact:
            continue
        twin = defined_folded.get(reference.text.casefold())
        if twin is not None:
            yield doc.finding(
                "FN005",
                reference.start,
                reference.end,
                f"footnote reference `{reference.written}` matches `{twin.written}` "
                f"(line {twin.line}) only when case is ignored: GitHub links them, "
                "markdown-it does not",
            )
            continue
        hint = _malformed_twin(reference, malformed, definition=True)
        yield doc.finding(
            "FN001",
            reference.start,
            reference.end,
            f"footnote reference `{reference.written}` has no definition{hint}",
        )
    for definition in _first_of_each(definitions):
        if definition.text in used_exact or definition.text.casefold() in used_folded:
            continue
        hint = _malformed_twin(definition, malformed, definition=False)
        yield doc.finding(
            "FN002",
            definition.start,
            definition.end,
            f"footnote `{definition.written}` is defined but never referenced{hint}",
        )


def _malformed_labels(doc: Document, malformed: list[Label]) -> Iterator[Finding]:
    for label in malformed:
        inner_start = label.start + 2
        fix = doc.fix("safe", doc.edit(inner_start, label.end - 1, label.normalized))
        kind = "definition" if label.is_definition else "reference"
        yield doc.finding(
            "FN003",
            label.start,
            label.end,
            f"footnote {kind} label `{label.written}` contains whitespace, so it is not a "
            f"footnote; write `[^{label.normalized}]`",
            fix=fix,
        )


def _duplicates(doc: Document, definitions: list[Label]) -> Iterator[Finding]:
    first: dict[str, Label] = {}
    for definition in definitions:
        folded = definition.text.casefold()
        kept = first.setdefault(folded, definition)
        if kept is definition:
            continue
        if kept.text == definition.text:
            yield doc.finding(
                "FN004",
                definition.start,
                definition.end,
                f"footnote `{definition.written}` is defined again; GitHub keeps the first "
                f"definition, on line {kept.line}",
            )
        else:
            yield doc.finding(
                "FN005",
                definition.start,
                definition.end,
                f"footnote `{definition.written}` differs only in case from `{kept.written}` "
                f"(line {kept.line}): GitHub treats them as one footnote, markdown-it as two",
            )


def _first_of_each(definitions: list[Label]) -> list[Label]:
    seen: set[str] = set()
    result = []
    for definition in definitions:
        if definition.text.casefold() not in seen:
            seen.add(definition.text.casefold())
            result.append(definition)
    return result


def _malformed_twin(label: Label, malformed: list[Label], definition: bool) -> str:
    for candidate in malformed:
        if candidate.is_definition == definition and candidate.normalized == label.text:
            kind = "defined" if definition else "referenced"
            return f"; {kind} as `{candidate.written}` on line {candidate.line}?"
    return ""
