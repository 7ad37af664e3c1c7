"""The chronology family on small documents: formats, options, line endings, and properties."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillint.catalog import load_catalog
from tillint.checks import CheckContext
from tillint.checks.chronology import check
from tillint.checks.chronology_dates import DATE_LIKE, TWO_DIGITS, parse_date
from tillint.checks.chronology_order import in_order_positions
from tillint.config import Settings, validate_family_options
from tillint.document import Document
from tillint.errors import UsageError
from tillint.finding import Finding
from tillint.fix import apply_fixes

ALL_CH = frozenset(rule for rule in load_catalog() if rule.startswith("CH"))


def _check(text: str, path: str = "til.md", /, **options: object) -> list[Finding]:
    settings = Settings(
        root=Path("."),
        selected=ALL_CH,
        options=validate_family_options({"chronology": options}, "test"),
        today=date(2026, 1, 1),
    )
    doc = Document(Path(path), path, text.encode("utf-8"))
    return sorted(check(doc, CheckContext("chronology", settings)), key=lambda f: f.sort_key)


def _rows(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.rule, f.span.line, f.span.column) for f in findings]


def _fixed(text: str, **options: object) -> str:
    """The text after applying CH001 fixes until none is left (as the engine's rounds do)."""
    for _ in range(10):
        fixes = [f.fix for f in _check(text, **options) if f.rule == "CH001" and f.fix]
        if not fixes:
            return text
        text, _ = apply_fixes(text, fixes)
    raise AssertionError("the fix does not converge")


def _entries(*days: str, newline: str = "\n") -> str:
    return "".join(
        f"## entry {i}{newline}{newline}{d}{newline}{newline}" for i, d in enumerate(days)
    )


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2021.04.25", "2021-04-25"),
        ("2021.04.25.", "2021-04-25"),
        ("2021-04-25", "2021-04-25"),
        ("2021/04/25", "2021-04-25"),
        ("2021년 4월 25일", "2021-04-25"),
        ("April 25, 2021", "2021-04-25"),
        ("Apr. 25th 2021", "2021-04-25"),
        ("25 April 2021", "2021-04-25"),
        ("25 Sept 2021", "2021-09-25"),
    ],
)
def test_accepted_formats_parse(written: str, iso: str) -> None:
    parsed = parse_date(written)
    assert parsed is not None and parsed.format and parsed.iso == iso


@pytest.mark.parametrize("written", ["2022.02.30", "2021.13.01"])
def test_impossible_days_are_date_like_without_value(written: str) -> None:
    parsed = parse_date(written)
    assert parsed is not None and parsed.value is None


def test_no_entries_no_findings() -> None:
    assert _check("# Title\n\nSome prose from 2021.04.25 on.\n\n## Usage\n\nText.\n") == []


def test_a_single_dated_heading_is_no_chronicle_but_its_date_is_checked() -> None:
    text = "# Post\n\n*2022.02.30*\n\n## Setup\n\n## Usage\n"
    assert _rows(_check(text)) == [("CH003", 3, 2)]


def test_crlf_file_is_reordered_with_its_line_endings() -> None:
    text = "# T\r\n\r\n" + _entries("2021-01-02", "2021-01-01", newline="\r\n") + "# End\r\n"
    assert _rows(_check(text)) == [("CH001", 9, 1)]
    expected = "# T\r\n\r\n" + "".join(
        f"## entry {i}\r\n\r\n{d}\r\n\r\n" for i, d in ((1, "2021-01-01"), (0, "2021-01-02"))
    )
    assert _fixed(text) == expected + "# End\r\n"


def test_last_entry_without_final_newline_moves_cleanly() -> None:
    text = "## a\n\n2021-01-03\n\nA.\n\n## b\n\n2021-01-01\n\nB."
    assert _fixed(text) == "## b\n\n2021-01-01\n\nB.\n\n## a\n\n2021-01-03\n\nA."


def test_undated_first_entry_stays_and_undated_later_entry_moves_with_the_one_above() -> None:
    intro, x, x2 = "## intro\n\nNo date.\n\n", "## x\n\n2021-01-05\n\n", "## x2\n\nNo date.\n\n"
    y, z = "## y\n\n2021-01-01\n\n", "## z\n\n2021-01-09\n"
    text = intro + x + x2 + y + z
    assert _rows(_check(text)) == [("CH002", 1, 1), ("CH002", 9, 1), ("CH001", 15, 1)]
    assert _fixed(text) == intro + y + x + x2 + z


def test_descending_order_is_fixed_newest_first() -> None:
    text = _entries("2021-01-01", "2021-03-01", "2021-02-01")
    assert _rows(_check(text, order="descending")) == [("CH001", 3, 1)]
    assert _fixed(text, order="descending") == (
        "## entry 1\n\n2021-03-01\n\n## entry 2\n\n2021-02-01\n\n## entry 0\n\n2021-01-01\n\n"
    )


def test_file_scope_across_sections_reports_but_cannot_fix() -> None:
    text = "# 2021\n\n" + _entries("2021-02-01") + "# 2020\n\n" + _entries("2020-01-01")
    findings = _check(text)
    assert _rows(findings) == [("CH001", 11, 1)]
    assert findings[0].fix is None
    assert _check(text, scope="section") == []


def test_heading_pattern_selects_entries() -> None:
    text = (
        "## TIL: a\n\n2021-01-02\n\n## Notes\n\nUndated.\n\n"
        "## TIL: b\n\n2021-01-01\n\n## TIL: c\n\nforgot\n"
    )
    rows = _rows(_check(text, heading_pattern="^TIL:"))
    assert rows == [("CH001", 11, 1), ("CH002", 13, 1)]


def test_heading_level_makes_one_dated_entry_enough() -> None:
    text = "### a\n\n2021-01-01\n\n### b\n\nText.\n\n### c\n\nText.\n"
    assert _check(text) == []
    assert _rows(_check(text, heading_level=3)) == [("CH002", 5, 1), ("CH002", 9, 1)]


def test_zero_padding_settings() -> None:
    text = _entries("2021.04.25", "2021.4.26", "2021.05.01")
    assert _rows(_check(text)) == [("CH003", 7, 1)]
    assert _check(text, zero_padding="any") == []
    unpadded = _entries("2021.4.5", "2021.4.6")
    assert _check(unpadded) == []
    assert _rows(_check(unpadded, zero_padding="always")) == [("CH003", 3, 1), ("CH003", 7, 1)]


def test_front_matter_date_against_name_and_path() -> None:
    text = '---\ndate: "2021-04-26"\npath: "/cheatsheet/21-04-26/"\n---\n\nText.\n'
    assert _check(text, "21-04-26-til.md") == []
    rows = _rows(_check(text, "2021-04-27-til.md"))
    assert rows == [("CH005", 2, 8)]
    message = _check(text, "2021-04-27-til.md")[0].message
    assert "2021-04-27 in the file name `2021-04-27-til.md`" in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("order", "sideways"),
        ("scope", "chapter"),
        ("zero_padding", "sometimes"),
        ("heading_level", 7),
        ("heading_pattern", "("),
        ("date_formats", ["DD.MM.YYYY"]),
    ],
)
def test_bad_option_values_are_usage_errors(name: str, value: object) -> None:
    with pytest.raises(UsageError, match=re.escape(name) if name != "date_formats" else "format"):
        _check(_entries("2021-01-01"), **{name: value})


def _longest_non_decreasing(keys: list[int]) -> int:
    longest = [1] * len(keys)
    for i in range(len(keys)):
        for j in range(i):
            if keys[j] <= keys[i]:
                longest[i] = max(longest[i], longest[j] + 1)
    return max(longest, default=0)


@given(st.lists(st.integers(0, 6), max_size=40))
def test_kept_positions_are_a_longest_non_decreasing_run(keys: list[int]) -> None:
    kept = in_order_positions(keys)
    run = [k for k, keep in zip(keys, kept, strict=True) if keep]
    assert run == sorted(run)
    assert len(run) == _longest_non_decreasing(keys)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=2, max_size=15))
def test_fix_sorts_stably_and_reports_the_minimum(offsets: list[int]) -> None:
    days = [(date(2021, 1, 1) + timedelta(days=o)).isoformat() for o in offsets]
    text = "Intro.\n\n" + _entries(*days) + "# References\n\n[1]: x\n"
    ch001 = [f for f in _check(text) if f.rule == "CH001"]
    assert len(ch001) == len(days) - _longest_non_decreasing(offsets)
    fixed = _fixed(text)
    expected = sorted(range(len(days)), key=lambda i: days[i])
    assert (
        fixed
        == "Intro.\n\n"
        + "".join(f"## entry {i}\n\n{days[i]}\n\n" for i in expected)
        + "# References\n\n[1]: x\n"
    )


def test_newest_first_file_gets_an_order_hint() -> None:
    messages = [f.message for f in _check(_entries("2021-03-01", "2021-02-01", "2021-01-01"))]
    assert len(messages) == 2
    assert all('set `order = "descending"` if intended' in m for m in messages)
    assert _check(_entries("2021-03-01", "2021-02-01", "2021-01-01"), order="descending") == []


_DATE_PIECES = [
    "1",
    "9",
    "\u0663",
    ".",
    "-",
    "/",
    " ",
    "년",
    "월",
    "일",
    "Jan",
    "sept",
    "st",
    ",",
    "a",
]


@settings(max_examples=2000)
@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=12))
def test_no_date_is_written_without_two_digits_in_a_row(pieces: list[str]) -> None:
    """Documents without two digits in a row skip the date search (``TWO_DIGITS``)."""
    text = "".join(pieces)
    if not TWO_DIGITS.search(text):
        assert not re.search(DATE_LIKE, text, re.IGNORECASE)
