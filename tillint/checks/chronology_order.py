"""CH001: entries out of chronological order, and the unsafe fix that puts them back.

Within each group of entries (the whole file, or each higher-level section with
``scope = "section"``), the entries that stay are a longest run in order (non-decreasing dates
for ``ascending``, equal dates being in order); every other dated entry is reported once. So a
single entry pasted thirty places too high is one finding, and the number of findings is the
least number of entries that must move.

The fix sorts the group's *units* stably by date. A unit is a dated entry together with the
entries without a (real) date that follow it, which stay attached to it; entries before the
group's first dated entry stay in place. Units are moved as whole text, from the heading line
to the line before the next entry heading, so no byte inside an entry changes and text before
the first entry and after the last one stays where it is. A group whose entries are not
adjacent (another heading of the entry level or above sits between them) gets no fix.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from tillint.checks.chronology_entries import Entry
from tillint.document import Document
from tillint.finding import Finding, Fix


@dataclass(frozen=True)
class DatedEntry:
    """A dated entry of a group with its sort key (the day, negated for descending order)."""

    entry: Entry
    key: int

    @property
    def label(self) -> str:
        assert self.entry.marker is not None
        return f"{self.entry.marker.date.text} on line {self.entry.marker.line}"


def in_order_positions(keys: list[int]) -> list[bool]:
    """Which positions belong to a longest non-decreasing subsequence, preferring earlier ones.

    ``run_from[i]`` is the length of the longest non-decreasing run that starts at ``i``
    (computed right to left); a forward greedy pass then keeps the earliest usable positions.
    """
    tails: list[int] = []
    run_from = [0] * len(keys)
    for index in range(len(keys) - 1, -1, -1):
        value = -keys[index]
        place = bisect_right(tails, value)
        if place == len(tails):
            tails.append(value)
        else:
            tails[place] = value
        run_from[index] = place + 1
    kept = [False] * len(keys)
    needed = len(tails)
    lowest: int | None = None
    for index, key in enumerate(keys):
        if needed and run_from[index] == needed and (lowest is None or key >= lowest):
            kept[index] = True
            lowest = key
            needed -= 1
    return kept


def _groups(entries: tuple[Entry, ...], scope: str) -> Iterator[list[Entry]]:
    if scope == "file":
        yield list(entries)
        return
    for _, group in groupby(entries, key=lambda entry: entry.section):
        yield list(group)


def order_findings(
    doc: Document, entries: tuple[Entry, ...], order: str, scope: str
) -> Iterator[Finding]:
    """CH001 findings (each carrying the group's reorder fix when the group is adjacent)."""
    sign = 1 if order == "ascending" else -1
    for group in _groups(entries, scope):
        dated = [
            DatedEntry(entry, sign * entry.day.toordinal()) for entry in group if entry.day
        ]
        kept = in_order_positions([d.key for d in dated])
        if all(kept):
            continue
        fix = _reorder_fix(doc, group, dated)
        for index, keep in enumerate(kept):
            if not keep:
                yield _finding(doc, dated, index, fix)


def _finding(doc: Document, dated: list[DatedEntry], index: int, fix: Fix | None) -> Finding:
    moved = dated[index]
    assert moved.entry.marker is not None
    above = next((d for d in reversed(dated[:index]) if d.key > moved.key), None)
    if above is not None:
        where = f"comes after {above.label}"
    else:
        below = next(d for d in dated[index + 1 :] if d.key < moved.key)
        where = f"comes before {below.label}"
    ranked = sorted(range(len(dated)), key=lambda i: dated[i].key)
    rank = ranked.index(index)
    if rank:
        target = f"move the entry after {dated[ranked[rank - 1]].label}"
    else:
        target = f"move the entry before {dated[ranked[1]].label}"
    marker = moved.entry.marker
    return doc.finding(
        "CH001",
        marker.start,
        marker.end,
        f"{marker.date.text} {where}; {target}",
        fix=fix,
    )


def _reorder_fix(doc: Document, group: list[Entry], dated: list[DatedEntry]) -> Fix | None:
    if any(before.end != after.start for before, after in zip(group, group[1:])):
        return None
    first = group.index(dated[0].entry)
    units: list[tuple[int, str]] = []
    for entry in group[first:]:
        if entry.day:
            units.append((0, doc.text[entry.start : entry.end]))
        else:
            units[-1] = (0, units[-1][1] + doc.text[entry.start : entry.end])
    units = [(d.key, text) for d, (_, text) in zip(dated, units)]
    newline = doc.newline
    texts = [text if text.endswith("\n") else text + newline for _, text in sorted(units, key=_key)]
    reordered = "".join(texts)
    start, end = group[first].start, group[-1].end
    if not doc.text[start:end].endswith("\n"):
        reordered = reordered[: -len(newline)]
    return doc.fix("unsafe", doc.edit(start, end, reordered))


def _key(unit: tuple[int, str]) -> int:
    return unit[0]
