"""The builtin typo engine (TY001, TY002, TY004) on the fixture and on awkward prose."""

from __future__ import annotations

import json
import pickle
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURE, REPO, run_cli
from tillint.checks import CheckContext, typos_lookup
from tillint.checks.typos import check_corpus, summarize
from tillint.checks.typos_lexicon import misspellings
from tillint.checks.typos_prose import _ASCII_LETTERS_IGNORING_CASE, Prose
from tillint.config import Settings, validate_family_options
from tillint.document import Document

LISTED_TYPOS = [
    ("TY001", 59, 60, "traning"),
    ("TY001", 59, 281, "traning"),
    ("TY002", 173, 4, "Underdetemined"),
    ("TY002", 194, 4, "Underdetemined"),
    ("TY002", 218, 214, "supermum"),
    ("TY002", 237, 50, "miximize"),
    ("TY002", 243, 15, "Adversariel"),
    ("TY001", 245, 23, "envrionment"),
    ("TY001", 245, 125, "adpative"),
    ("TY001", 319, 19, "Intereset"),
    ("TY002", 350, 4, "Contastive"),
    ("TY002", 431, 5, "mocailities"),
    ("TY001", 487, 122, "Apach"),
]


def _findings(*args: str | Path) -> list[dict[str, object]]:
    result = run_cli("check", "--format", "json", "--no-cache", *args)
    assert result.exit_code in (0, 1), result.output
    return list(json.loads(result.output))


def _rows(*args: str | Path) -> list[tuple[object, object, object]]:
    return [(f["rule"], f["line"], f["column"]) for f in _findings(*args)]


def _write(directory: Path, text: str, name: str = "note.md") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_fixture_reports_every_listed_typo_at_its_position(in_tmp: Path) -> None:
    found = {(f["rule"], f["line"], f["column"]): f for f in _findings("--select", "TY", FIXTURE)}
    for rule, line, column, word in LISTED_TYPOS:
        assert (rule, line, column) in found, word
        assert f"`{word}`" in str(found[(rule, line, column)]["message"])


def test_fixture_flags_no_korean_code_url_or_math(in_tmp: Path) -> None:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    for finding in _findings("--select", "TY", FIXTURE):
        line = lines[int(str(finding["line"])) - 1]
        start, end = int(str(finding["column"])) - 1, int(str(finding["end_column"])) - 1
        word = line[start:end]
        assert word.isascii() and word.isalpha(), finding
        if finding["rule"] != "TY001":  # only TY001 looks into inline code
            before = line[:start]
            assert before.count("`") % 2 == 0 and before.count("$") % 2 == 0, finding
        assert "://" not in line[max(0, start - 40) : end], finding


def test_fixture_is_fixed_without_touching_code(in_tmp: Path) -> None:
    copy = in_tmp / "til.md"
    shutil.copyfile(FIXTURE, copy)
    run_cli("check", "--select", "TY001", "--fix", "--no-cache", copy)
    text = copy.read_text(encoding="utf-8")
    assert "Real environment danger" in text and "Region of Interest" in text
    assert "`is_traning`" in text  # the fix inside code is unsafe
    run_cli("check", "--select", "TY001", "--fix", "--unsafe-fixes", "--no-cache", copy)
    assert "`is_training`" in copy.read_text(encoding="utf-8")


def test_prose_only(in_tmp: Path) -> None:
    text = (
        "---\ntitle: Teh title\nauthor: Teh Author\n---\n\n"
        'Teh start, `teh_code`, <span title="teh">x</span> and https://teh.example/teh\n'
        "[link](./teh.md) [^teh] $teh$ &tehnbsp;\n\n"
        "```\nteh\n```\n\n    teh indented\n\n<div>\nteh\n</div>\n\n"
        "$$\nteh\n$$\n\n[teh]: https://example.com/teh\n"
    )
    rows = _rows("--select", "TY001", _write(in_tmp, text))
    assert rows == [("TY001", 2, 8), ("TY001", 6, 1)]


def test_identifiers_acronyms_versions_and_paths_are_not_words(in_tmp: Path) -> None:
    text = (
        "Use fooBarBaz, snake_case_thing, tf.contrib.layers, v1.2.3, 3rd, GPUs, UNet and\n"
        "OAuth, see /usr/lib/qwertzuiop and ~/qwertzuiop, $QWERTZUIOP, @qwertzuiop.\n"
    )
    assert _rows("--select", "TY", _write(in_tmp, text)) == []


def test_unknown_word_needs_a_likely_neighbour(in_tmp: Path) -> None:
    text = "Moindrot wrote it; we miximize the value. kubectl is fine.\n"
    rows = _rows("--select", "TY002", _write(in_tmp, text))
    assert rows == [("TY002", 1, 23)]


def test_words_used_in_several_files_are_the_knowledge_bases_own(in_tmp: Path) -> None:
    _write(in_tmp, "We miximize it.\n", "a.md")
    _write(in_tmp, "They miximize too.\n", "b.md")
    assert _rows("--select", "TY002", in_tmp) == []


def test_project_vocabulary_option_and_file(in_tmp: Path) -> None:
    (in_tmp / "tillint.toml").write_text(
        '[typos]\nwords = ["miximize", "Adversariel"]\n', encoding="utf-8"
    )
    (in_tmp / ".tillint-words.txt").write_text("# ours\ncontastive\n", encoding="utf-8")
    text = "Miximize, Contastive and CONTASTIVE, Adversariel but adversariel.\n"
    rows = _rows("--select", "TY002", _write(in_tmp, text))
    assert rows == [("TY002", 1, 54)]


def test_repeated_word_across_one_line_break(in_tmp: Path) -> None:
    text = "It is the the best. Read the\nthe notes. End the\n\nthe paragraph, that that.\n"
    path = _write(in_tmp, text)
    assert _rows("--select", "TY004", path) == [("TY004", 1, 11), ("TY004", 2, 1)]
    run_cli("check", "--select", "TY004", "--fix", "--no-cache", path)
    expected = "It is the best. Read the notes. End the\n\nthe paragraph, that that.\n"
    assert path.read_text(encoding="utf-8") == expected


def test_default_engine_never_touches_the_network(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the builtin engine opened a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    rows = _rows("--select", "TY", "--jobs", "1", _write(in_tmp, "Teh text.\n"))
    assert rows == [("TY001", 1, 1)]


def test_repeated_word_quick_test_knows_every_letter_read_as_ascii() -> None:
    others = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    assert "".join(re.findall("[A-Za-z]", others, re.IGNORECASE)) == _ASCII_LETTERS_IGNORING_CASE
    # The dotted capital I reads as "i" ignoring case: a repeat its tokens do not show.
    prose = Prose(Document.from_text("Say \u0130t it twice.\n"), frozenset())
    assert [(a.text, b.text) for a, b in prose.repeated_words()] == [("\u0130t", "it")]


def test_summaries_are_plain_data(tmp_path: Path) -> None:
    settings = Settings(
        root=tmp_path,
        selected=frozenset({"TY002"}),
        options=validate_family_options({"typos": {}}, "test"),
    )
    ctx = CheckContext("typos", settings)
    doc = Document.from_text("We miximize the value.\n", "a.md")
    summaries = {"a.md": summarize(doc, ctx)}
    pickled = pickle.dumps(summaries)
    assert b"tillint" not in pickled  # unpickling needs no class: no import, no constructor
    found = [(f.path, f.span.line, f.span.column, f.message) for f in check_corpus(summaries, ctx)]
    expected = (
        "a.md",
        1,
        4,
        "unknown word `miximize`; did you mean `minimize`, `maximize`?",
    )
    assert found == [expected]
    assert list(check_corpus(pickle.loads(pickled), ctx)) == list(check_corpus(summaries, ctx))


def test_family_module_imports_no_lexicon() -> None:
    """A warm run imports the family only to ask what it depends on: it must import fast."""
    code = "import sys, tillint.checks.typos; print(*sorted(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert [m for m in loaded if m.startswith("tillint.checks.typos_")] == []


def test_rare_words_are_found_when_the_tokens_seen_are_forgotten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for memo in ("_rare_words_of", "_tokens_with_rare_words", "_code_parts_seen"):
        monkeypatch.setattr(typos_lookup, memo, type(getattr(typos_lookup, memo))())
    monkeypatch.setattr(typos_lookup, "_uncommon_code_parts", set())
    monkeypatch.setattr(typos_lookup, "_MAX_TOKENS", 2)
    prose = Prose(Document.from_text("Teh cat and the `teh_dog` and `a_dog`.\n"), frozenset())

    def rare() -> list[str]:
        return [item.word.text for item in typos_lookup._rare_words(prose, misspellings())]

    assert rare() == rare() == ["Teh", "teh"]
