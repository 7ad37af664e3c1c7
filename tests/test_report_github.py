"""``--format github``: workflow commands exactly as GitHub documents them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tillint.finding import Finding, Span
from tillint.report import ReportContext
from tillint.report.github import render_github

BAD = "A claim.[^1]\n"


def _decode(value: str) -> str:
    """Undo GitHub's workflow-command encoding (``%25`` last, as the runner does)."""
    for encoded, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(encoded, raw)
    return value


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command line as (command, properties, message), decoded."""
    assert line.startswith("::")
    head, separator, message = line[2:].partition("::")
    assert separator and "\n" not in line
    command, _, properties = head.partition(" ")
    pairs = (item.split("=", 1) for item in properties.split(","))
    return command, {key: _decode(value) for key, value in pairs}, _decode(message)


@pytest.fixture(autouse=True)
def _outside_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


def _finding(
    message: str, span: Span, path: str = "notes/a.md", severity: str = "error"
) -> Finding:
    return Finding(path, span, "FN001", message, severity=severity, name="undefined-footnote")


@pytest.mark.parametrize(
    "message",
    [
        "100% sure, really: yes",
        "line one\nline two\r\nline three",
        "%25 is already encoded, %0A too, and ::error:: is not a command",
        "한국어 메시지: 쉼표, 콜론",
    ],
)
def test_messages_survive_encoding(message: str, in_tmp: Path) -> None:
    path = "dir,with:odd%chars/file 1.md"
    text = render_github([_finding(message, Span(3, 2, 3, 9), path)], ReportContext())
    annotation, summary = text.splitlines()
    command, properties, decoded = _parse(annotation)
    assert command == "error"
    assert decoded == f"FN001 {message}"
    assert properties == {
        "file": path,
        "line": "3",
        "endLine": "3",
        "col": "2",
        "endColumn": "9",
        "title": "FN001 (undefined-footnote)",
    }
    assert summary == "tillint: 1 finding in 0 files (FN001 1)"


def test_exact_line_for_a_real_file(in_tmp: Path) -> None:
    (in_tmp / "notes").mkdir()
    (in_tmp / "notes" / "a,b:c.md").write_text(BAD, encoding="utf-8")
    result = run_cli("check", "--format", "github", ".")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "::error file=notes/a%2Cb%3Ac.md,line=1,endLine=1,col=9,endColumn=13,"
        "title=FN001 (undefined-footnote)::FN001 footnote reference `[^1]` has no definition",
        "tillint: 1 finding in 1 file (FN001 1)",
    ]


def test_levels_follow_severity_and_multiline_spans_have_no_columns() -> None:
    findings = [
        _finding("a", Span(1, 3, 1, 5), severity="error"),
        _finding("b", Span(2, 3, 4, 1), severity="warning"),
        _finding("c", Span(5, 1, 5, 1), severity="info"),
    ]
    lines = render_github(findings, ReportContext(files_checked=2)).splitlines()
    parsed = [_parse(line) for line in lines[:3]]
    assert [command for command, _, _ in parsed] == ["error", "warning", "notice"]
    assert "col" in parsed[0][1] and "endColumn" in parsed[0][1]
    assert parsed[1][1] == {
        "file": "notes/a.md",
        "line": "2",
        "endLine": "4",
        "title": "FN001 (undefined-footnote)",
    }
    assert "col" not in parsed[2][1]  # an empty span: the whole line is meant
    assert lines[3] == "tillint: 3 findings in 2 files (FN001 3)"


def test_paths_are_relative_to_github_workspace(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / "content" / "posts").mkdir(parents=True)
    (in_tmp / "content" / "posts" / "bad.md").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(in_tmp / "content")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(in_tmp))
    lines = run_cli("check", "--format", "github", "posts").output.splitlines()
    assert _parse(lines[0])[1]["file"] == "content/posts/bad.md"


def test_github_is_the_default_inside_github_actions(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / "bad.md").write_text(BAD, encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run_cli("check", ".").output.startswith("::error file=bad.md,line=1,")
    assert run_cli("check", "--format", "concise", "-q", ".").output.startswith("bad.md:1:9:")
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert run_cli("check", ".").output.startswith("bad.md:1:9: FN001")


def test_summary_counts_every_rule_most_frequent_first(in_tmp: Path) -> None:
    (in_tmp / "a.md").write_text("x[^1] y[^2]\n\n[^ 3]: z\n", encoding="utf-8")
    (in_tmp / "b.md").write_text("clean\n", encoding="utf-8")
    lines = run_cli("check", "--format", "github", ".").output.splitlines()
    assert len(lines) == 4
    assert lines[-1] == "tillint: 3 findings in 2 files (FN001 2, FN003 1)"
    clean = in_tmp / "a.md"
    clean.write_text("fine\n", encoding="utf-8")
    assert run_cli("check", "--format", "github", ".").output == "tillint: no findings in 2 files\n"
