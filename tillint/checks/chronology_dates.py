"""Dates as people write them in TIL posts: recognised loosely, then judged strictly.

A *date-like* text is anything that looks like a date (``2021.4.5``, ``2022.02.30``,
``21-04-26``, ``April 5, 2021``, ``2021년 4월 5일``), so a misspelt or impossible date is still
recognised and can be reported (CH003) instead of silently not being a date at all.
``WrittenDate`` keeps the text as written, the format it belongs to and, when the day exists,
the ``datetime.date``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import NamedTuple

# The accepted-format names of ``date_formats``, exactly as users write them in the config.
DOT, DASH, SLASH = "YYYY.MM.DD", "YYYY-MM-DD", "YYYY/MM/DD"
KOREAN, MONTH_FIRST, DAY_FIRST = "YYYY년 M월 D일", "Month D, YYYY", "D Month YYYY"
FORMATS = (DOT, DASH, SLASH, KOREAN, MONTH_FIRST, DAY_FIRST)
_NUMERIC_FORMATS = {".": DOT, "-": DASH, "/": SLASH}

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"

# Named groups: y/m/d numbers, s separator, mn month name; `odd` marks a non-ISO field order.
_PATTERNS = (
    r"(?P<y>\d{4})[ \t]*(?P<s>[./-])[ \t]*(?P<m>\d{1,2})[ \t]*(?P=s)[ \t]*(?P<d>\d{1,2})"
    r"(?:(?<=\d)\.(?!\d))?",
    r"(?P<y2>\d{2})(?P<s2>[./-])(?P<m2>\d{2})(?P=s2)(?P<d2>\d{2})(?![\d])",
    r"(?P<odd>\d{1,2}(?P<s3>[./-])\d{1,2}(?P=s3)\d{4})",
    r"(?P<ky>\d{4})[ \t]*년[ \t]*(?P<km>\d{1,2})[ \t]*월[ \t]*(?P<kd>\d{1,2})[ \t]*일",
    rf"(?P<fmn>{_MONTH})[ \t]+(?P<fd>\d{{1,2}}){_ORDINAL},?[ \t]+(?P<fy>\d{{4}})",
    rf"(?P<dd>\d{{1,2}}){_ORDINAL}[ \t]+(?P<dmn>{_MONTH}),?[ \t]+(?P<dy>\d{{4}})",
)
DATE_LIKE = r"(?:" + "|".join(f"(?:{p})" for p in _PATTERNS) + ")"
# What a date-like text starts with: a digit or the first letter of a month name.
DATE_START = r"[\d" + "".join(sorted({name[0] for name in _MONTH_NAMES})) + "]"
# Every format holds a run of two digits or more (a year, or the two-digit form's fields).
TWO_DIGITS = re.compile(r"\d\d")


@cache
def _date_like() -> re.Pattern[str]:
    """``DATE_LIKE`` compiled, when a document first needs it (most have no date at all)."""
    return re.compile(DATE_LIKE, re.IGNORECASE)


class WrittenDate(NamedTuple):
    """A date-like text as written: its format (``""`` when none fits), fields and value."""

    text: str
    format: str
    year: int
    month: int
    day: int
    # Whether the numeric month/day fields are two digits wide (None when they cannot show it).
    padded: bool | None

    @property
    def value(self) -> date | None:
        """The calendar day, or None when it does not exist (``2022.02.30``)."""
        try:
            return date(self.year, self.month, self.day)
        except ValueError:
            return None

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def _padding(month: str, day: str) -> bool | None:
    """True if zero-padded, False if a field below 10 is one digit, None if it cannot tell."""
    if len(month) == 1 or len(day) == 1:
        return False
    return True if month.startswith("0") or day.startswith("0") else None


def _from_match(match: re.Match[str]) -> WrittenDate:
    g = match.groupdict()
    text = match.group(0)
    if g["y"]:
        strict = not any(ch in " \t" for ch in text)
        fmt = _NUMERIC_FORMATS[g["s"]] if strict else ""
        padded = _padding(g["m"], g["d"])
        return WrittenDate(text, fmt, int(g["y"]), int(g["m"]), int(g["d"]), padded)
    if g["y2"]:
        return WrittenDate(text, "", 2000 + int(g["y2"]), int(g["m2"]), int(g["d2"]), True)
    if g["odd"]:
        return WrittenDate(text, "", 0, 0, 0, None)
    if g["ky"]:
        return WrittenDate(text, KOREAN, int(g["ky"]), int(g["km"]), int(g["kd"]), None)
    if g["fmn"]:
        month = _MONTHS[g["fmn"].rstrip(".").lower()]
        return WrittenDate(text, MONTH_FIRST, int(g["fy"]), month, int(g["fd"]), None)
    month = _MONTHS[g["dmn"].rstrip(".").lower()]
    return WrittenDate(text, DAY_FIRST, int(g["dy"]), month, int(g["dd"]), None)


def parse_date(text: str) -> WrittenDate | None:
    """The date-like text that is the whole of ``text`` (surrounding blanks allowed)."""
    match = _date_like().fullmatch(text.strip())
    return _from_match(match) if match else None


def find_date(text: str, start: int = 0) -> tuple[int, WrittenDate] | None:
    """The first date-like text in ``text`` from ``start``: (offset, date)."""
    match = _date_like().search(text, start)
    return (match.start(), _from_match(match)) if match else None
