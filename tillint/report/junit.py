"""``--format junit``: JUnit XML, one ``testcase`` per file and one ``failure`` per finding.

Files the run checked without findings appear as passing test cases when the run tells the
reporter their paths (``ReportContext.paths``). Characters XML 1.0 cannot carry (C0 controls
found in broken files) are replaced with U+FFFD, so the report always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tillint.finding import Finding
from tillint.report import ReportContext

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _failure(case: ET.Element, finding: Finding) -> None:
    s = finding.span
    failure = ET.SubElement(
        case,
        "failure",
        {
            "type": finding.rule,
            "message": _xml_text(f"{s.line}:{s.column}: {finding.rule} {finding.message}"),
        },
    )
    failure.text = _xml_text(
        f"{finding.path}:{s.line}:{s.column}: {finding.rule} [{finding.severity}] {finding.message}"
    )


def _counts(element: ET.Element, tests: int, failures: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")


def render_junit(findings: list[Finding], context: ReportContext) -> str:
    """The JUnit XML document, test cases in path order."""
    by_path: dict[str, list[Finding]] = {path: [] for path in context.paths}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    suites = ET.Element("testsuites", {"name": "tillint"})
    suite = ET.SubElement(suites, "testsuite", {"name": "tillint"})
    for path in sorted(by_path):
        shown = _xml_text(path)
        case = ET.SubElement(
            suite, "testcase", {"name": shown, "classname": "tillint", "file": shown}
        )
        for finding in by_path[path]:
            _failure(case, finding)
    failed = sum(1 for cases in by_path.values() if cases)
    for element in (suites, suite):
        _counts(element, len(by_path), failed)
    suite.set("skipped", "0")
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
