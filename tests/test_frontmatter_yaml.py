"""The front matter YAML layer: hostile input is a finding, fast; values resolve as YAML 1.2."""

from __future__ import annotations

import pickle
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tillint.catalog import load_catalog
from tillint.checks import CheckContext
from tillint.checks.frontmatter import check, check_corpus, fingerprint_inputs, summarize
from tillint.config import Settings, validate_family_options
from tillint.document import Document
from tillint.errors import UsageError
from tillint.frontmatter.schema import PRESETS, load_schema
from tillint.frontmatter.tree import MAX_DEPTH, YamlProblem, read_yaml
from tillint.frontmatter.values import build_data

FM_RULES = frozenset(rule for rule in load_catalog() if rule.startswith("FM"))


def _ctx(tmp_path: Path, **options: Any) -> CheckContext:
    settings = Settings(
        root=tmp_path,
        selected=FM_RULES,
        options=validate_family_options({"frontmatter": options}, "test"),
    )
    return CheckContext("frontmatter", settings)


def _found(text: str, tmp_path: Path, **options: Any) -> list[tuple[str, int, int, str]]:
    doc = Document.from_text(text, "post.md")
    return [
        (f.rule, f.span.line, f.span.column, f.message)
        for f in sorted(check(doc, _ctx(tmp_path, **options)), key=lambda f: f.sort_key)
    ]


def _front(yaml_text: str) -> str:
    return f"---\n{yaml_text}---\n"


def _billion_laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_rejected_in_well_under_a_second(tmp_path: Path) -> None:
    text = _front(_billion_laughs(30))
    started = time.perf_counter()
    found = _found(text, tmp_path)
    assert time.perf_counter() - started < 0.5
    assert [(rule, line, column) for rule, line, column, _ in found] == [("FM002", 2, 5)]
    assert "anchors and aliases are not allowed" in found[0][3]


def test_an_alias_alone_is_rejected() -> None:
    with pytest.raises(YamlProblem, match=r"alias `\*x`"):
        read_yaml("a: *x\n")


@pytest.mark.parametrize(
    ("prefix", "opener", "closer"), [("a: ", "[", "]"), ("a: ", "{a: ", "}"), ("", "- ", "")]
)
def test_deep_nesting_stops_early(prefix: str, opener: str, closer: str) -> None:
    text = prefix + opener * 5_000 + "x" + closer * 5_000 + "\n"
    started = time.perf_counter()
    with pytest.raises(YamlProblem, match=f"nested more than {MAX_DEPTH} levels"):
        read_yaml(text)
    assert time.perf_counter() - started < 0.5


def test_front_matter_over_64_kib_is_not_read(tmp_path: Path) -> None:
    text = _front("".join(f"key{i}: {'x' * 60}\n" for i in range(1200)))
    found = _found(text, tmp_path)
    assert [(rule, line) for rule, line, _, _ in found] == [("FM002", 2)]
    assert "over 64 KiB" in found[0][3]


def test_huge_integers_and_impossible_dates_are_findings(tmp_path: Path) -> None:
    found = _found(_front(f"n: {'9' * 5000}\nd: 2024-02-30\nok: 2024-02-29\n"), tmp_path)
    assert [(rule, line, column) for rule, line, column, _ in found] == [
        ("FM002", 2, 4),
        ("FM002", 3, 4),
    ]
    assert "5000 digits" in found[0][3]
    assert "day is out of range for month" in found[1][3]


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("- a\n- b\n", "not a list"),
        ("just text\n", "not a single value"),
        ("a: !custom x\n", "tag `!custom`"),
        ("a: !!int abc\n", "not a valid !!int"),
        ("? [a]\n: b\n", "a key must be a plain value"),
        ("a: \x07\n", "characters are not allowed"),
        ("a: b: c\n", "mapping values are not allowed"),
    ],
)
def test_unreadable_front_matter_is_fm002(yaml_text: str, expected: str, tmp_path: Path) -> None:
    found = _found(_front(yaml_text), tmp_path)
    assert [rule for rule, _, _, _ in found] == ["FM002"]
    assert expected in found[0][3]


def test_tab_indentation_is_reported_at_the_tab(tmp_path: Path) -> None:
    found = _found(_front("title: x\ntags:\n  - a\n\t- b\n"), tmp_path)
    assert [(rule, line, column) for rule, line, column, _ in found] == [("FM002", 5, 1)]
    assert "tab character in indentation" in found[0][3]


def test_values_resolve_as_yaml_1_2() -> None:
    text = (
        "date: 2021-04-26\nyes_word: yes\nn: 012\nf: 1.10\nt: True\nnull_value: ~\n"
        "hex: 0x1F\nquoted: '12'\nstr_tag: !!str 3\nfloat_tag: !!float 3\n"
    )
    data = build_data(read_yaml(text))
    assert data.data == {
        "date": "2021-04-26",
        "yes_word": "yes",
        "n": 12,
        "f": 1.1,
        "t": True,
        "null_value": None,
        "hex": 31,
        "quoted": "12",
        "str_tag": "3",
        "float_tag": 3.0,
    }
    kinds = {path: ambiguity.kind for path, _, ambiguity in data.ambiguous}
    assert kinds == {
        ("date",): "date",
        ("yes_word",): "boolean",
        ("n",): "leading-zero",
        ("f",): "trailing-zero",
    }


def test_ambiguous_values_depend_on_the_expected_type(tmp_path: Path) -> None:
    schema = tmp_path / "s.yaml"
    schema.write_text(
        "type: object\nproperties:\n  on_flag: {type: boolean}\n  code: {type: string}\n"
        "  ratio: {type: number}\n  day: {type: string, format: date}\n"
        "  label: {type: string}\n",
        encoding="utf-8",
    )
    text = _front("on_flag: on\ncode: NO\nratio: 2.50\nday: 2021-04-26\nlabel: 2021-04-26\n")
    found = _found(text, tmp_path, schema="s.yaml")
    assert [(rule, line, column) for rule, line, column, _ in found] == [
        ("FM006", 3, 7),
        ("FM006", 6, 8),
    ]
    assert 'quote it ("NO")' in found[0][3]


def test_nested_duplicate_keys_name_their_path(tmp_path: Path) -> None:
    found = _found(_front("a:\n  - b: 1\n    b: 2\n"), tmp_path)
    assert [(rule, line, column) for rule, line, column, _ in found] == [
        ("FM004", 3, 5),
        ("FM004", 4, 5),
    ]
    assert "key `a[0].b` appears on lines 3, 4" in found[0][3]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("type: 3\n", "is not a valid JSON Schema"),
        ("[a, b]\n", "must be a mapping"),
        ("type: [object\n", "cannot read schema"),
    ],
)
def test_an_invalid_configured_schema_is_a_usage_error(
    content: str, message: str, tmp_path: Path
) -> None:
    (tmp_path / "bad.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        _found(_front("title: x\n"), tmp_path, schema="bad.yaml")


def test_summaries_are_small_and_picklable(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    first = Document.from_text(_front("title: A\nslug: /a/\n"), "a.md")
    second = Document.from_text(_front("title: B\nslug: /a\n"), "b.md")
    summaries = {doc.display_path: summarize(doc, ctx) for doc in (first, second)}
    assert pickle.loads(pickle.dumps(summaries)) == summaries
    assert summarize(Document.from_text("# no front matter\n", "c.md"), ctx) == ()
    found = [(f.path, f.span.line, f.message) for f in check_corpus(summaries, ctx)]
    assert found == [
        ("a.md", 3, "slug `/a/` is also the route of b.md:3"),
        ("b.md", 3, "slug `/a` is also the route of a.md:3"),
    ]


def test_editing_the_schema_invalidates_cached_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tillint.toml").write_text('[frontmatter]\nschema = "post.yaml"\n', "utf-8")
    schema = tmp_path / "post.yaml"
    schema.write_text("type: object\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("---\ndraft: false\n---\nText.\n", encoding="utf-8")
    assert run_cli("check", "--select", "FM003", "a.md").exit_code == 0
    schema.write_text("type: object\nrequired: [title]\n", encoding="utf-8")
    result = run_cli("check", "--select", "FM003", "--format", "concise", "a.md")
    assert result.exit_code == 1
    assert result.output.startswith("a.md:1:1: FM003")
    assert fingerprint_inputs(_ctx(tmp_path, schema="lumen").settings) == []


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_is_a_valid_schema_shipped_with_the_package(preset: str) -> None:
    schema = load_schema(preset, Path("/nonexistent"))
    assert schema.data["type"] == "object"
    assert list(schema.violations({"title": 3})), "a number title must not pass any preset"
