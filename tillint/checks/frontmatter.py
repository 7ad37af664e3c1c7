"""Front matter rules (FM): readable YAML, no duplicate keys or ambiguous values, a valid schema,
and routes (``path``, ``slug``, ``permalink``) used by one document only.

FM001-FM006 look at one document at a time (``frontmatter_document``, imported when a document
is checked: see ``tillint.checks``); FM007 compares the routes of all documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping as MappingType
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from tillint.finding import Finding, Span
from tillint.frontmatter import PRESETS

if TYPE_CHECKING:
    from tillint.checks import CheckContext
    from tillint.config import Settings
    from tillint.document import Document


def check(doc: Document, ctx: CheckContext) -> Iterator[Finding]:
    """FM001-FM006 over one document (FM007 is the cross-file ``check_corpus``).

    A document that does not open with ``---`` has no front matter, closed or not, and only
    a configured schema (FM001) has something to say about it: without one it costs nothing.
    """
    options = ctx.options
    if not doc.text.startswith("---") and not (options.get("schema") or options.get("schemas")):
        return iter(())
    from tillint.checks.frontmatter_document import document_findings

    return document_findings(doc, ctx)


CORPUS_CACHEABLE = True


def fingerprint_inputs(settings: Settings) -> list[Path]:
    """The configured schema files: their content decides this family's findings (presets
    change only with tillint's code; a file's own ``$schema`` is not covered)."""
    options = settings.family_options("frontmatter")
    specs = [options.get("schema"), *(options.get("schemas") or {}).values()]
    return [
        settings.root / spec
        for spec in sorted({s for s in specs if isinstance(s, str) and s not in PRESETS})
    ]


# --- FM007: routes used by two documents ------------------------------------------------------


class RouteUse(NamedTuple):
    """One route value in one document: the key, the value as written, and where."""

    key: str
    value: str
    span: Span
    source_line: str

    @property
    def route(self) -> str:
        value = self.value.strip()
        return value.rstrip("/") or value


def summarize(doc: Document, ctx: CheckContext) -> tuple[RouteUse, ...]:
    """The document's route values (top-level ``route_keys`` with a string value)."""
    if doc.front_matter is None or not ctx.enabled("FM007"):
        return ()
    from tillint.checks.frontmatter_document import Locator, parse
    from tillint.frontmatter.tree import Mapping, Scalar

    parsed = parse(doc)
    if parsed is None or not isinstance(parsed.root, Mapping):
        return ()
    located = Locator(doc, parsed.block)
    uses = []
    for name in ctx.options.get("route_keys", []):
        entry = parsed.root.entry(name)
        if entry is None or not isinstance(entry[1], Scalar) or not entry[1].text.strip():
            continue
        finding = located.finding("FM007", entry[1], entry[0], "")
        uses.append(RouteUse(name, entry[1].text, finding.span, finding.source_line))
    return tuple(uses)


def check_corpus(
    summaries: MappingType[str, tuple[RouteUse, ...]], ctx: CheckContext
) -> Iterator[Finding]:
    """FM007: each use of a route that another document of the run also uses."""
    users: dict[tuple[str, str], list[tuple[str, RouteUse]]] = {}
    for path in sorted(summaries):
        for use in summaries[path] or ():
            users.setdefault((use.key, use.route), []).append((path, use))
    for (key, _), uses in sorted(users.items(), key=lambda item: item[0]):
        if len({path for path, _ in uses}) < 2:
            continue
        for path, use in uses:
            others = [f"{p}:{u.span.line}" for p, u in uses if p != path]
            shown = ", ".join(others[:3]) + (
                f" and {len(others) - 3} more" if len(others) > 3 else ""
            )
            yield Finding(
                path=path,
                span=use.span,
                rule="FM007",
                message=f"{key} `{use.value.strip()}` is also the route of {shown}",
                source_line=use.source_line,
            )
