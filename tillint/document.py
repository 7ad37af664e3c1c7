"""The one parsed form of a Markdown file, shared by every check.

A ``Document`` holds the raw bytes, the decoded text (without a BOM; line endings as written),
a line index mapping character offsets to 1-based lines and columns, the front matter block
and, built lazily on first use, the markdown-it-py tokens and the regions that are code.
Offsets are always indices into ``text``; positions always point at the original file.
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tillint.finding import Applicability, Edit, Finding, Fix, Span

if TYPE_CHECKING:
    from markdown_it.token import Token

UTF8_BOM = b"\xef\xbb\xbf"
_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*\r?$")
_FRONT_MATTER_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*\r?$")
# Line endings as markdown-it reads them (and as token line maps count): a lone CR ends a line.
_LINE_BREAK = re.compile(r"\r\n?|\n")
_TOP_LEVEL_FIELD = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>[^\r\n]*)", re.M)
# Values that are not plain single-line scalars: block scalars, flow collections, anchors,
# aliases and tags (the front matter family parses those with a YAML parser).
_NOT_A_PLAIN_SCALAR = tuple("|>[{&*!")
_CODE_BLOCK_TOKENS = frozenset({"fence", "code_block"})
_NON_PROSE_TOKENS = _CODE_BLOCK_TOKENS | {"html_block", "front_matter"}
# A run of backticks, written as one backtick then any more: a pattern that opens with a literal
# character lets the regex engine skip ahead to the next backtick, twice as fast as "`+".
_BACKTICKS = re.compile(r"``*")


class DecodeProblem(NamedTuple):
    """Why the bytes could not be read as UTF-8, and where the first bad byte is."""

    encoding: str  # "utf-8" (invalid bytes) or the encoding the file looks like ("utf-16")
    message: str
    line: int
    column: int


class FrontMatterScalar(NamedTuple):
    """A top-level, single-line scalar of the front matter as written: ``value`` without its
    quotes or trailing comment, ``start``/``end`` its offsets in the document's text."""

    key: str
    value: str
    start: int
    end: int


class FrontMatter(NamedTuple):
    """The YAML block between the opening ``---`` and the closing ``---`` or ``...``.

    Lines are 1-based: ``start_line`` is the opening fence, ``end_line`` the closing one.
    ``content_start``/``content_end`` are the offsets of the YAML text between them.
    """

    start_line: int
    end_line: int
    content_start: int
    content_end: int
    text: str


def _looks_like_utf16(raw: bytes) -> bool:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = raw[:4096]
    if len(sample) < 4:
        return False
    # ASCII text in UTF-16 has a NUL in every other byte, on one side.
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    return max(even_nuls, odd_nuls) > 0.4 * half and min(even_nuls, odd_nuls) < 0.05 * half


def decode(raw: bytes) -> tuple[str, bool, DecodeProblem | None]:
    """Decode file bytes: returns (text, had_bom, problem). Never raises."""
    if _looks_like_utf16(raw):
        return "", False, DecodeProblem("utf-16", "file is UTF-16, not UTF-8", 1, 1)
    bom = raw.startswith(UTF8_BOM)
    body = raw[len(UTF8_BOM) :] if bom else raw
    try:
        return body.decode("utf-8"), bom, None
    except UnicodeDecodeError as exc:
        before = body[: exc.start]
        line_start = before.rfind(b"\n") + 1
        line = before.count(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", "replace")) + 1
        byte = body[exc.start]
        message = f"invalid UTF-8: byte 0x{byte:02X} at offset {exc.start + len(raw) - len(body)}"
        return "", bom, DecodeProblem("utf-8", message, line, column)


class Document:
    """A Markdown file, decoded and indexed once; everything else is derived lazily."""

    def __init__(self, path: Path, display_path: str, raw: bytes) -> None:
        self.path = path
        self.display_path = display_path
        self.raw = raw
        self.text, self.bom, self.decode_problem = decode(raw)
        self._line_starts = [0, *(m.end() for m in _LINE_BREAK.finditer(self.text))]
        # markdown-it's environment of the parse (link references), for ``children``.
        self._parse_env: dict[str, Any] = {}
        self._inline_parsed: set[int] = set()  # ids of the inline tokens ``children`` parsed

    @classmethod
    def from_text(cls, text: str, display_path: str = "<text>") -> Document:
        """Build a document from a string (examples, tests)."""
        return cls(Path(display_path), display_path, text.encode("utf-8"))

    # --- line index -------------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    @property
    def newline(self) -> str:
        """The file's line ending style: its first line ending (``\\r\\n``, ``\\r`` or ``\\n``)."""
        first = _LINE_BREAK.search(self.text)
        return first.group() if first else "\n"

    def line_start(self, line: int) -> int:
        """Offset of the first character of a 1-based line."""
        return self._line_starts[line - 1]

    def line_end(self, line: int) -> int:
        """Offset just past the line's last character, before its ``\\r\\n``, ``\\r`` or ``\\n``."""
        starts = self._line_starts
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        if end > starts[line - 1] and self.text[end - 1] == "\r":
            end -= 1
        return end

    def line_text(self, line: int) -> str:
        """A 1-based line's text without its line ending."""
        return self.text[self.line_start(line) : self.line_end(line)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based line and column."""
        return self._line_starts[line - 1] + column - 1

    def span(self, start: int, end: int) -> Span:
        """The span covering ``text[start:end]``."""
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column)

    # --- building findings ------------------------------------------------------------------

    def edit(self, start: int, end: int, content: str) -> Edit:
        """An edit replacing ``text[start:end]`` with ``content``."""
        return Edit(start, end, content, self.span(start, end))

    def finding(
        self,
        rule: str,
        start: int,
        end: int,
        message: str,
        *,
        fix: Fix | None = None,
        severity: str = "",
    ) -> Finding:
        """A finding for ``text[start:end]`` in this document."""
        span = self.span(start, end)
        return Finding(
            path=self.display_path,
            span=span,
            rule=rule,
            message=message,
            severity=severity,
            fix=fix,
            source_line=self.line_text(span.line) if self.text else "",
        )

    def fix(self, applicability: Applicability, *edits: Edit) -> Fix:
        return Fix(applicability, tuple(edits))

    # --- structure --------------------------------------------------------------------------

    @cached_property
    def front_matter(self) -> FrontMatter | None:
        """The front matter block, if the file opens with ``---`` and closes it."""
        if not self.text or not _FRONT_MATTER_OPEN.match(self.text, 0, self.line_end(1) + 1):
            return None
        for line in range(2, self.line_count + 1):
            start = self.line_start(line)
            if _FRONT_MATTER_CLOSE.match(self.text, start, self.line_end(line) + 1):
                content_start = self.line_start(2)
                return FrontMatter(
                    start_line=1,
                    end_line=line,
                    content_start=content_start,
                    content_end=start,
                    text=self.text[content_start:start],
                )
        return None

    @cached_property
    def front_matter_scalars(self) -> dict[str, FrontMatterScalar]:
        """The top-level single-line scalar fields of the front matter, first of each key.

        A light reader for checks that need a field or two (a date, a route, a title, a URL);
        the front matter family parses the block as YAML, with every problem as a finding.
        """
        matter = self.front_matter
        if matter is None:
            return {}
        fields: dict[str, FrontMatterScalar] = {}
        for match in _TOP_LEVEL_FIELD.finditer(self.text, matter.content_start, matter.content_end):
            scalar = _scalar(match.group("key"), match.group("value"), match.start("value"))
            if scalar is not None:
                fields.setdefault(scalar.key, scalar)
        return fields

    @cached_property
    def tokens(self) -> list[Token]:
        """markdown-it-py block tokens, parsed once. The children of an ``inline`` token are
        parsed on first use: read them with ``children``, not from the token."""
        from tillint.markdown import parser

        return parser().parse(self.text, self._parse_env)

    def children(self, token: Token) -> list[Token]:
        """The inline tokens (links, code, text...) of an ``inline`` token of ``tokens``."""
        if id(token) not in self._inline_parsed:
            from tillint.markdown import parse_inline

            parse_inline(token, self._parse_env)
            self._inline_parsed.add(id(token))
        return token.children or []

    def link_targets(self, token: Token) -> list[tuple[str, bool]]:
        """(href, is an image) of each link and image of an ``inline`` token, in order; read
        from its text, without parsing its children, when the text allows it."""
        from tillint.markdown import plain_links

        plain = plain_links(token.content)
        if plain is not None:
            return plain
        return [
            (str(child.attrs.get("href", "")), False)
            if child.type == "link_open"
            else (str(child.attrs.get("src", "")), True)
            for child in self.children(token)
            if child.type in ("link_open", "image")
        ]

    @cached_property
    def inline_tokens(self) -> list[Token]:
        """The inline tokens that have line maps (paragraphs, headings, table cells), in order:
        the text that links and code spans are written in, found in one pass over the tokens."""
        return [token for token in self.tokens if token.type == "inline" and token.map]

    @cached_property
    def inline_groups(self) -> list[list[Token]]:
        """``inline_tokens`` grouped by the lines they are written on, in order. The cells of a
        table row are inline tokens of the row's lines: as one group, a scan of those lines
        (``region_of``) finds each link or code span of the row once, not once per cell."""
        groups: list[list[Token]] = []
        lines = None
        for token in self.inline_tokens:
            if token.map == lines:
                groups[-1].append(token)
            else:
                groups.append([token])
                lines = token.map
        return groups

    def region_of(self, token: Token) -> tuple[int, int]:
        """Offsets of the start of a block token's first line and the end of its last."""
        assert token.map is not None
        return self.line_start(token.map[0] + 1), self.line_end(token.map[1])

    def lines_of(self, token_types: frozenset[str]) -> frozenset[int]:
        """1-based lines covered by block tokens of the given types."""
        lines: set[int] = set()
        for token in self.tokens:
            if token.type in token_types and token.map:
                lines.update(range(token.map[0] + 1, token.map[1] + 1))
        return frozenset(lines)

    @cached_property
    def code_block_lines(self) -> frozenset[int]:
        """1-based lines inside fenced or indented code blocks (fences included)."""
        return self.lines_of(_CODE_BLOCK_TOKENS)

    @cached_property
    def non_prose_lines(self) -> frozenset[int]:
        """Lines that are not Markdown prose: code blocks, HTML blocks and front matter."""
        return self.lines_of(_NON_PROSE_TOKENS)

    @cached_property
    def non_prose_runs(self) -> list[tuple[int, int]]:
        """``non_prose_lines`` as runs of consecutive lines: sorted (first, last), 1-based."""
        runs: list[tuple[int, int]] = []
        blocks = sorted(
            (token.map[0] + 1, token.map[1])
            for token in self.tokens
            if token.type in _NON_PROSE_TOKENS and token.map and token.map[1] > token.map[0]
        )
        for first, last in blocks:
            if runs and first <= runs[-1][1] + 1:
                runs[-1] = (runs[-1][0], max(runs[-1][1], last))
            else:
                runs.append((first, last))
        return runs

    @cached_property
    def code_spans(self) -> list[tuple[int, int]]:
        """Sorted, disjoint (start, end) offsets of inline code spans, backticks included."""
        spans: list[tuple[int, int]] = []
        for group in self.inline_groups:
            if any("`" in token.content for token in group):
                spans.extend(_code_spans_in(self.text, *self.region_of(group[0])))
        return spans

    def in_code(self, offset: int) -> bool:
        """Whether an offset is inside a code block or an inline code span."""
        if self.position(offset)[0] in self.code_block_lines:
            return True
        index = bisect.bisect_right(self.code_spans, (offset, len(self.text) + 1)) - 1
        return index >= 0 and self.code_spans[index][0] <= offset < self.code_spans[index][1]


def _scalar(key: str, raw: str, start: int) -> FrontMatterScalar | None:
    """A field's value as written: unquoted, without a trailing ``# comment``."""
    if raw[:1] in ("'", '"'):
        closing = raw.find(raw[0], 1)
        value = raw[1:closing] if closing > 0 else raw[1:]
        start += 1
    else:
        value = re.split(r"[ \t]+#", raw, maxsplit=1)[0].rstrip()
    if not value or (raw[:1] not in ("'", '"') and value.startswith(_NOT_A_PLAIN_SCALAR)):
        return None
    return FrontMatterScalar(key, value, start, start + len(value))


def _code_spans_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Code spans in ``text[start:end]``: a backtick run closed by the next run of the same
    length. That is most often the very next run; otherwise the closer is looked up in a table
    made in one backward pass over the block's runs, so many backticks stay linear."""
    runs = [match.span() for match in _BACKTICKS.finditer(text, start, end)]
    closers: list[int | None] | None = None
    spans = []
    index = 0
    while index < len(runs) - 1:  # the last run closes, or is left alone
        opener_start, opener_end = runs[index]
        length = opener_end - opener_start
        # One backtick after a backslash is a literal backtick: it opens nothing.
        if length == 1 and opener_start > 0 and text[opener_start - 1] == "\\":
            index += 1
            continue
        next_start, next_end = runs[index + 1]
        closer: int | None = index + 1
        if next_end - next_start != length:
            if closers is None:
                closers = _next_of_same_length(runs)
            closer = closers[index]
        if closer is None:
            index += 1
            continue
        spans.append((opener_start, runs[closer][1]))
        index = closer + 1
    return spans


def _next_of_same_length(runs: list[tuple[int, int]]) -> list[int | None]:
    """For each run, the index of the next run of the same length (None when there is none)."""
    closers: list[int | None] = [None] * len(runs)
    latest: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        run_start, run_end = runs[index]
        length = run_end - run_start
        closers[index] = latest.get(length)
        latest[length] = index
    return closers
