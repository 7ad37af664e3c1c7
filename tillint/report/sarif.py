"""``--format sarif``: a SARIF 2.1.0 log that GitHub code scanning accepts.

One run; ``tool.driver`` lists one ``rules[]`` entry per rule that fired, with its catalogue
documentation. Each result points at a repository-relative ``artifactLocation.uri`` and a
``region`` whose columns count Unicode code points (``columnKind``), end column exclusive, as
tillint's spans do. ``partialFingerprints`` hash the rule, the file, the finding's source line
(whitespace-normalised) and how many earlier findings of that rule sit on an identical line, so
a result keeps its fingerprint when unrelated lines are added or removed above it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tillint import __version__
from tillint.catalog import DOC_SECTIONS, Rule, load_catalog
from tillint.finding import Finding, Fix, Span
from tillint.report import ReportContext
from tillint.report.location import repository_path, repository_root

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/tillint/tillint"
FINGERPRINT_KEY = "tillintSourceLineHash/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }


def _help_markdown(rule: Rule) -> str:
    sections = [f"## {title}\n\n{rule.docs[key]}" for key, title in DOC_SECTIONS]
    return "\n\n".join([f"**{rule.id}** ({rule.name}): {rule.summary}", *sections])


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A ``reportingDescriptor`` built from the rule's catalogue entry."""
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.docs["what"]},
        "help": {
            "text": f"{rule.docs['what']}\n\n{rule.docs['fix']}",
            "markdown": _help_markdown(rule),
        },
        "helpUri": rule.url,
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": rule.enabled},
        "properties": {"tags": [rule.family], "fix": rule.fix},
    }


def _normalised(line: str) -> str:
    return " ".join(line.split())


def fingerprints(findings: list[Finding], paths: list[str]) -> list[str]:
    """A stable hash per finding: rule, path, normalised source line and its occurrence index."""
    seen: dict[tuple[str, str, str], int] = {}
    hashes = []
    for finding, path in zip(findings, paths, strict=True):
        key = (finding.rule, path, _normalised(finding.source_line))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        material = "\0".join([*key, str(occurrence)])
        hashes.append(hashlib.sha256(material.encode("utf-8")).hexdigest()[:32])
    return hashes


def _fix(fix: Fix, uri: str) -> dict[str, Any]:
    replacements = [
        {"deletedRegion": _region(edit.span), "insertedContent": {"text": edit.content}}
        for edit in fix.edits
    ]
    return {
        "description": {"text": f"{fix.applicability} fix"},
        "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": replacements}],
    }


def _result(finding: Finding, uri: str, rule_index: int, fingerprint: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "error"),
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": _region(finding.span),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.fix is not None:
        result["fixes"] = [_fix(finding.fix, uri)]
    return result


def sarif_log(findings: list[Finding]) -> dict[str, Any]:
    """The SARIF log object for the findings (paths relative to the repository root)."""
    catalog = load_catalog()
    fired = sorted({f.rule for f in findings})
    index = {rule_id: i for i, rule_id in enumerate(fired)}
    root = repository_root()
    uris = [repository_path(f.path, root) for f in findings]
    hashes = fingerprints(findings, uris)
    results = [
        _result(finding, uri, index[finding.rule], fingerprint)
        for finding, uri, fingerprint in zip(findings, uris, hashes, strict=True)
    ]
    driver = {
        "name": "tillint",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [rule_descriptor(catalog[rule_id]) for rule_id in fired],
    }
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(findings: list[Finding], context: ReportContext) -> str:
    """The SARIF log as indented JSON."""
    return json.dumps(sarif_log(findings), ensure_ascii=False, indent=2) + "\n"
