"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

Each finding becomes ``::error file=F,line=L,endLine=E,col=C,endColumn=EC,title=T::message``
(``warning`` and ``notice`` for the lower severities), the way GitHub documents workflow
commands: in the message ``%``, CR and LF are percent-encoded; in property values ``:`` and
``,`` are encoded as well. Columns are left out when the span covers several lines (GitHub
only highlights columns on one line) or is empty. ``endColumn``, like tillint's spans and
SARIF, is the column just after the last character. Paths are relative to the repository root
(``GITHUB_WORKSPACE`` when set).

GitHub shows at most ten annotations of each level per step, so a last plain line counts the
findings per rule; the full list is always in the log.
"""

from __future__ import annotations

from collections import Counter

from tillint.finding import Finding
from tillint.report import ReportContext
from tillint.report.location import repository_path, repository_root

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
_DATA_ESCAPES = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY_ESCAPES = (*_DATA_ESCAPES, (":", "%3A"), (",", "%2C"))


def escape_data(text: str) -> str:
    """Encode a workflow command's message (``%`` first, so nothing is encoded twice)."""
    for raw, encoded in _DATA_ESCAPES:
        text = text.replace(raw, encoded)
    return text


def escape_property(text: str) -> str:
    """Encode a workflow command's property value."""
    for raw, encoded in _PROPERTY_ESCAPES:
        text = text.replace(raw, encoded)
    return text


def _properties(finding: Finding, root: str) -> list[tuple[str, str]]:
    s = finding.span
    properties = [
        ("file", repository_path(finding.path, root)),
        ("line", str(s.line)),
        ("endLine", str(s.end_line)),
    ]
    if s.end_line == s.line and s.end_column > s.column:
        properties += [("col", str(s.column)), ("endColumn", str(s.end_column))]
    title = f"{finding.rule} ({finding.name})" if finding.name else finding.rule
    properties.append(("title", title))
    return properties


def annotation(finding: Finding, root: str) -> str:
    """One workflow command line for a finding."""
    command = COMMANDS.get(finding.severity, "error")
    props = ",".join(f"{key}={escape_property(value)}" for key, value in _properties(finding, root))
    return f"::{command} {props}::{escape_data(f'{finding.rule} {finding.message}')}"


def summary_line(findings: list[Finding], files_checked: int) -> str:
    """``tillint: N findings in F files (FN002 3, FN001 1)``: counts per rule, most first."""
    files = f"{files_checked} file{'s' if files_checked != 1 else ''}"
    if not findings:
        return f"tillint: no findings in {files}"
    counts = Counter(f.rule for f in findings)
    per_rule = ", ".join(
        f"{rule} {count}" for rule, count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    )
    noun = "finding" if len(findings) == 1 else "findings"
    return f"tillint: {len(findings)} {noun} in {files} ({per_rule})"


def render_github(findings: list[Finding], context: ReportContext) -> str:
    """Annotations for every finding, then the one-line summary."""
    root = repository_root()
    lines = [annotation(finding, root) for finding in findings]
    lines.append(summary_line(findings, context.files_checked))
    return "\n".join(lines) + "\n"
