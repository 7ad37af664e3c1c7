"""The compiled rule catalogue in the user's cache directory: used while current, never trusted
when stale or damaged, and never needed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tillint import catalog
from tillint.catalog import Rule, load_catalog, rules_dir


@pytest.fixture
def rules_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the rule files as the catalogue's source, and an empty user cache."""
    copy = tmp_path / "rules"
    shutil.copytree(rules_dir(), copy)
    monkeypatch.setattr(catalog, "rules_dir", lambda: copy)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return copy


def _load() -> dict[str, Rule]:
    return load_catalog.__wrapped__()  # type: ignore[attr-defined,no-any-return]


def _compiled_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "user-cache" / "tillint").glob("catalog-*.pickle"))


def _no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(directory: Path) -> dict[str, Rule]:
        raise AssertionError(f"read the rule files of {directory}")

    monkeypatch.setattr(catalog, "read_rule_files", refuse)


def test_a_current_compiled_catalogue_is_used_without_reading_the_rule_files(
    rules_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _load()
    assert len(_compiled_files(tmp_path)) == 1
    _no_yaml(monkeypatch)
    assert _load() == first == load_catalog()


def test_an_edited_rule_file_is_read_again(
    rules_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load()
    rule_file = rules_copy / "FN001.yaml"
    text = rule_file.read_text(encoding="utf-8")
    rule_file.write_text(text.replace("severity: error", "severity: info", 1), encoding="utf-8")
    info = rule_file.stat()
    os.utime(rule_file, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    assert _load()["FN001"].severity == "info"
    _no_yaml(monkeypatch)
    assert _load()["FN001"].severity == "info"  # and the compiled file was rewritten


def test_a_damaged_compiled_catalogue_is_replaced(rules_copy: Path, tmp_path: Path) -> None:
    expected = _load()
    [compiled] = _compiled_files(tmp_path)
    compiled.write_bytes(b"not a pickle")
    assert _load() == expected
    assert compiled.read_bytes() != b"not a pickle"


def test_an_unwritable_cache_directory_only_costs_speed(
    rules_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert _load() == load_catalog()
    assert blocker.read_text(encoding="utf-8") == ""
    assert not list(tmp_path.glob("**/.catalog*.tmp"))
