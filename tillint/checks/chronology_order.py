"""CH001: entries out of chronological order, and the unsafe fix that puts them back.

Within each group of entries (the whole file, or each higher-level section with
``scope = "section"``), the entries that stay are a longest run in order (non-decreasing dates
for ``ascending``, equal dates being in order); every other dated entry is reported once. So a
single entry pasted thirty places too high is one finding, and the number of findings is the
least number of entries that must move.

The fix sorts the group's *units* stably by date. A unit is a dated entry together with the
entries without a (real) date that follow it, which stay attached to it; entries before the
group's first dated entry stay in place. Units are moved as whole text, from the heading line
to the last non-blank line before the next entry heading, so no byte inside an entry changes;
the blank lines between units stay where they are (so an entry moved away from the end of the
file does not run into the next heading), and text before the first entry and after the last
one stays where it is. A group whose entries are not
adjacent (another heading of the entry level or above sits between them) gets no fix.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby, pairwise

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
        dated = [DatedEntry(entry, sign * entry.day.toordinal()) for entry in group if entry.day]
        kept = in_order_positions([d.key for d in dated])
        if all(kept):
            continue
        # The stable sort of the dated entries: where each one belongs.
        ranked = sorted(range(len(dated)), key=lambda i: dated[i].key)
        rank_of = {index: rank for rank, index in enumerate(ranked)}
        fix = _reorder_fix(doc, group, dated, ranked)
        hint = _reversed_order_hint([d.key for d in dated], order)
        for index, keep in enumerate(kept):
            if not keep:
                target = _target(dated, ranked, rank_of[index]) + hint
                yield _finding(doc, dated, index, target, fix)


def _reversed_order_hint(keys: list[int], order: str) -> str:
    """A hint when the whole group is consistently in the other order (three entries or more)."""
    if len(keys) < 3 or not all(in_order_positions([-key for key in keys])):
        return ""
    other = "descending" if order == "ascending" else "ascending"
    return f' (all entries here are in {other} order: set `order = "{other}"` if intended)'


def _target(dated: list[DatedEntry], ranked: list[int], rank: int) -> str:
    if rank:
        return f"move the entry after {dated[ranked[rank - 1]].label}"
    return f"move the entry before {dated[ranked[1]].label}"


def _finding(
    doc: Document, dated: list[DatedEntry], index: int, target: str, fix: Fix | None
) -> Finding:
    moved = dated[index]
    assert moved.entry.marker is not None
    above = next((d for d in reversed(dated[:index]) if d.key > moved.key), None)
    if above is not None:
        where = f"comes after {above.label}"
    else:
        below = next(d for d in dated[index + 1 :] if d.key < moved.key)
        where = f"comes before {below.label}"
    marker = moved.entry.marker
    return doc.finding(
        "CH001",
        marker.start,
        marker.end,
        f"{marker.date.text} {where}; {target}",
        fix=fix,
    )


def _reorder_fix(
    doc: Document, group: list[Entry], dated: list[DatedEntry], ranked: list[int]
) -> Fix | None:
    if any(before.end != after.start for before, after in pairwise(group)):
        return None
    first = group.index(dated[0].entry)
    unit_texts: list[str] = []
    for entry in group[first:]:
        text = doc.text[entry.start : entry.end]
        if entry.day:
            unit_texts.append(text)
        else:
            unit_texts[-1] += text
    bodies, gaps = zip(*map(_split_trailing_blank_lines, unit_texts), strict=True)
    pieces = []
    for slot, index in enumerate(ranked):
        body = bodies[index]
        if slot < len(ranked) - 1 and not body.endswith("\n"):
            body += doc.newline
        pieces.append(body + gaps[slot])
    start, end = group[first].start, group[-1].end
    reordered = "".join(pieces)
    if not doc.text[start:end].endswith("\n"):  # the file ended without a line break: keep so
        reordered = reordered.removesuffix(doc.newline)
    return doc.fix("unsafe", doc.edit(start, end, reordered))


def _split_trailing_blank_lines(text: str) -> tuple[str, str]:
    """An entry's text without the blank lines that end it, and those blank lines."""
    last_line_break = text.find("\n", len(text.rstrip(" \t\r\n")))
    cut = len(text) if last_line_break < 0 else last_line_break + 1
    return text[:cut], text[cut:]
