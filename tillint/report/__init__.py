"""Reporters turn sorted findings into text; they never decide what is a finding.

``FORMATS`` lists the ``--format`` names; ``TERMINAL_FORMATS`` are those meant for a person
(they may be colored and are followed by the summary line); ``MACHINE_FORMATS`` are single
documents or streams that another program parses, so two of them never share one stream.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import NamedTuple

from tillint.finding import Finding


class ReportContext(NamedTuple):
    """What a reporter may know about the run besides the findings.

    ``paths`` are the display paths of the checked files, when the run provides them (JUnit
    lists the clean files as passing test cases).
    """

    color: bool = False
    files_checked: int = 0
    fixes_applied: int = 0
    paths: tuple[str, ...] = ()


Reporter = Callable[[list[Finding], ReportContext], str]

# --format name -> (module under tillint.report, function): imported on demand.
_REPORTERS = {
    "full": ("text", "render_full"),
    "concise": ("text", "render_concise"),
    "json": ("json", "render_json"),
    "json-lines": ("jsonlines", "render_json_lines"),
    "github": ("github", "render_github"),
    "sarif": ("sarif", "render_sarif"),
    "junit": ("junit", "render_junit"),
}
FORMATS = tuple(_REPORTERS)
TERMINAL_FORMATS = ("full", "concise")
MACHINE_FORMATS = ("json", "json-lines", "sarif", "junit")


def reporter(name: str) -> Reporter:
    """The reporter for a ``--format`` name (its module is imported on demand)."""
    module, function = _REPORTERS[name]
    render: Reporter = getattr(import_module(f"tillint.report.{module}"), function)
    return render
