"""Reporters turn sorted findings into text; they never decide what is a finding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tillint.finding import Finding


@dataclass(frozen=True)
class ReportContext:
    """What a reporter may know about the run besides the findings."""

    color: bool = False
    files_checked: int = 0
    fixes_applied: int = 0


Reporter = Callable[[list[Finding], ReportContext], str]


def reporter(name: str) -> Reporter:
    """The reporter for a ``--format`` name (imported on demand)."""
    if name == "json":
        from tillint.report.json import render_json

        return render_json
    from tillint.report.text import render_concise, render_full

    return {"full": render_full, "concise": render_concise}[name]


FORMATS = ("full", "concise", "json")
