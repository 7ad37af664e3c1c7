"""``action.yml`` (the composite action) and ``.pre-commit-hooks.yaml``: their shape, and the
action's run script executed with bash as GitHub runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

BAD = "A claim.[^1]\n"


def _action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return data


def _step(step_id: str) -> dict[str, Any]:
    return next(step for step in _action()["runs"]["steps"] if step.get("id") == step_id)


def test_action_is_composite_with_the_documented_inputs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert list(action["inputs"]) == ["paths", "args", "version", "sarif-file"]
    assert all("description" in spec for spec in action["inputs"].values())
    for step in action["runs"]["steps"]:
        assert step["shell"] == "bash"
        # Inputs go through env:, never into the script text (no script injection).
        assert "${{" not in step["run"]


def test_hooks_manifest() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"tillint", "tillint-links"}
    offline = hooks["tillint"]
    assert offline["types_or"] == ["markdown"] and "--offline" in offline["entry"]
    assert offline["language"] == "python" and offline["pass_filenames"] is False
    assert "stages" not in offline
    links = hooks["tillint-links"]
    assert links["stages"] == ["manual"] and "--select LK" in links["entry"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's scripts are bash")
def test_run_step_annotates_and_writes_sarif(tmp_path: Path) -> None:
    (tmp_path / "tillint.toml").write_text("", encoding="utf-8")
    (tmp_path / "content" / "posts").mkdir(parents=True)
    (tmp_path / "content" / "posts" / "bad.md").write_text(BAD, encoding="utf-8")
    (tmp_path / "other.md").write_text(BAD, encoding="utf-8")
    shim = tmp_path / "bin" / "tillint"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tillint "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(tmp_path),
        "TILLINT": str(shim),
        "INPUT_PATHS": "content/\n",
        "INPUT_ARGS": "--select FN --no-cache",
        "INPUT_SARIF_FILE": "results.sarif",
    }
    proc = subprocess.run(
        ["bash", "-c", _step("run")["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        "::error file=content/posts/bad.md,line=1,endLine=1,col=9,endColumn=13,"
        "title=FN001 (undefined-footnote)::FN001 footnote reference `[^1]` has no definition",
        "tillint: 1 finding in 1 file (FN001 1)",
    ]
    log = json.loads((tmp_path / "results.sarif").read_text(encoding="utf-8"))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "content/posts/bad.md"
