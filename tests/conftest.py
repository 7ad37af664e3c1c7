"""Shared test helpers: run the CLI in-process, locate the shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tillint.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURE = SHARED / "fixtures" / "til-ai-ml.md"
CORPUS = SHARED / "corpus" / "jbranchaud-til"


def write_file(root: Path, name: str, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``root / name`` (parents created), bytes exactly as given."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def run_cli(*args: str | Path) -> Result:
    """Run ``tillint`` with arguments, in-process; output captured."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests expect the terminal defaults even when CI itself runs in GitHub Actions."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary current directory with no configuration above it that tillint would find."""
    (tmp_path / "tillint.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    yield tmp_path
