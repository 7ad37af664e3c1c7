"""The pre-commit hooks, run by the real ``pre-commit try-repo`` in a temporary repository.

``try-repo`` clones a git repository and installs it with pip in an isolated environment (the
build backend and the dependencies come from the package index), so this test takes about a
minute the first time and ~15 s with pip's cache warm. It does not point ``try-repo`` at this
checkout directly: ``try-repo`` ignores untracked files and would test the last commit rather
than the working tree. Instead it commits a snapshot of the files the package is built from.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")

PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml")
PACKAGE_DIRS = ("tillint", "rules")
GOOD = "# Notes\n\nA claim about testing.[^1] See [the other page](other.md).\n\n[^1]: A source.\n"
OTHER = "# Other\n\nMore words here.\n"
BAD = "# Draft\n\nA claim.[^1] See [a page](missing.md).\n"


def _git_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = "tillint tests"
        env[f"GIT_{role}_EMAIL"] = "tests@tillint.invalid"
    env["GIT_CONFIG_GLOBAL"] = os.devnull  # no signing or hooks from the developer's config
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env.pop("GITHUB_ACTIONS", None)
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def _git(cwd: Path, env: dict[str, str], *args: str) -> None:
    proc = _run(["git", *args], cwd, env)
    assert proc.returncode == 0, proc.stderr


def _snapshot(destination: Path, env: dict[str, str]) -> None:
    """A one-commit repository holding what pip needs to build tillint from this checkout."""
    destination.mkdir()
    for name in PACKAGE_FILES:
        shutil.copy2(REPO / name, destination / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in PACKAGE_DIRS:
        shutil.copytree(REPO / name, destination / name, ignore=ignore)
    _git(destination, env, "init", "--quiet")
    _git(destination, env, "add", "--all")
    _git(destination, env, "commit", "--quiet", "--no-verify", "-m", "snapshot")


def _try_repo(project: Path, source: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Both hooks (the manual stage runs the default hook too) on the staged files."""
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(source)]
    return _run([*command, "--hook-stage", "manual", "--color", "never"], project, env)


def test_hooks_pass_on_good_markdown_and_fail_on_bad(tmp_path: Path) -> None:
    env = _git_env(tmp_path)
    source = tmp_path / "tillint-source"
    _snapshot(source, env)
    project = tmp_path / "project"
    project.mkdir()
    (project / "tillint.toml").write_text("", encoding="utf-8")
    (project / "good.md").write_text(GOOD, encoding="utf-8")
    (project / "other.md").write_text(OTHER, encoding="utf-8")
    _git(project, env, "init", "--quiet")
    _git(project, env, "add", "--all")

    good = _try_repo(project, source, env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "tillint links" in good.stdout and "Failed" not in good.stdout

    (project / "bad.md").write_text(BAD, encoding="utf-8")
    _git(project, env, "add", "bad.md")
    bad = _try_repo(project, source, env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "- hook id: tillint\n" in bad.stdout
    assert "bad.md:3:9: FN001 footnote reference `[^1]` has no definition" in bad.stdout
    assert "- hook id: tillint-links\n" in bad.stdout
    assert "bad.md:3:27: LK003" in bad.stdout
