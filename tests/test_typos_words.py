"""``add_words``: the project's words file, sorted and unique."""

from __future__ import annotations

from pathlib import Path

from tillint.checks.typos_words import add_words


def test_creates_the_file_sorted_and_unique(tmp_path: Path) -> None:
    words_file = tmp_path / ".tillint-words.txt"
    assert add_words(words_file, ["kubectl", "FedAvg", "kubectl", " "]) == 2
    assert words_file.read_text(encoding="utf-8") == "FedAvg\nkubectl\n"


def test_appends_only_new_words_and_keeps_comments(tmp_path: Path) -> None:
    words_file = tmp_path / "words.txt"
    words_file.write_text("# project words\nzeta\nalpha\n", encoding="utf-8")
    assert add_words(words_file, ["alpha", "Beta"]) == 1
    assert words_file.read_text(encoding="utf-8") == "# project words\nalpha\nBeta\nzeta\n"


def test_nothing_new_leaves_the_file_alone(tmp_path: Path) -> None:
    words_file = tmp_path / "words.txt"
    words_file.write_text("b\na\n", encoding="utf-8")
    assert add_words(words_file, ["a"]) == 0
    assert words_file.read_text(encoding="utf-8") == "b\na\n"
