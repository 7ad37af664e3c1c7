"""Every hostile input ends in time with a clear report, never a crash, hang or leak."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.cases import CASES, HostileCase, run_case, unavailable


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input(case: HostileCase, tmp_path: Path) -> None:
    reason = unavailable(case)
    if reason:
        pytest.skip(reason)
    outcome = run_case(case, tmp_path / "case")
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert outcome.exit_code in (0, 1), (outcome.exit_code, outcome.stderr)
    internal = [f for f in outcome.findings if f["rule"] == "TL001"]
    assert not internal, internal
    assert case.rules <= set(outcome.rule_counts), outcome.rule_counts
    if case.secret is not None:
        assert case.secret not in repr(outcome.findings) + outcome.stderr


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "yaml-python-tags")
    run_case(case, tmp_path / "case")
    assert not (tmp_path / "case" / "PWNED").exists()
