"""Where a document's links and anchors are: read from markdown-it tokens, placed exactly.

markdown-it decides what is a link (never inside code; reference definitions resolved; autolinks
and footnote text included). Tokens carry no column, so each link's destination is then looked
up in the original text of its block's lines, in order, by comparing the normalized form of
every candidate destination written there with the token's ``href``/``src``. A reference-style
link is placed on its definition's destination. When nothing matches (a destination split over
lines, say) the link is placed at the start of its block and marked inexact, so no fix edits it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from tillint.document import Document
from tillint.finding import Span

if TYPE_CHECKING:
    from markdown_it.token import Token

# Destination characters: any but space, parentheses and backslash, or a backslash escape.
# Written as runs of plain characters between escapes, which the regex engine matches in one
# tight loop (an alternation tried at every character took three times as long).
_DEST_CHARS = r"[^\s()\\]*(?:\\.[^\s()\\]*)*"
_INLINE_DESTINATION = re.compile(
    rf"\]\([ \t]*(<[^<>\n]*>|{_DEST_CHARS}(?:\({_DEST_CHARS}\){_DEST_CHARS})*)"
)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\x00-\x20]*)>")
_EMAIL_AUTOLINK = re.compile(r"<([A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9.\-]+)>")
_DEFINITION = re.compile(
    r"(?:[ \t]*>)*[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?[ ]{0,3}"
    r"\[(?:[^\]\\\n]|\\.)+\]:[ \t]*(<[^<>\n]*>|\S+)"
)
_HTML_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_HTML_URL_ATTRIBUTE = re.compile(
    r"\s(?:href|src)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))", re.IGNORECASE
)
_HTML_ANCHOR_ATTRIBUTE = re.compile(
    r"\s(?:id|name)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))", re.IGNORECASE
)
_EXPLICIT_ID = re.compile(r"^(.*?)\s*\{#([^}\s]+)[^}]*\}\s*$")
GITHUB_ID_PREFIX = "user-content-"
# The ASCII characters a slug drops: all but letters, digits, "_" (the one connector
# punctuation), space and hyphen (after lowercasing, no capital is left).
_NOT_KEPT_IN_ASCII_SLUG = re.compile(r"[^a-z0-9_ \-]+")


class Link(NamedTuple):
    """One link destination in a document: what it points to and where it is written.

    ``target`` is the destination as markdown-it resolved it (``href``/``src``; percent-encoded),
    or the attribute or front matter value as written. ``start``/``end`` are offsets of the
    written destination in the document text when ``exact``; otherwise the block's start.
    A named tuple: one is made for every link of every document, three times faster than a
    frozen dataclass.
    """

    target: str
    start: int
    end: int
    span: Span
    source_line: str
    exact: bool
    kind: str  # "link", "image", "html" or "front-matter"


class _Candidate(NamedTuple):
    """A destination as written (``raw``) at ``start:end``; normalized only when needed.

    A named tuple: a block's candidates are made for every block with a link, and sort by
    ``start`` (no two start at the same offset) without a key function.
    """

    start: int
    end: int
    raw: str

    @property
    def normalized(self) -> str:
        return _normalize(self.raw)


def _normalize(destination: str) -> str:
    # Imported here: a warm run loads this module but parses nothing, so needs no markdown-it.
    from markdown_it.common.utils import unescapeAll

    from tillint.markdown import parser

    if destination.startswith("<") and destination.endswith(">"):
        destination = destination[1:-1]
    return str(parser().normalizeLink(unescapeAll(destination)))


class _LinkMaker:
    """Builds a document's links; one source line string per line, shared by its links."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.lines: dict[int, str] = {}

    def __call__(self, target: str, start: int, end: int, exact: bool, kind: str) -> Link:
        span = self.doc.span(start, end)
        line = self.lines.get(span.line)
        if line is None:
            line = self.lines[span.line] = self.doc.line_text(span.line)
        return Link(target, start, end, span, line, exact, kind)


def _candidates(doc: Document, start: int, end: int) -> list[_Candidate]:
    """Every destination written in ``text[start:end]`` outside code, in text order."""
    text = doc.text
    found = [
        _Candidate(match.start(1), match.end(1), match.group(1))
        for match in _INLINE_DESTINATION.finditer(text, start, end)
    ]
    if text.find("<", start, end) >= 0:  # autolinks are only looked for where one can be
        for match in _AUTOLINK.finditer(text, start, end):
            found.append(_Candidate(match.start(1), match.end(1), match.group(1)))
        for match in _EMAIL_AUTOLINK.finditer(text, start, end):
            found.append(_Candidate(match.start(1), match.end(1), "mailto:" + match.group(1)))
        found.sort()
    return [candidate for candidate in found if not doc.in_code(candidate.start)]


class _CandidateQueue:
    """Candidates of one block, each taken once: the first unused one matching a target.

    A badge `[![alt](img)](url)` yields the link before the image, so matching is by value,
    not by order alone. The first unused candidate, usually the one, is tried first; failing
    that, destinations written exactly as markdown-it resolved them are found through one
    dictionary, the others through a second one (normalizing every candidate), each built the
    first time it is needed.
    """

    def __init__(self, candidates: list[_Candidate]) -> None:
        self.candidates = candidates
        self.used: set[int] = set()
        self.first_unused = 0
        self.by_raw: dict[str, list[int]] | None = None
        self.by_normalized: dict[str, list[int]] | None = None

    def _use(self, position: int) -> _Candidate:
        self.used.add(position)
        while self.first_unused in self.used:
            self.first_unused += 1
        return self.candidates[position]

    def _pop_unused(self, positions: list[int] | None) -> _Candidate | None:
        while positions:
            position = positions.pop()
            if position not in self.used:
                return self._use(position)
        return None

    def take(self, target: str) -> _Candidate | None:
        first = self.first_unused
        if first < len(self.candidates) and self.candidates[first].raw == target:
            return self._use(first)
        if self.by_raw is None:
            self.by_raw = _positions_by([candidate.raw for candidate in self.candidates])
        found = self._pop_unused(self.by_raw.get(target))
        if found is None:
            if self.by_normalized is None:
                normalized = [candidate.normalized for candidate in self.candidates]
                self.by_normalized = _positions_by(normalized)
            found = self._pop_unused(self.by_normalized.get(target))
        return found


def _positions_by(keys: list[str]) -> dict[str, list[int]]:
    """Each key's positions in ``keys``, last first: ``pop()`` gives the first."""
    positions: dict[str, list[int]] = {}
    for position in range(len(keys) - 1, -1, -1):
        positions.setdefault(keys[position], []).append(position)
    return positions


def reference_definitions(doc: Document) -> dict[str, _Candidate]:
    """Destinations of reference definitions by normalized target (the first one wins)."""
    if "]:" not in doc.text:
        return {}
    inline_lines: set[int] = set()
    for token in doc.inline_tokens:
        assert token.map is not None
        inline_lines.update(range(token.map[0] + 1, token.map[1] + 1))
    skip = inline_lines | doc.non_prose_lines
    definitions: dict[str, _Candidate] = {}
    for line in range(1, doc.line_count + 1):
        if line in skip:
            continue
        match = _DEFINITION.match(doc.text, doc.line_start(line), doc.line_end(line))
        if match:
            candidate = _Candidate(match.start(1), match.end(1), match.group(1))
            definitions.setdefault(candidate.normalized, candidate)
    return definitions


def _link_tokens(doc: Document, inline: Token) -> list[tuple[str, str]]:
    """(target, kind) of the inline text's links and images, in order."""
    # Every link or image markdown-it makes here (inline, reference, autolink; there is no
    # linkify) is written with a "]" or a "<": most text has neither, and no child is looked at.
    if "]" not in inline.content and "<" not in inline.content:
        return []
    return [(href, "image" if image else "link") for href, image in doc.link_targets(inline)]


def _markdown_links(
    doc: Document, definitions: dict[str, _Candidate], make: _LinkMaker
) -> Iterator[Link]:
    for group in doc.inline_groups:  # a table row is one group: its cells take turns
        wanted = [link for token in group for link in _link_tokens(doc, token)]
        if not wanted:
            continue
        start, end = doc.region_of(group[0])
        candidates = _CandidateQueue(_candidates(doc, start, end))
        for target, kind in wanted:
            found = candidates.take(target)
            if found is not None:
                yield make(target, found.start, found.end, True, kind)
            elif target in definitions:
                found = definitions[target]
                yield make(target, found.start, found.end, True, kind)
            else:
                first = start + len(doc.text[start:end]) - len(doc.text[start:end].lstrip())
                yield make(target, first, first, False, kind)


def _attribute_values(
    doc: Document, pattern: re.Pattern[str], start: int, end: int
) -> Iterator[tuple[str, int, int]]:
    """(value, start, end) of the given attribute in HTML tags of ``text[start:end]``."""
    for tag in _HTML_TAG.finditer(doc.text, start, end):
        if doc.in_code(tag.start()):
            continue
        for match in pattern.finditer(doc.text, tag.start(), tag.end()):
            group = next(g for g in (1, 2, 3) if match.group(g) is not None)
            yield match.group(group), match.start(group), match.end(group)


def _html_regions(doc: Document) -> Iterator[tuple[int, int]]:
    """The HTML blocks, and the lines of inline text holding inline HTML (a table row once)."""
    for token in doc.tokens:
        if token.type == "html_block" and token.map:
            yield doc.region_of(token)
    for group in doc.inline_groups:
        if any(_has_inline_html(doc, token) for token in group):
            yield doc.region_of(group[0])


def _has_inline_html(doc: Document, token: Token) -> bool:
    return "<" in token.content and any(
        child.type == "html_inline" for child in doc.children(token)
    )


def _html_links(doc: Document, make: _LinkMaker) -> Iterator[Link]:
    if "<" not in doc.text:
        return
    for start, end in _html_regions(doc):
        for value, value_start, value_end in _attribute_values(
            doc, _HTML_URL_ATTRIBUTE, start, end
        ):
            target = html.unescape(value).strip()
            yield make(target, value_start, value_end, True, "html")


def front_matter_values(doc: Document, keys: list[str]) -> Iterator[tuple[str, int, int]]:
    """(value, start, end) of the scalar front matter fields named ``keys``, as written."""
    fields = doc.front_matter_scalars
    for key in keys:
        if key in fields:
            yield fields[key].value, fields[key].start, fields[key].end


def extract_links(doc: Document, front_matter_url_keys: list[str]) -> list[Link]:
    """Every link of the document (Markdown, HTML attributes, front matter URLs), text order."""
    if not doc.text:
        return []
    make = _LinkMaker(doc)
    links = list(_markdown_links(doc, reference_definitions(doc), make))
    links.extend(_html_links(doc, make))
    for value, start, end in front_matter_values(doc, front_matter_url_keys):
        if value.startswith(("http://", "https://")):
            links.append(make(value, start, end, True, "front-matter"))
    return sorted(links, key=lambda link: (link.start, link.end))


# --- anchors ----------------------------------------------------------------------------------


def github_slug(text: str) -> str:
    """The id GitHub gives a heading: lowercase, punctuation dropped, spaces become hyphens."""
    if text.isascii():  # the ASCII letters, digits and connector punctuation: one pass
        return _NOT_KEPT_IN_ASCII_SLUG.sub("", text.lower()).replace(" ", "-")
    kept = (
        ch
        for ch in text.lower()
        if ch in " -" or unicodedata.category(ch)[0] in "LNM" or unicodedata.category(ch) == "Pc"
    )
    return "".join(kept).replace(" ", "-")


def gitlab_slug(text: str) -> str:
    """The id GitLab gives a heading: like GitHub's, with runs of hyphens collapsed."""
    return re.sub(r"-{2,}", "-", github_slug(text.strip()))


SLUGGERS = {"github": github_slug, "gitlab": gitlab_slug}


def _heading_text(doc: Document, inline: Token) -> str:
    parts = []
    for child in doc.children(inline):
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _heading_anchors(doc: Document, style: str) -> Iterator[str]:
    slug = SLUGGERS[style]
    seen: dict[str, int] = {}
    tokens = doc.tokens
    headings = [index for index, token in enumerate(tokens[:-1]) if token.type == "heading_open"]
    for index in headings:
        text = _heading_text(doc, tokens[index + 1])
        explicit = _EXPLICIT_ID.match(text) if "{#" in text else None
        texts = [text]
        if explicit:
            yield explicit.group(2)
            texts.append(explicit.group(1))
        for variant in texts:
            base = slug(variant)
            count = seen.get(base, 0)
            seen[base] = count + 1
            yield base if count == 0 else f"{base}-{count}"


def extract_anchors(doc: Document, style: str) -> frozenset[str]:
    """Every fragment the document answers to: heading slugs, ``{#id}``, HTML ids and names."""
    if not doc.text:
        return frozenset()
    anchors = set(_heading_anchors(doc, style))
    if "<" in doc.text:
        for start, end in _html_regions(doc):
            for value, _, _ in _attribute_values(doc, _HTML_ANCHOR_ATTRIBUTE, start, end):
                anchors.add(html.unescape(value))
    return frozenset(anchors)
