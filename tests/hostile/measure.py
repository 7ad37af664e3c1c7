"""Print how tillint handles each hostile input: ``python -m tests.hostile.measure [NAME...]``.

One row per case: exit code, seconds (wall, whole CLI in a subprocess) and the rules reported.
Figures are printed, never asserted (the tests assert behaviour, with generous timeouts).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from tests.hostile.cases import CASES, run_case, unavailable


def main(names: list[str]) -> None:
    print("| input | exit | seconds | rules reported |")
    print("| --- | --- | --- | --- |")
    for case in CASES:
        if names and case.name not in names:
            continue
        reason = unavailable(case)
        if reason:
            print(f"| {case.name} | skipped | | {reason} |")
            continue
        with tempfile.TemporaryDirectory() as directory:
            try:
                outcome = run_case(case, Path(directory) / "case")
            except subprocess.TimeoutExpired:
                print(f"| {case.name} | timeout | >{case.timeout:.0f} | |")
                continue
        counts = ", ".join(f"{rule}×{n}" for rule, n in sorted(outcome.rule_counts.items()))
        print(f"| {case.name} | {outcome.exit_code} | {outcome.seconds:.2f} | {counts or '-'} |")


if __name__ == "__main__":
    main(sys.argv[1:])
