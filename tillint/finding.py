"""Findings, fixes and text edits: what checks produce and reporters format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Applicability = Literal["safe", "unsafe"]
SEVERITIES = ("error", "warning", "info")


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``): a file name, a link target or a
    word taken from a file must never drive the terminal or a CI log it is printed to."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


class Span(NamedTuple):
    """A range in a file: 1-based lines and columns (in characters), end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


class Edit(NamedTuple):
    """Replace the text between two character offsets of the decoded document."""

    start: int
    end: int
    content: str
    span: Span

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "content": self.content,
        }


class Fix(NamedTuple):
    """A set of edits that together repair one finding."""

    applicability: Applicability
    edits: tuple[Edit, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "applicability": self.applicability,
            "edits": [edit.to_json() for edit in self.edits],
        }


@dataclass(frozen=True)
class Finding:
    """One problem at one place in one file.

    ``severity`` and ``name`` are filled in by the engine from the rule catalogue (a check may
    set ``severity`` itself when the rule says the severity depends on the case).
    ``source_line`` is the text of the span's first line, for the ``full`` report.
    """

    path: str
    span: Span
    rule: str
    message: str
    severity: str = ""
    name: str = ""
    fix: Fix | None = None
    source_line: str = field(default="", compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str, int, int, str]:
        s = self.span
        return (self.path, s.line, s.column, self.rule, s.end_line, s.end_column, self.message)

    def to_json(self) -> dict[str, Any]:
        s = self.span
        return {
            "path": self.path,
            "line": s.line,
            "column": s.column,
            "end_line": s.end_line,
            "end_column": s.end_column,
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix.to_json() if self.fix else None,
        }
