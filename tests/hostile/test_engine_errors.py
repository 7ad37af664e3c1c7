"""A file that cannot be read, and a rule that crashes, are findings; every other file is still
checked. Internal errors end the run with exit code 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tillint.checks import footnotes

BAD = "A claim.[^1]\n"


def _notes(root: Path) -> None:
    for name in ("a.md", "b.md", "locked.md"):
        (root / name).write_text(BAD, encoding="utf-8")


def test_unreadable_file_is_tl002_and_the_others_are_checked(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _notes(in_tmp)
    real_open = os.open

    def refusing_open(path: object, flags: int, *args: int, **kwargs: object) -> int:
        if str(path).endswith("locked.md"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    result = run_cli("check", "--format", "json", "--no-cache", ".")
    rows = {(f["path"], f["rule"]) for f in json.loads(result.output)}
    assert rows == {("a.md", "FN001"), ("b.md", "FN001"), ("locked.md", "TL002")}
    assert result.exit_code == 1


def test_a_crashing_rule_is_tl001_with_its_exception_and_exit_2(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _notes(in_tmp)
    (in_tmp / "encoded.md").write_bytes(b"caf\xe9\n")

    def crash(doc: object, ctx: object) -> list[object]:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(footnotes, "check", crash)
    result = run_cli("check", "--select", "FN,EN", "--format", "json", "--no-cache", ".")
    findings = json.loads(result.output)
    internal = [f for f in findings if f["rule"] == "TL001"]
    assert len(internal) == 4
    assert all("ZeroDivisionError: boom" in f["message"] for f in internal)
    assert any(f["rule"].startswith("EN") for f in findings), "other families still ran"
    assert result.exit_code == 2
