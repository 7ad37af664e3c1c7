"""Golden files for ``--format github``, ``sarif`` and ``junit`` on the shared fixture, and the
structural checks of every format on all rules.

The golden runs select only the footnote rules (``--select FN``), whose findings on the fixture
are settled, so the files change only when these formats change. Regenerate them with
``TILLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_report_golden.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import FIXTURE, REPO, run_cli
from tillint import __version__

GOLDEN = REPO / "tests" / "data" / "golden"
SARIF_SCHEMA = REPO / "tests" / "data" / "sarif" / "sarif-2.1.0-rtm.5.json"
FIXTURE_NAME = "til-ai-ml.md"


@pytest.fixture
def fixture_copy(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared fixture copied into a temporary project, outside any GitHub workflow."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    shutil.copyfile(FIXTURE, in_tmp / FIXTURE_NAME)
    return in_tmp / FIXTURE_NAME


def _report(fmt: str, *args: str) -> str:
    result = run_cli("check", "--format", fmt, *args, FIXTURE_NAME)
    assert result.exit_code == 1, result.output
    return result.output


def _matches_golden(actual: str, name: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("TILLINT_UPDATE_GOLDEN") == "1":
        golden.write_text(actual, encoding="utf-8", newline="\n")
    assert actual == golden.read_text(encoding="utf-8")


def _versionless(sarif_text: str) -> str:
    """The SARIF text with the tool version replaced, so a release does not touch the golden."""
    log = json.loads(sarif_text)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["version"] == driver["semanticVersion"] == __version__
    driver["version"] = driver["semanticVersion"] = "VERSION"
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def test_github_golden(fixture_copy: Path) -> None:
    _matches_golden(_report("github", "--select", "FN"), "til-ai-ml.FN.github.txt")


def test_sarif_golden(fixture_copy: Path) -> None:
    output = _report("sarif", "--select", "FN")
    _matches_golden(_versionless(output), "til-ai-ml.FN.sarif.json")


def test_junit_golden(fixture_copy: Path) -> None:
    _matches_golden(_report("junit", "--select", "FN"), "til-ai-ml.FN.junit.xml")


def _validate_sarif(log: dict[str, Any]) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_sarif_of_all_rules_is_valid_against_the_official_schema(fixture_copy: Path) -> None:
    log = json.loads(_report("sarif", "--offline"))
    _validate_sarif(log)
    run = log["runs"][0]
    fired = {r["ruleId"] for r in run["results"]}
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == sorted(fired)
    assert {"FN001", "FN002", "FN003"} <= fired
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == FIXTURE_NAME
    fingerprints = [r["partialFingerprints"]["tillintSourceLineHash/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_all_formats_on_all_rules_are_well_formed(fixture_copy: Path) -> None:
    findings = json.loads(_report("json", "--offline"))
    lines = [json.loads(line) for line in _report("json-lines", "--offline").splitlines()]
    assert lines == findings
    github = _report("github", "--offline").splitlines()
    assert len(github) == len(findings) + 1
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in github[:-1])
    assert github[-1].startswith(f"tillint: {len(findings)} findings in 1 file (")
    suites = ET.fromstring(_report("junit", "--offline"))
    failures = suites.findall("./testsuite/testcase/failure")
    assert [f.get("type") for f in failures] == [f["rule"] for f in findings]
