"""The same input gives byte-identical output whatever the hash seed, the number of worker
processes, or the order in which the filesystem lists a directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.hostile.cases import REPO

TEXTS = [
    "A claim.[^1] and[^ 2]\n\n[^3]: Unused.\n",
    "# Title\n\nteh recieve the the note [x](./missing.md#nowhere).\n",
    "---\ntitle: x\ndate: 2024-02-30\n---\n\n*2024.03.01*\n\nA.\n\n*2023.01.01*\n\nB.\n",
]


def _tree(root: Path) -> None:
    (root / "tillint.toml").write_text("", encoding="utf-8")
    for index in range(60):
        folder = root / f"topic{index % 5}"
        folder.mkdir(exist_ok=True)
        (folder / f"n{index:02}.md").write_text(TEXTS[index % len(TEXTS)], encoding="utf-8")


def _output(root: Path, seed: str, jobs: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    command = [sys.executable, "-m", "tillint", "check", "--select", "ALL", "--offline"]
    command += ["--no-cache", "--format", "json", "-j", jobs, "."]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, timeout=300).stdout


def test_output_is_identical_across_hash_seeds_and_workers(tmp_path: Path) -> None:
    _tree(tmp_path)
    outputs = {
        _output(tmp_path, seed, jobs) for seed, jobs in [("0", "1"), ("1", "2"), ("4242", "4")]
    }
    assert len(outputs) == 1 and len(next(iter(outputs))) > 1000


def test_output_ignores_directory_listing_order(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(in_tmp)
    first = run_cli("check", "--format", "json", "--no-cache", "-j", "1", ".").output
    real_walk = os.walk

    def reversed_walk(top: object, *args: object, **kwargs: object) -> Iterator[object]:
        for current, dirnames, filenames in real_walk(top, *args, **kwargs):  # type: ignore[call-overload]
            dirnames.reverse()
            yield current, dirnames, list(reversed(filenames))

    monkeypatch.setattr(os, "walk", reversed_walk)
    assert run_cli("check", "--format", "json", "--no-cache", "-j", "1", ".").output == first
