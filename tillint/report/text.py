"""Human formats: ``concise`` (``path:line:col: ID message``) and ``full`` (plus the source
line and carets under the span, aligned for wide characters and tabs)."""

from __future__ import annotations

import unicodedata

import click

from tillint.finding import Finding, printable
from tillint.report import ReportContext

# A source line wider than this is shown as a window around the span.
MAX_SOURCE_WIDTH = 100
_SEVERITY_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


def _width(char: str) -> int:
    if char == "\t":
        return 4
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _render_char(char: str) -> str:
    if char == "\t":
        return "    "
    return char if char.isprintable() else "\ufffd"  # one column, and no escape sequence


def _header(finding: Finding, color: bool) -> str:
    s = finding.span
    location = f"{printable(finding.path)}:{s.line}:{s.column}:"
    rule = finding.rule
    if color:
        location = click.style(location, bold=True)
        rule = click.style(rule, fg=_SEVERITY_COLORS.get(finding.severity, "red"), bold=True)
    return f"{location} {rule} {printable(finding.message)}"


def render_concise(findings: list[Finding], context: ReportContext) -> str:
    return "".join(_header(f, context.color) + "\n" for f in findings)


def _source_window(finding: Finding) -> tuple[str, str]:
    """The source line (or a window of it) and the caret line under the span."""
    line = finding.source_line
    s = finding.span
    start = min(s.column - 1, len(line))
    end = s.end_column - 1 if s.end_line == s.line else len(line)
    end = max(end, start + 1)
    left, right = 0, len(line)
    plain = line.isascii() and line.isprintable()  # one column per character (not a tab)
    widths = [1] * len(line) if plain else [_width(ch) for ch in line]
    if sum(widths) > MAX_SOURCE_WIDTH:
        left, used = start, 0
        while left > 0 and used + widths[left - 1] <= MAX_SOURCE_WIDTH // 3:
            left -= 1
            used += widths[left]
        right, used = left, 0
        while right < len(line) and used + widths[right] <= MAX_SOURCE_WIDTH:
            used += widths[right]
            right += 1
        end = min(end, max(right, start + 1))
    shown = line[left:right] if plain else "".join(_render_char(ch) for ch in line[left:right])
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(line) else ""
    pad = sum(widths[left:start]) + len(prefix)
    carets = max(1, sum(widths[start:end]))
    return prefix + shown + suffix, " " * pad + "^" * carets


def render_full(findings: list[Finding], context: ReportContext) -> str:
    blocks = []
    for finding in findings:
        header = _header(finding, context.color)
        if not finding.source_line and finding.span.column == 1:
            blocks.append(header + "\n")
            continue
        source, carets = _source_window(finding)
        number = str(finding.span.line)
        gutter = " " * len(number)
        if context.color:
            carets = click.style(carets, fg=_SEVERITY_COLORS.get(finding.severity, "red"))
        fixable = "  = fix available" + (
            " (unsafe)" if finding.fix and finding.fix.applicability == "unsafe" else ""
        )
        lines = [header, f"{gutter} |", f"{number} | {source}", f"{gutter} | {carets}"]
        if finding.fix is not None:
            lines.append(gutter + fixable)
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
