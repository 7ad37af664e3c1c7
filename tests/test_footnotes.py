"""The footnote family on the real fixture, and positions in awkward places."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import FIXTURE, run_cli


def _findings(*args: str | Path) -> list[dict[str, object]]:
    result = run_cli("check", "--format", "json", *args)
    return list(json.loads(result.output))


def test_fixture_footnotes_exactly(in_tmp: Path) -> None:
    result = run_cli("check", "--select", "FN", "--format", "concise", FIXTURE)
    assert result.exit_code == 1
    rows = [(f["rule"], f["line"], f["column"]) for f in _findings("--select", "FN", FIXTURE)]
    assert rows == [
        ("FN001", 136, 49),
        ("FN002", 494, 1),
        ("FN002", 495, 1),
        ("FN003", 501, 1),
        ("FN002", 504, 1),
    ]


def test_fixture_fn001_names_the_malformed_definition(in_tmp: Path) -> None:
    fn001 = [f for f in _findings("--select", "FN001", FIXTURE)]
    assert len(fn001) == 1
    assert "defined as `[^ 7]` on line 501?" in str(fn001[0]["message"])


def test_fix_turns_the_label_into_a_footnote(in_tmp: Path) -> None:
    copy = in_tmp / "til.md"
    shutil.copyfile(FIXTURE, copy)
    original = FIXTURE.read_bytes().split(b"\n")
    result = run_cli("check", "--select", "FN", "--fix", copy)
    assert result.exit_code == 1
    fixed = copy.read_bytes().split(b"\n")
    assert fixed[500].startswith(b"[^7]: Olivier Moindrot.")
    changed = [i for i, (a, b) in enumerate(zip(original, fixed, strict=True)) if a != b]
    assert changed == [500]
    rows = [(f["rule"], f["line"]) for f in _findings("--select", "FN", copy)]
    assert rows == [("FN002", 494), ("FN002", 495), ("FN002", 504)]


def test_positions_with_crlf_bom_front_matter_lists_and_quotes(in_tmp: Path) -> None:
    text = (
        "---\r\ntitle: x\r\n---\r\n"
        "- item one\r\n"
        "  - nested 한국어 note[^a]\r\n"
        "> quote[^b]\r\n"
        "\r\n"
        "> [^c]: quoted definition\r\n"
    )
    path = in_tmp / "crlf.md"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    rows = [(f["rule"], f["line"], f["column"], f["end_column"]) for f in _findings(path)]
    assert rows == [
        ("FN001", 5, 20, 24),
        ("FN001", 6, 8, 12),
        ("FN002", 8, 3, 7),
    ]


def test_references_in_code_are_not_footnotes(in_tmp: Path) -> None:
    path = in_tmp / "code.md"
    path.write_text(
        "Use `grep '[^a]'` or ``x [^b] y``.\n\n    [^c] indented code\n\n```\n[^d]\n```\n",
        encoding="utf-8",
    )
    assert _findings("--select", "FN", path) == []


def test_duplicate_definition_names_the_kept_one(in_tmp: Path) -> None:
    path = in_tmp / "dup.md"
    path.write_text("A[^1]\n\n[^1]: first\n\n[^1]: second\n", encoding="utf-8")
    findings = _findings("--select", "FN", path)
    assert [(f["rule"], f["line"]) for f in findings] == [("FN004", 5)]
    assert "keeps the first definition, on line 3" in str(findings[0]["message"])
