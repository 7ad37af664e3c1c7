"""Every rule's documented examples, run through the engine: one test per example."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import REPO
from tillint.catalog import Example, Rule, load_catalog
from tillint.checks import ENGINE_FAMILY
from tillint.config import Settings, validate_family_options
from tillint.engine import run

# Examples are evaluated on a fixed day so future-date examples stay future.
EXAMPLE_TODAY = date(2026, 11, 24)


def _cases() -> list[tuple[Rule, str, int, Example]]:
    cases = []
    for rule in load_catalog().values():
        for kind, examples in (("fail", rule.fail_examples), ("pass", rule.pass_examples)):
            cases.extend((rule, kind, i, example) for i, example in enumerate(examples))
    return cases


def _run_example(rule: Rule, example: Example, root: Path, fix: bool) -> list[tuple[int, int]]:
    target = root / example.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(example.raw)
    for name, content in example.files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    options = validate_family_options({rule.family: example.options}, f"{rule.id} example")
    settings = Settings(
        root=root,
        selected=frozenset({rule.id}),
        options=options,
        offline=True,
        jobs=1,
        today=EXAMPLE_TODAY,
        cache_dir=root / ".tillint_cache",
    )
    if fix:
        settings = replace(settings, fix=True, unsafe_fixes=True)
    others = [root / name for name in example.files]
    result = run([target, *others], settings, cwd=root)
    return [
        (f.span.line, f.span.column)
        for f in result.findings
        if f.rule == rule.id and f.path == example.path
    ]


@pytest.mark.parametrize(
    ("rule", "kind", "index", "example"),
    _cases(),
    ids=[f"{rule.id}-{kind}-{index}" for rule, kind, index, _ in _cases()],
)
def test_example(rule: Rule, kind: str, index: int, example: Example, tmp_path: Path) -> None:
    if example.runner is not None:
        assert (REPO / example.runner).is_file(), f"{rule.id}: no runner {example.runner}"
        pytest.skip(f"needs a server: run by {example.runner}")
    found = _run_example(rule, example, tmp_path, fix=False)
    assert found == (list(example.findings) if kind == "fail" else [])
    if example.fixed is not None:
        _run_example(rule, example, tmp_path, fix=True)
        fixed = (tmp_path / example.path).read_text(encoding="utf-8")
        assert fixed == example.fixed


@pytest.mark.parametrize("rule", list(load_catalog().values()), ids=lambda r: r.id)
def test_every_rule_has_examples(rule: Rule) -> None:
    if rule.family == ENGINE_FAMILY:
        pytest.skip("emitted by the engine, not by a check over text")
    assert rule.fail_examples, f"{rule.id} has no failing example"
    assert rule.pass_examples, f"{rule.id} has no passing example"
    for example in rule.fail_examples:
        assert example.findings, f"{rule.id}: a failing example must list its findings"
