"""Which ``--format`` goes where: the terminal or the ``--output-file``.

``--format`` may be repeated. Without ``--output-file`` every format is printed, in the order
given. With ``--output-file`` the file receives the last format that is not a terminal format
(``full``, ``concise``), or the last format when all of them are, and the others are printed:
``--format full --format sarif --output-file results.sarif`` shows the findings and writes
SARIF. With no ``--format`` the format is ``github`` inside GitHub Actions
(``GITHUB_ACTIONS=true``) and ``full`` elsewhere. A machine-readable format on the terminal
must be alone there, since its readers parse the whole stream.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from tillint.errors import UsageError
from tillint.report import MACHINE_FORMATS, TERMINAL_FORMATS


class ReportPlan(NamedTuple):
    """The formats printed to the terminal, in order, and the one written to the file."""

    terminal: tuple[str, ...]
    file: str | None


def default_format() -> str:
    """``github`` inside GitHub Actions, else ``full``."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "full"


def plan_reports(formats: tuple[str, ...], to_file: bool) -> ReportPlan:
    """Route the requested formats; a usage error when machine output would be mixed."""
    chosen = list(dict.fromkeys(formats)) or [default_format()]
    file_format = None
    if to_file:
        candidates = [f for f in chosen if f not in TERMINAL_FORMATS] or chosen
        file_format = candidates[-1]
        chosen.remove(file_format)
    machine = [f for f in chosen if f in MACHINE_FORMATS]
    if machine and len(chosen) > 1:
        other = next(f for f in chosen if f != machine[0])
        raise UsageError(
            f"--format {machine[0]} and --format {other} cannot share the terminal; "
            f"write one of them to a file with --output-file"
        )
    return ReportPlan(tuple(chosen), file_format)
