"""Repeated ``--format``, ``--output-file`` routing, ``json-lines`` and ``junit`` details."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tillint.finding import Finding, Span
from tillint.report import ReportContext
from tillint.report.junit import render_junit

BAD = "A claim.[^1]\n"
CONCISE = "bad.md:1:9: FN001 footnote reference `[^1]` has no definition\n"


@pytest.fixture(autouse=True)
def _project(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    (in_tmp / "bad.md").write_text(BAD, encoding="utf-8")


@pytest.mark.parametrize("order", [("full", "sarif"), ("sarif", "full")])
def test_full_to_terminal_and_sarif_to_file(in_tmp: Path, order: tuple[str, str]) -> None:
    args = [arg for fmt in order for arg in ("--format", fmt)]
    result = run_cli("check", *args, "--output-file", "results.sarif", ".")
    assert result.exit_code == 1
    assert result.output.startswith("bad.md:1:9: FN001")
    assert result.output.endswith("Found 1 finding.\n")
    log = json.loads((in_tmp / "results.sarif").read_text(encoding="utf-8"))
    assert log["runs"][0]["results"][0]["ruleId"] == "FN001"


def test_a_single_format_goes_to_the_file_only(in_tmp: Path) -> None:
    result = run_cli("check", "--format", "concise", "--output-file", "out.txt", ".")
    assert result.output == ""
    assert (in_tmp / "out.txt").read_text(encoding="utf-8") == CONCISE + "\nFound 1 finding.\n"


def test_terminal_formats_can_be_combined(in_tmp: Path) -> None:
    output = run_cli("check", "-q", "--format", "concise", "--format", "github", ".").output
    lines = output.splitlines()
    assert lines[0] + "\n" == CONCISE
    assert lines[1].startswith("::error file=bad.md,") and len(lines) == 3


def test_two_machine_formats_cannot_share_the_terminal(in_tmp: Path) -> None:
    result = run_cli("check", "--format", "json", "--format", "sarif", ".")
    assert result.exit_code == 2
    assert "cannot share the terminal" in result.output
    result = run_cli("check", "--format", "json", "--format", "full", ".")
    assert result.exit_code == 2
    result = run_cli("check", "--format", "json", "--format", "sarif", "--output-file", "r", ".")
    assert result.exit_code == 1 and json.loads(result.output)[0]["rule"] == "FN001"


def test_statistics_replace_the_terminal_report_but_not_the_file(in_tmp: Path) -> None:
    result = run_cli("check", "--statistics", "--format", "junit", "--output-file", "j.xml", ".")
    assert result.output == "     1  FN001      undefined-footnote\n"
    assert ET.parse(in_tmp / "j.xml").getroot().get("failures") == "1"


def test_json_lines_is_one_object_per_line(in_tmp: Path) -> None:
    (in_tmp / "two.md").write_text("x[^1] y[^2]\n", encoding="utf-8")
    output = run_cli("check", "--format", "json-lines", ".").output
    rows = [json.loads(line) for line in output.splitlines()]
    assert [(r["path"], r["line"], r["column"]) for r in rows] == [
        ("bad.md", 1, 9),
        ("two.md", 1, 2),
        ("two.md", 1, 8),
    ]
    assert rows == json.loads(run_cli("check", "--format", "json", ".").output)


def test_junit_lists_clean_files_and_survives_control_characters() -> None:
    finding = Finding("b.md", Span(2, 3, 2, 4), "FN001", "bad \x01 byte", severity="error")
    text = render_junit([finding], ReportContext(files_checked=2, paths=("a.md", "b.md")))
    suites = ET.fromstring(text)
    assert (suites.get("tests"), suites.get("failures")) == ("2", "1")
    cases = suites.findall("./testsuite/testcase")
    assert [case.get("name") for case in cases] == ["a.md", "b.md"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "2:3: FN001 bad \ufffd byte"
    assert failure.text == "b.md:2:3: FN001 [error] bad \ufffd byte"
