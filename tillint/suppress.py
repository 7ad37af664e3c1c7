"""Inline suppression comments, invisible when the Markdown is rendered.

``<!-- tillint-disable [IDS] -->`` and ``<!-- tillint-enable [IDS] -->`` switch rules off and
on from their line onwards; ``<!-- tillint-disable-next-line [IDS] -->`` and
``<!-- tillint-disable-line [IDS] -->`` cover one line; ``<!-- tillint-disable-file [IDS] -->``
covers the whole file. IDS are rule ids, prefixes or aliases separated by spaces or commas;
none means every rule. Directives inside code are text, not directives.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tillint.document import Document
from tillint.errors import UsageError
from tillint.finding import Finding
from tillint.selection import matching_rules

_DIRECTIVE = re.compile(
    r"<!--\s*tillint-(disable-file|disable-next-line|disable-line|disable|enable)"
    r"((?:[\s,]+[\w-]+)*)\s*-->"
)


class Directive(NamedTuple):
    line: int  # first line the directive applies to
    kind: str  # "disable", "enable", "line" (one line) or "file"
    rules: frozenset[str] | None  # None: every rule


class Suppressions(NamedTuple):
    """The directives of one document, answering "is this finding suppressed?"."""

    directives: tuple[Directive, ...] = ()

    def suppresses(self, finding: Finding) -> bool:
        line, rule = finding.span.line, finding.rule
        state = False
        for directive in self.directives:
            if directive.rules is not None and rule not in directive.rules:
                continue
            if directive.kind == "file":
                return True
            if directive.kind == "line":
                if directive.line == line:
                    return True
            elif directive.line <= line:
                state = directive.kind == "disable"
        return state


def _rules_named(names: str) -> frozenset[str] | None:
    selectors = [name for name in re.split(r"[\s,]+", names) if name]
    if not selectors:
        return None
    ids: set[str] = set()
    for selector in selectors:
        try:
            ids.update(rule.id for rule in matching_rules(selector, "a tillint comment")[0])
        except UsageError:
            continue  # an unknown id in a comment suppresses nothing rather than failing
    return frozenset(ids)


def parse_suppressions(doc: Document) -> Suppressions:
    """Every directive of a document, in line order."""
    if "tillint-" not in doc.text:
        return Suppressions()
    directives = []
    for match in _DIRECTIVE.finditer(doc.text):
        if doc.in_code(match.start()):
            continue
        line = doc.position(match.start())[0]
        kind, rules = match.group(1), _rules_named(match.group(2))
        if kind == "disable-next-line":
            directives.append(Directive(doc.position(match.end())[0] + 1, "line", rules))
        elif kind == "disable-line":
            directives.append(Directive(line, "line", rules))
        elif kind == "disable-file":
            directives.append(Directive(1, "file", rules))
        else:
            directives.append(Directive(line, kind, rules))
    return Suppressions(tuple(directives))
