"""``--format sarif``: what GitHub code scanning needs, and fingerprints that stay put."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tillint.finding import Finding, Span
from tillint.report.sarif import FINGERPRINT_KEY, sarif_log

DOC = "Intro.\n\nA claim.[^1] And[^1] again.\n\nA claim.[^1] And[^1] again.\n\n[^ 2]: note\n"


@pytest.fixture(autouse=True)
def _outside_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


def _sarif(*args: str) -> dict[str, Any]:
    result = run_cli("check", "--format", "sarif", *args)
    assert result.exit_code in (0, 1), result.output
    log: dict[str, Any] = json.loads(result.output)
    return log


def _fingerprints(log: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["partialFingerprints"][FINGERPRINT_KEY],
        )
        for r in log["runs"][0]["results"]
    ]


def test_fingerprints_survive_unrelated_lines_moving(in_tmp: Path) -> None:
    page = in_tmp / "page.md"
    page.write_text(DOC, encoding="utf-8")
    before = _fingerprints(_sarif("page.md"))
    page.write_text("# A new title\n\nA new paragraph.\n\n" + DOC, encoding="utf-8")
    after = _fingerprints(_sarif("page.md"))
    assert [(rule, line + 4, fp) for rule, line, fp in before] == after
    # Four FN001 on two identical lines: each has its own fingerprint.
    assert len({fp for _, _, fp in after}) == len(after) == 5


def test_fingerprints_change_with_the_flagged_line(in_tmp: Path) -> None:
    page = in_tmp / "page.md"
    page.write_text("A claim.[^1]\n", encoding="utf-8")
    first = _fingerprints(_sarif("page.md"))[0][2]
    page.write_text("A   claim.[^1]   \n", encoding="utf-8")
    assert _fingerprints(_sarif("page.md"))[0][2] == first  # whitespace is normalised
    page.write_text("Another claim.[^1]\n", encoding="utf-8")
    assert _fingerprints(_sarif("page.md"))[0][2] != first


def test_results_locations_rules_and_fixes(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (in_tmp / "docs").mkdir()
    (in_tmp / "docs" / "page.md").write_text("x[^ 1]\n\n[^1]: y\n", encoding="utf-8")
    monkeypatch.chdir(in_tmp / "docs")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(in_tmp))
    run = _sarif("page.md")["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["informationUri"]) == (
        "tillint",
        "https://github.com/tillint/tillint",
    )
    assert [rule["id"] for rule in driver["rules"]] == ["FN002", "FN003"]
    fn003 = driver["rules"][1]
    assert fn003["name"] == "malformed-footnote-label"
    assert fn003["defaultConfiguration"]["level"] == "error"
    assert set(fn003) >= {"shortDescription", "fullDescription", "help", "helpUri"}
    result = next(r for r in run["results"] if r["ruleId"] == "FN003")
    assert result["level"] == "error" and result["ruleIndex"] == 1
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "docs/page.md"},
        "region": {"startLine": 1, "startColumn": 2, "endLine": 1, "endColumn": 7},
    }
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement == {
        "deletedRegion": {"startLine": 1, "startColumn": 4, "endLine": 1, "endColumn": 6},
        "insertedContent": {"text": "1"},
    }


def test_info_is_a_note_and_severity_overrides_show() -> None:
    findings = [
        Finding("a.md", Span(1, 1, 1, 2), "FN002", "m", severity="info", name="unused-footnote")
    ]
    run = sarif_log(findings)["runs"][0]
    assert run["results"][0]["level"] == "note"
    assert run["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] == "warning"


def test_no_findings_is_a_valid_empty_run(in_tmp: Path) -> None:
    (in_tmp / "ok.md").write_text("fine\n", encoding="utf-8")
    run = _sarif("ok.md")["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
