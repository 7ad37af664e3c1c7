"""CH005: the front matter ``date`` against the dates in the file name and the ``path``/``slug``.

Only three top-level scalar keys are read (``Document.front_matter_scalars``; full YAML
belongs to the front matter family): ``date``, ``path`` and ``slug``. The date part of
``date`` is compared as written (``2021-04-26T23:30:00+09:00`` is 2021-04-26, no time zone
arithmetic). A file name such as ``2021-04-26-title.md`` or ``21-04-26-title.md`` and a path
such as ``/cheatsheet/21-04-26/`` or ``/2021/04/26/title/`` carry a date; two-digit years are
read as 20YY. Names and paths whose date is not a real day are not compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from tillint.checks.chronology_dates import parse_date
from tillint.document import Document
from tillint.finding import Finding

_ISO_PREFIX = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?=$|[T \t])")
_NAME_DATE = re.compile(r"(?P<y>\d{4}|\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?=$|[-_.])")
_PATH_DATE = re.compile(r"(?<!\d)(?P<y>\d{4}|\d{2})(?P<s>[-/])(?P<m>\d{2})(?P=s)(?P<d>\d{2})(?!\d)")


def _day(year: str, month: str, day: str) -> date | None:
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    try:
        return date(full_year, int(month), int(day))
    except ValueError:
        return None


def _encoded_day(pattern: re.Pattern[str], text: str) -> date | None:
    match = pattern.search(text) if pattern is _PATH_DATE else pattern.match(text)
    return _day(match["y"], match["m"], match["d"]) if match else None


def front_matter_findings(doc: Document) -> Iterator[Finding]:
    """CH005 over one document: an unreal front matter date, or one other dates disagree with."""
    values = doc.front_matter_scalars
    written = values.get("date")
    if written is None:
        return
    iso = _ISO_PREFIX.match(written.value)
    parsed = parse_date(written.value)
    if iso:
        stated = _day(iso["y"], iso["m"], iso["d"])
        shown = iso.group(0)
    elif parsed:
        stated, shown = parsed.value, parsed.text
    else:
        return
    if stated is None:
        yield doc.finding(
            "CH005", written.start, written.end, f"front matter date {shown} is not a real date"
        )
        return
    sources = [("the file name", doc.path.name, _encoded_day(_NAME_DATE, doc.path.name))]
    for key in ("path", "slug"):
        if key in values:
            sources.append((key, values[key].value, _encoded_day(_PATH_DATE, values[key].value)))
    for where, text, encoded in sources:
        if encoded is not None and encoded != stated:
            yield doc.finding(
                "CH005",
                written.start,
                written.end,
                f"front matter date {shown} disagrees with {encoded.isoformat()} in {where} "
                f"`{text}`",
            )
