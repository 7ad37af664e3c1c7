"""The README's promises: the example content shows the rules firing; CI runs its command."""

from __future__ import annotations

import json
import re

from tests.conftest import REPO, run_cli


def test_examples_show_every_offline_family() -> None:
    result = run_cli("check", "--offline", "--no-cache", "--format", "json", REPO / "examples")
    assert result.exit_code == 1
    rules = {f["rule"] for f in json.loads(result.output)}
    assert {
        "FM003",
        "CH001",
        "CH002",
        "FN001",
        "FN002",
        "FN003",
        "LK003",
        "EN001",
        "TY001",
    } <= rules


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^python -m pip install .*$", readme, re.MULTILINE)
    assert len(commands) == 2
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
