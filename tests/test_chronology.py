"""The chronology family on the real fixture: one finding as is, and a shuffled copy put back."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FIXTURE, run_cli

_ENTRY_HEADING = re.compile(r"^##### ", re.M)
_DATE_LINE = re.compile(r"^\*(\d{4}\.\d{2}\.\d{2})\* *$", re.M)


def _findings(*args: str | Path) -> list[dict[str, object]]:
    result = run_cli("check", "--format", "json", "--no-cache", *args)
    return list(json.loads(result.output))


def _rows(*args: str | Path) -> list[tuple[object, object, object]]:
    return [(f["rule"], f["line"], f["column"]) for f in _findings(*args)]


def _split_fixture() -> tuple[str, list[str], str]:
    """The fixture as (text before the first entry, entry units, text after the last entry).

    A unit is a dated entry plus any undated entry right below it, as the issue's shuffle wants.
    """
    text = FIXTURE.read_text(encoding="utf-8")
    starts = [m.start() for m in _ENTRY_HEADING.finditer(text)]
    tail_start = text.index("### References")
    entries = [text[a:b] for a, b in zip(starts, [*starts[1:], tail_start], strict=True)]
    units: list[str] = []
    for entry in entries:
        if _DATE_LINE.search(entry):
            units.append(entry)
        else:
            units[-1] += entry
    return text[: starts[0]], units, text[tail_start:]


def _unit_date(unit: str) -> str:
    match = _DATE_LINE.search(unit)
    assert match
    return match.group(1)


def _shuffled_units(units: list[str], seed: int) -> list[str]:
    """Units in random order, except that units of one date keep their original order."""
    order = list(range(len(units)))
    random.Random(seed).shuffle(order)
    by_date: dict[str, list[int]] = {}
    for index in range(len(units)):
        by_date.setdefault(_unit_date(units[index]), []).append(index)
    slots: dict[str, list[int]] = {}
    for slot, index in enumerate(order):
        slots.setdefault(_unit_date(units[index]), []).append(slot)
    for day, slots_of_day in slots.items():
        for slot, index in zip(slots_of_day, by_date[day], strict=True):
            order[slot] = index
    return [units[index] for index in order]


def _must_move(days: list[str]) -> int:
    """Entries outside a longest non-decreasing subsequence (plain quadratic reference)."""
    longest = [1] * len(days)
    for i in range(len(days)):
        for j in range(i):
            if days[j] <= days[i]:
                longest[i] = max(longest[i], longest[j] + 1)
    return len(days) - max(longest)


def test_fixture_gives_exactly_one_missing_date(in_tmp: Path) -> None:
    rows = _rows("--select", "CH", FIXTURE)
    assert rows == [("CH002", 474, 1)]


def test_corpus_has_no_chronology_findings(in_tmp: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not here")
    assert _findings("--select", "CH", CORPUS) == []


@pytest.mark.parametrize("seed", [4, 2024])
def test_shuffled_fixture_is_reported_minimally_and_fixed_byte_for_byte(
    in_tmp: Path, seed: int
) -> None:
    head, units, tail = _split_fixture()
    assert len(units) == 37
    shuffled = _shuffled_units(units, seed)
    assert shuffled != units
    copy = in_tmp / "til.md"
    copy.write_bytes((head + "".join(shuffled) + tail).encode("utf-8"))
    ch001 = [f for f in _findings("--select", "CH", copy) if f["rule"] == "CH001"]
    assert len(ch001) == _must_move([_unit_date(unit) for unit in shuffled])
    result = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "--select", "CH001", copy)
    assert result.exit_code == 0
    assert copy.read_bytes() == FIXTURE.read_bytes()


def test_safe_fix_alone_does_not_reorder(in_tmp: Path) -> None:
    head, units, tail = _split_fixture()
    shuffled = head + "".join(reversed(units)) + tail
    copy = in_tmp / "til.md"
    copy.write_text(shuffled, encoding="utf-8")
    result = run_cli("check", "--no-cache", "--fix", "--select", "CH001", copy)
    assert result.exit_code == 1
    assert copy.read_text(encoding="utf-8") == shuffled


def test_one_entry_moved_thirty_places_up_is_one_finding(in_tmp: Path) -> None:
    head, units, tail = _split_fixture()
    moved = [*units[:3], units[33], *units[3:33], *units[34:]]
    copy = in_tmp / "til.md"
    copy.write_text(head + "".join(moved) + tail, encoding="utf-8")
    ch001 = [f for f in _findings("--select", "CH001", copy)]
    assert len(ch001) == 1
    assert str(ch001[0]["message"]).startswith(f"{_unit_date(units[33])} comes before ")


def test_message_names_the_entry_above_and_where_it_belongs(in_tmp: Path) -> None:
    copy = in_tmp / "til.md"
    shutil.copyfile(FIXTURE, copy)
    lines = copy.read_text(encoding="utf-8").split("\n")
    # Swap the entries of 2022.01.15 (lines 132-141) and 2022.02.28 (lines 142-154).
    lines[131:154] = lines[141:154] + lines[131:141]
    copy.write_text("\n".join(lines), encoding="utf-8")
    ch001 = _findings("--select", "CH001", copy)
    assert [(f["line"], f["column"]) for f in ch001] == [(147, 2)]
    assert ch001[0]["message"] == (
        "2022.01.15 comes after 2022.02.28 on line 134; move the entry after 2021.12.08 on line 123"
    )


def test_future_date_follows_tillint_today(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = in_tmp / "til.md"
    path.write_text("## a\n\n*2021.04.25*\n\n## b\n\n*2021.06.01*\n", encoding="utf-8")
    monkeypatch.setenv("TILLINT_TODAY", "2021-05-01")
    assert _rows("--select", "CH004", path) == [("CH004", 7, 2)]
    monkeypatch.setenv("TILLINT_TODAY", "2021-06-01")
    assert _rows("--select", "CH004", path) == []


def test_rules_lists_the_reorder_fix_as_unsafe(in_tmp: Path) -> None:
    result = run_cli("rules")
    line = next(row for row in result.output.splitlines() if row.startswith("CH001"))
    assert "entry-out-of-order" in line
    assert "unsafe" in line


def test_bad_option_is_a_usage_error(in_tmp: Path) -> None:
    (in_tmp / "tillint.toml").write_text('[chronology]\norder = "sideways"\n', encoding="utf-8")
    path = in_tmp / "til.md"
    path.write_text("## a\n\n2021-04-25\n", encoding="utf-8")
    result = run_cli("check", "--select", "CH", path)
    assert result.exit_code == 2
    assert "'order' must be one of ascending, descending" in result.output
