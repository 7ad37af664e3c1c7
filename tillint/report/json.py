"""``--format json``: one JSON array of finding objects (a stable, documented shape)."""

from __future__ import annotations

import json

from tillint.finding import Finding
from tillint.report import ReportContext


def render_json(findings: list[Finding], context: ReportContext) -> str:
    return json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2) + "\n"
