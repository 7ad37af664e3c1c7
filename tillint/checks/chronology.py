"""Chronology rules (CH): dated entries present, real, in order, and dates that agree.

A TIL post grows entry by entry, each a heading followed by a date line, newest at the bottom
(see ``chronology_entries`` for what an entry is). CH001 reports entries out of order and can
reorder them (``chronology_order``), CH002 an entry heading without a date in a file whose
entries are dated, CH003 a date that does not exist or is not written in an accepted format,
CH004 a date after today, and CH005 a front matter ``date`` that disagrees with the date in the
file name or in the ``path``/``slug`` (``chronology_front_matter``).

The parts are imported when a document is checked, not with this module (see
``tillint.checks``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tillint.checks import CheckContext
    from tillint.checks.chronology_dates import WrittenDate
    from tillint.checks.chronology_entries import Chronicle, ChronologyOptions, DateMarker
    from tillint.document import Document
    from tillint.finding import Finding

_ENTRY_RULES = ("CH001", "CH002", "CH003", "CH004")


def check(doc: Document, ctx: CheckContext) -> Iterator[Finding]:
    """CH001-CH005 over one document."""
    from tillint.checks.chronology_entries import chronology_options, find_chronicle
    from tillint.checks.chronology_front_matter import front_matter_findings

    options = chronology_options(ctx.settings)
    if ctx.enabled("CH005"):
        yield from front_matter_findings(doc)
    if not any(ctx.enabled(rule) for rule in _ENTRY_RULES):
        return
    chronicle = find_chronicle(doc, options)
    if chronicle.has_dated_entries:
        from tillint.checks.chronology_order import order_findings  # most files have no entries

        yield from order_findings(doc, chronicle.entries, options.order, options.scope)
        yield from _missing_dates(doc, chronicle)
    yield from _invalid_dates(doc, chronicle, options)
    for marker in chronicle.markers:
        day = marker.date.value
        if day is not None and day > ctx.today:
            yield doc.finding(
                "CH004",
                marker.start,
                marker.end,
                f"{marker.date.text} is after today ({ctx.today.isoformat()})",
            )


def _missing_dates(doc: Document, chronicle: Chronicle) -> Iterator[Finding]:
    """CH002: entry headings without a date marker in a file of dated entries."""
    for entry in chronicle.entries:
        if entry.marker is None:
            heading = entry.heading
            yield doc.finding(
                "CH002",
                heading.start,
                doc.line_end(heading.line),
                f"entry `{heading.text}` has no date line under its heading, unlike the "
                "other entries of this file",
            )


def _invalid_dates(
    doc: Document, chronicle: Chronicle, options: ChronologyOptions
) -> Iterator[Finding]:
    """CH003: date markers that are no real day or not written in an accepted format."""
    pads_by_convention = _zero_padding_expected(chronicle.markers, options.zero_padding)
    for marker in chronicle.markers:
        problem = _date_problem(marker.date, options, pads_by_convention)
        if problem:
            yield doc.finding("CH003", marker.start, marker.end, problem)


def _zero_padding_expected(markers: list[DateMarker], setting: str) -> bool:
    if setting != "auto":
        return setting == "always"
    padded = sum(1 for m in markers if m.date.padded is True)
    unpadded = sum(1 for m in markers if m.date.padded is False)
    return padded > unpadded


def _date_problem(written: WrittenDate, options: ChronologyOptions, pad: bool) -> str:
    from tillint.checks.chronology_dates import FORMATS

    accepted = [f"`{name}`" for name in FORMATS if name in options.date_formats]
    if written.format not in options.date_formats:
        return f"{written.text} is not written in an accepted date format: {', '.join(accepted)}"
    if written.value is None:
        return f"{written.text} is not a real date"
    if pad and written.padded is False:
        padded = written.iso.replace("-", written.format[4])
        return f"{written.text} is not zero-padded; write {padded}"
    return ""
