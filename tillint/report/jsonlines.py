"""``--format json-lines``: one JSON object per finding per line, the shape of ``--format json``.

Handy for streaming into ``jq -c``, log collectors and line-oriented tools.
"""

from __future__ import annotations

import json

from tillint.finding import Finding
from tillint.report import ReportContext


def render_json_lines(findings: list[Finding], context: ReportContext) -> str:
    """Each finding's JSON object on its own line (no line when there are no findings)."""
    return "".join(json.dumps(f.to_json(), ensure_ascii=False) + "\n" for f in findings)
