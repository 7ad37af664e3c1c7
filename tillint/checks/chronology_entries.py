"""The entries of a growing post: a heading, a date marker under it, and the text up to the next.

An *entry heading* is a top-level heading of the entry level (``heading_level``, or by default
the level whose headings most often carry a date marker) whose text matches
``heading_pattern`` when one is set. Its *date marker* is the paragraph right after the heading
when that paragraph (or its first line) is only a date-like text, optionally emphasised:
``*2021.04.25*``, ``**2021-04-25**``, ``2021/04/25``. Markers are read from markdown-it block
tokens, so a date in a code block is never one. An entry runs from its heading line to the
line before the next top-level heading of its level or a higher one (or the end of the file).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from tillint.catalog import family_options
from tillint.checks import per_settings
from tillint.checks.chronology_dates import (
    DATE_LIKE,
    DATE_START,
    FORMATS,
    TWO_DIGITS,
    WrittenDate,
    parse_date,
)
from tillint.document import Document
from tillint.errors import UsageError

if TYPE_CHECKING:
    from markdown_it.token import Token

    from tillint.config import Settings

WHERE = "[tool.tillint.chronology]"
_CHOICES = {
    "order": ("ascending", "descending"),
    "scope": ("file", "section"),
    "zero_padding": ("auto", "always", "any"),
}
# A line that is only a date, optionally emphasised, with trailing blanks or a hard break.
_MARKER_LINE = re.compile(r"[ \t]{0,3}(?P<em>[*_]{0,3})(?P<body>[^*_]+?)(?P=em)[ \t]*\\?\r?")


@cache
def _marker_hint() -> re.Pattern[str]:
    """Cheap test before parsing: some line of the file looks like a date marker. It is
    searched in "\n" + text: a literal first character and the lookahead make it several
    times faster (the lookahead lets through only lines that start as a date can, most prose
    lines stop there). Compiled when a document first has two digits in a row."""
    return re.compile(
        rf"\n[ \t]{{0,3}}[*_]{{0,3}}(?={DATE_START}){DATE_LIKE}[*_]{{0,3}}[ \t]*\\?\r?$",
        re.M | re.I,
    )


class ChronologyOptions(NamedTuple):
    """``[tool.tillint.chronology]``, validated."""

    heading_level: int
    heading_pattern: re.Pattern[str] | None
    order: str
    scope: str
    date_formats: frozenset[str]
    zero_padding: str

    @property
    def explicit_entries(self) -> bool:
        """Whether the user said what an entry heading is (so every one of them counts)."""
        return self.heading_level > 0 or self.heading_pattern is not None


@per_settings
def chronology_options(settings: Settings) -> ChronologyOptions:
    """Check the family's option values beyond their types; a bad value is a usage error."""
    return _checked_options(settings.family_options("chronology"))


def _checked_options(raw: dict[str, Any]) -> ChronologyOptions:
    specs = family_options("chronology")
    values = {name: raw.get(name, spec.default) for name, spec in specs.items()}
    for name, choices in _CHOICES.items():
        if values[name] not in choices:
            raise UsageError(f"{WHERE}: '{name}' must be one of {', '.join(choices)}")
    if not 0 <= values["heading_level"] <= 6:
        raise UsageError(f"{WHERE}: 'heading_level' must be 0 (detect) or 1 to 6")
    unknown = [f for f in values["date_formats"] if f not in FORMATS]
    if unknown:
        raise UsageError(
            f"{WHERE}: unknown date format {unknown[0]!r} (known: {', '.join(FORMATS)})"
        )
    try:
        pattern = re.compile(values["heading_pattern"]) if values["heading_pattern"] else None
    except re.error as exc:
        raise UsageError(f"{WHERE}: 'heading_pattern' is not a regular expression: {exc}") from exc
    return ChronologyOptions(
        heading_level=values["heading_level"],
        heading_pattern=pattern,
        order=values["order"],
        scope=values["scope"],
        date_formats=frozenset(values["date_formats"]),
        zero_padding=values["zero_padding"],
    )


class Heading(NamedTuple):
    """A top-level heading: its level, 1-based first line, line start offset and text."""

    level: int
    line: int
    start: int
    text: str


class DateMarker(NamedTuple):
    """The date under an entry heading, with the offsets of the date text itself."""

    date: WrittenDate
    line: int
    start: int
    end: int


class Entry(NamedTuple):
    """An entry heading, its date marker (if any), where it ends, and its section's number."""

    heading: Heading
    marker: DateMarker | None
    end: int
    section: int

    @property
    def start(self) -> int:
        return self.heading.start

    @property
    def day(self) -> date | None:
        """The entry's calendar day, when it has a marker holding a real date."""
        return self.marker.date.value if self.marker else None


@dataclass(frozen=True)
class Chronicle:
    """The entries of one document and whether it counts as a file of dated entries.

    It does when it has at least two dated entries and more dated than undated ones, or, when
    the options say what an entry heading is, at least one dated entry.
    """

    entries: tuple[Entry, ...]
    has_dated_entries: bool

    @cached_property
    def markers(self) -> list[DateMarker]:
        return [entry.marker for entry in self.entries if entry.marker]


def _headings(doc: Document) -> list[tuple[Heading, DateMarker | None]]:
    tokens = doc.tokens
    found = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.level != 0 or not token.map:
            continue
        line = token.map[0] + 1
        heading = Heading(int(token.tag[1]), line, doc.line_start(line), tokens[index + 1].content)
        following = tokens[index + 3] if index + 3 < len(tokens) else None
        found.append((heading, _marker(doc, following)))
    return found


def _marker(doc: Document, token: Token | None) -> DateMarker | None:
    """The date marker in a paragraph token's first line, if that line is only a date."""
    if token is None or token.type != "paragraph_open" or token.level != 0 or not token.map:
        return None
    line = token.map[0] + 1
    text = doc.line_text(line)
    match = _MARKER_LINE.fullmatch(text)
    if not match:
        return None
    written = parse_date(match.group("body"))
    if written is None or written.text != match.group("body"):
        return None
    start = doc.line_start(line) + match.start("body")
    return DateMarker(written, line, start, start + len(written.text))


def _entry_level(found: list[tuple[Heading, DateMarker | None]], options: ChronologyOptions) -> int:
    if options.heading_level:
        return options.heading_level
    counts = Counter(heading.level for heading, marker in found if marker)
    if not counts:
        return 0
    return min(counts, key=lambda level: (-counts[level], level))


def find_chronicle(doc: Document, options: ChronologyOptions) -> Chronicle:
    """The document's entries (none when no line looks like a date marker)."""
    if not (TWO_DIGITS.search(doc.text) and _marker_hint().search("\n" + doc.text)):
        return Chronicle((), has_dated_entries=False)
    pattern = options.heading_pattern
    found = _headings(doc)
    candidates = [(h, m) for h, m in found if pattern is None or pattern.search(h.text)]
    level = _entry_level(candidates, options)
    if not level:
        return Chronicle((), has_dated_entries=False)
    entries: list[Entry] = []
    open_entry: tuple[Heading, DateMarker | None, int] | None = None
    section = 0
    for heading, marker in found:
        if heading.level > level:
            continue
        if open_entry is not None:
            entries.append(Entry(open_entry[0], open_entry[1], heading.start, open_entry[2]))
            open_entry = None
        if heading.level < level:
            section += 1
        elif pattern is None or pattern.search(heading.text):
            open_entry = (heading, marker, section)
    if open_entry is not None:
        entries.append(Entry(open_entry[0], open_entry[1], len(doc.text), open_entry[2]))
    dated = sum(1 for entry in entries if entry.marker)
    if options.explicit_entries:
        is_chronicle = dated >= 1
    else:
        is_chronicle = dated >= 2 and dated > len(entries) - dated
    return Chronicle(tuple(entries), has_dated_entries=is_chronicle)
