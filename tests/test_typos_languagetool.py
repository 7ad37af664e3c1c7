"""The languagetool engine (TY003) against the loopback test double of LanguageTool.

Set ``TILLINT_TEST_LANGUAGETOOL_URL`` to a real LanguageTool server to run the checks that
do not depend on the double's fixed rules against it instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.languagetool_double import LanguageToolDouble, running_double, utf16_length
from tillint.catalog import load_catalog
from tillint.config import Settings, validate_family_options
from tillint.engine import run
from tillint.errors import UsageError
from tillint.finding import Finding
from tillint.services import languagetool
from tillint.services.languagetool import ensure_available

REAL_SERVER = os.environ.get("TILLINT_TEST_LANGUAGETOOL_URL")


@pytest.fixture(scope="module")
def double() -> Iterator[LanguageToolDouble]:
    with running_double() as server:
        yield server


def _lint(root: Path, text: str, **options: object) -> list[Finding]:
    path = root / "note.md"
    path.write_text(text, encoding="utf-8")
    family = validate_family_options({"typos": {"engine": "languagetool", **options}}, "test")
    settings = Settings(root=root, selected=frozenset({"TY003"}), options=family, jobs=1)
    return run([path], settings, cwd=root, use_cache=False).findings


def _positions(findings: list[Finding]) -> list[tuple[int, int, int]]:
    return [(f.span.line, f.span.column, f.span.end_column) for f in findings]


def test_matches_map_back_to_the_file(tmp_path: Path, double: LanguageToolDouble) -> None:
    text = "Teh notes use `teh` in code and a example.\n\n- a [teh](https://teh.example) item\n"
    findings = _lint(tmp_path, text, languagetool_url=double.url)
    assert _positions(findings) == [(1, 1, 4), (1, 33, 34), (3, 6, 9)]
    assert findings[0].severity == "warning"
    assert "[MORFOLOGIK_RULE_EN_US]" in findings[0].message and "`The`" in findings[0].message


def test_code_urls_math_and_hangul_are_markup(tmp_path: Path, double: LanguageToolDouble) -> None:
    double.requests.clear()
    text = "한국어 teh 문장 $teh$ and `teh` at https://teh.example/teh\n"
    findings = _lint(tmp_path, text, languagetool_url=double.url)
    assert _positions(findings) == [(1, 5, 8)]
    import json

    annotation = json.loads(double.requests[-1]["data"])["annotation"]
    checked = "".join(part["text"] for part in annotation if "text" in part)
    assert "한국어" not in checked and "https" not in checked and "$" not in checked


def test_offsets_count_utf16_code_units(tmp_path: Path, double: LanguageToolDouble) -> None:
    assert utf16_length("😀") == 2
    findings = _lint(tmp_path, "I 😀 recieve 😀 teh\n", languagetool_url=double.url)
    assert _positions(findings) == [(1, 5, 12), (1, 15, 18)]


def test_disabled_rules_are_sent_and_honoured(tmp_path: Path, double: LanguageToolDouble) -> None:
    findings = _lint(
        tmp_path,
        "Teh  cat and a apple.\n",
        languagetool_url=double.url,
        disabled_languagetool_rules=["EN_A_VS_AN"],
    )
    assert [f.message.split("[")[1].split("]")[0] for f in findings] == [
        "MORFOLOGIK_RULE_EN_US",
        "WHITESPACE_RULE",
    ]
    assert findings[1].severity == "info"
    assert double.requests[-1]["disabledRules"] == "EN_A_VS_AN"


def test_vocabulary_silences_spelling_matches(tmp_path: Path, double: LanguageToolDouble) -> None:
    findings = _lint(tmp_path, "Teh end.\n", languagetool_url=double.url, words=["teh"])
    assert findings == []


def test_results_are_cached_by_paragraph(tmp_path: Path, double: LanguageToolDouble) -> None:
    text = "A cached paragraph with teh typo.\n"
    _lint(tmp_path, text, languagetool_url=double.url)
    before = len(double.requests)
    _lint(tmp_path, text, languagetool_url=double.url)
    assert len(double.requests) == before


def test_language_from_config_then_front_matter(tmp_path: Path, double: LanguageToolDouble) -> None:
    _lint(tmp_path, "---\nlang: de-DE\n---\n\nEin Satz.\n", languagetool_url=double.url)
    assert double.requests[-1]["language"] == "de-DE"
    _lint(tmp_path, "Another sentence.\n", languagetool_url=double.url, language="en-GB")
    assert double.requests[-1]["language"] == "en-GB"
    _lint(tmp_path, "A third sentence.\n", languagetool_url=double.url)
    assert double.requests[-1]["language"] == "en-US"


def test_the_environment_variable_names_the_server(
    tmp_path: Path, double: LanguageToolDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILLINT_LANGUAGETOOL_URL", double.url)
    assert _positions(_lint(tmp_path, "Teh.\n")) == [(1, 1, 4)]


def test_the_ty003_examples_against_the_double(tmp_path: Path, double: LanguageToolDouble) -> None:
    rule = load_catalog()["TY003"]
    for index, example in enumerate(rule.fail_examples):
        options = {**example.options, "languagetool_url": double.url}
        root = tmp_path / f"fail{index}"
        root.mkdir()
        found = [(f.span.line, f.span.column) for f in _lint(root, example.text, **options)]
        assert found == list(example.findings)


@pytest.fixture
def no_languagetool(monkeypatch: pytest.MonkeyPatch) -> None:
    from language_tool_python.download_lt import LocalLanguageTool

    monkeypatch.delenv("TILLINT_LANGUAGETOOL_URL", raising=False)
    monkeypatch.setattr(
        LocalLanguageTool, "get_latest_installed_version", classmethod(lambda cls: None)
    )


@pytest.mark.usefixtures("no_languagetool")
def test_no_server_and_no_local_languagetool_is_one_clear_error() -> None:
    with pytest.raises(UsageError) as error:
        ensure_available({"engine": "languagetool", "languagetool_url": None})
    message = str(error.value)
    assert "no LanguageTool server is configured" in message
    assert "languagetool_url" in message and "TILLINT_LANGUAGETOOL_URL" in message
    ensure_available({"engine": "builtin"})


@pytest.mark.usefixtures("no_languagetool")
def test_cli_with_languagetool_and_no_server_exits_2(in_tmp: Path) -> None:
    languagetool.client_for.cache_clear()
    (in_tmp / "note.md").write_text("Teh text.\n", encoding="utf-8")
    result = run_cli("check", "--no-cache", "--typos-engine", "languagetool", "note.md")
    assert result.exit_code == 2
    assert result.output.count("no LanguageTool server is configured") == 1


def test_an_unreachable_server_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    with running_double() as server:
        url = server.url
    with pytest.raises(UsageError, match="cannot reach the LanguageTool server"):
        ensure_available({"engine": "languagetool", "languagetool_url": url})


@pytest.mark.skipif(not REAL_SERVER, reason="set TILLINT_TEST_LANGUAGETOOL_URL to a server")
def test_a_real_server_finds_a_misspelling(tmp_path: Path) -> None:
    findings = _lint(tmp_path, "I recieve `code` mail.\n", languagetool_url=REAL_SERVER)
    assert (1, 3, 10) in _positions(findings)
