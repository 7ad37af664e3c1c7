"""The encoding family (EN) through the CLI: the reference fixture, the corpora, bad files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FIXTURE, SHARED, run_cli

KOREAN = SHARED / "corpus" / "korean-public-domain"


def _findings(*args: str | Path) -> list[dict[str, object]]:
    result = run_cli("check", "--no-cache", "--format", "json", *args)
    return list(json.loads(result.output))


def _lines(findings: list[dict[str, object]], rule: str) -> list[int]:
    return [int(str(f["line"])) for f in findings if f["rule"] == rule]


def test_fixture_every_mojibake_line_and_no_clean_line(in_tmp: Path) -> None:
    # In this fixture every non-ASCII character is mojibake: no line holds real Unicode text.
    lines = FIXTURE.read_text(encoding="utf-8").split("\n")
    damaged = [number for number, line in enumerate(lines, 1) if not line.isascii()]
    flagged = _lines(_findings("--select", "EN001", FIXTURE), "EN001")
    assert flagged == damaged
    assert len(flagged) == 204


def test_fixture_messages_show_the_restored_text(in_tmp: Path) -> None:
    by_line = {f["line"]: f for f in _findings("--select", "EN001", FIXTURE)}
    assert "reads as: 새롭게 알게 된 지식 중에서" in str(by_line[11]["message"])
    assert by_line[13]["column"] == 7 and by_line[13]["end_column"] == 11
    assert "reads as: 🧩" in str(by_line[13]["message"])
    fix = by_line[13]["fix"]
    assert isinstance(fix, dict) and fix["applicability"] == "safe"
    fix = by_line[11]["fix"]
    assert isinstance(fix, dict) and fix["applicability"] == "unsafe"


def test_fix_restores_readable_korean(in_tmp: Path) -> None:
    copy = in_tmp / "til.md"
    shutil.copyfile(FIXTURE, copy)
    result = run_cli("check", "--no-cache", "--select", "EN001", "--fix", "--unsafe-fixes", copy)
    assert result.exit_code == 0
    before = FIXTURE.read_text(encoding="utf-8").split("\n")
    after = copy.read_text(encoding="utf-8").split("\n")
    assert len(after) == len(before)
    assert after[10].startswith("새롭게 알게 된 지식 중에서 하나의 포스팅으로 만들기에는")
    assert after[12] == "##### 🧩 ML library"
    assert after[16].startswith("[텐서플로우 공식문서](https://www.tensorflow.org/")
    for old, new in zip(before, after, strict=True):
        if old.isascii():
            assert new == old  # clean lines are never touched
        else:
            assert not any(char in new for char in "ìëíê€œ"), new
    assert _findings("--select", "EN", copy) == []


def test_safe_fix_only_restores_lossless_spans(in_tmp: Path) -> None:
    copy = in_tmp / "til.md"
    shutil.copyfile(FIXTURE, copy)
    run_cli("check", "--no-cache", "--select", "EN001", "--fix", copy)
    after = copy.read_text(encoding="utf-8").split("\n")
    assert after[12] == "##### 🧩 ML library"
    assert after[10] == FIXTURE.read_text(encoding="utf-8").split("\n")[10]


def test_uncertain_characters_are_reported_with_candidates(in_tmp: Path) -> None:
    path = in_tmp / "budget.md"
    original = "예산은 국회예산정책처가 추계하였다.\n"
    damaged = original.encode("utf-8").decode("cp1254", "ignore").replace("\xad", "")
    path.write_text(damaged, encoding="utf-8")
    findings = _findings("--select", "EN", path)
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [
        ("EN001", 1, 1),
        ("EN005", 1, 10),
    ]
    assert "reads as: 예산은 교회예산정책처가 추계하였다" in str(findings[0]["message"])
    assert "restored as `교`" in str(findings[1]["message"])
    assert "국 (" in str(findings[1]["message"])


@pytest.mark.parametrize(
    "original",
    [
        "위원장의 임기는 2년으로 하고, 한 번만 연임할 수 있다.",  # not 을기, 연을할
        "그는 육아휴직을 신청한 뒤 회사에 알렸다.",  # not 휴직임
        "시장은 부시장을 임명한다.",  # not 을명한다
        "자료 및 정보를 제공한다.",  # not 데
    ],
)
def test_lossy_fix_reads_words_as_words(original: str, in_tmp: Path) -> None:
    # A particle (을) or bound noun (데) never starts a word, and a word's syllables are read
    # as trigrams: the embedded model restores these lines exactly.
    path = in_tmp / "note.md"
    damaged = original.encode("utf-8").decode("cp1254", "ignore").replace("\xad", "")
    path.write_text(damaged + "\n", encoding="utf-8")
    run_cli("check", "--no-cache", "--select", "EN001", "--fix", "--unsafe-fixes", path)
    assert path.read_text(encoding="utf-8") == original + "\n"


@pytest.mark.parametrize("corpus", [CORPUS, KOREAN], ids=["jbranchaud-til", "korean"])
def test_no_mojibake_in_clean_corpora(corpus: Path, in_tmp: Path) -> None:
    files = sorted(corpus.rglob("*.md")) or sorted(corpus.glob("*.txt"))
    assert files
    copies = in_tmp / "corpus"
    copies.mkdir()
    if corpus == KOREAN:  # the Korean texts are .txt: lint them as Markdown copies
        for path in files:
            shutil.copyfile(path, copies / f"{path.stem}.md")
        corpus = copies
    assert _lines(_findings("--select", "EN001,EN005", corpus), "EN001") == []


def test_invalid_utf8_gives_one_finding_and_the_run_goes_on(in_tmp: Path) -> None:
    bad = in_tmp / "bad.md"
    bad.write_bytes(b"# Title\n\nCaf\xe9 [^1] \x00\n")
    good = in_tmp / "good.md"
    good.write_text("A NUL\0 here.\n", encoding="utf-8")
    findings = _findings(in_tmp)
    rows = [(f["path"], f["rule"], f["line"], f["column"]) for f in findings]
    assert rows == [("bad.md", "EN002", 3, 4), ("good.md", "EN004", 1, 6)]
    assert "byte 0xE9" in str(findings[0]["message"])


def test_utf16_file_is_named_as_such(in_tmp: Path) -> None:
    path = in_tmp / "wide.md"
    path.write_bytes("# 제목\n\nText.\n".encode("utf-16"))
    findings = _findings(path)
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [("EN002", 1, 1)]
    assert "UTF-16" in str(findings[0]["message"])


def test_bidi_override_and_replacement_character(in_tmp: Path) -> None:
    path = in_tmp / "tricks.md"
    path.write_text("if access \u202e } \u2066 {\n\nLost: \ufffd\ufffd.\n", encoding="utf-8")
    rows = [(f["rule"], f["line"], f["column"]) for f in _findings("--select", "EN", path)]
    assert rows == [("EN004", 1, 11), ("EN004", 1, 15), ("EN003", 3, 7)]


def test_unknown_ranker_is_a_usage_error(in_tmp: Path) -> None:
    (in_tmp / "tillint.toml").write_text('[encoding]\nranker = "neural"\n', encoding="utf-8")
    path = in_tmp / "x.md"
    path.write_text("CafÃ©\n", encoding="utf-8")
    result = run_cli("check", "--select", "EN", path)
    assert result.exit_code == 2
    expected = "option 'ranker' must be one of 'wordfreq', 'kiwi', 'auto', got 'neural'"
    assert expected in result.output


def test_kiwi_ranker_restores_the_fixture_line(in_tmp: Path) -> None:
    pytest.importorskip("kiwipiepy")
    (in_tmp / "tillint.toml").write_text('[encoding]\nranker = "kiwi"\n', encoding="utf-8")
    path = in_tmp / "budget.md"
    original = "제안이유 및 주요내용\n"
    damaged = original.encode("utf-8").decode("cp1254", "ignore").replace("\xad", "")
    path.write_text(damaged, encoding="utf-8")
    run_cli("check", "--no-cache", "--select", "EN001", "--fix", "--unsafe-fixes", path)
    assert path.read_text(encoding="utf-8") == original


# In a fresh process: find two-byte mojibake (which asks ftfy's badness heuristic), list the
# ftfy and wcwidth modules imported, then compare the heuristic with ftfy's own on samples.
_BADNESS_ALONE = """
import sys
from tillint.mojibake.detect import find_damage, ftfy_badness
assert find_damage("caf\u00c3\u00a9 au lait")
print(sorted(m for m in sys.modules if m.startswith(("ftfy", "wcwidth"))))
import ftfy.badness
samples = ["caf\u00c3\u00a9", "\u00c3\u00a9t\u00c3\u00a9", "Stra\u00dfe", "na\u00efve"]
samples.append("\u00e2\u20ac\u2122")
print([ftfy_badness().is_bad(s) == ftfy.badness.is_bad(s) for s in samples])
"""


def test_ftfy_badness_is_loaded_without_the_rest_of_ftfy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _BADNESS_ALONE], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == ["[]", "[True, True, True, True, True]"]
