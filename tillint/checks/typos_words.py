"""``tillint words add``: add words to the project's words file."""

from __future__ import annotations

from pathlib import Path

from tillint.checks.typos_vocabulary import read_words_file


def add_words(words_file: Path, words: list[str]) -> int:
    """Add ``words`` to ``words_file``, keeping it sorted and unique; return how many were new.

    Sorting is case-insensitive (then by case, for a stable order). Comment lines (``#``) stay
    at the top. The file is created when missing; its line ending is ``\\n``.
    """
    existing = read_words_file(words_file)
    comments = _comment_lines(words_file)
    new = {w.strip() for w in words if w.strip()} - set(existing)
    if not new:
        return 0
    merged = sorted(set(existing) | new, key=lambda w: (w.lower(), w))
    words_file.parent.mkdir(parents=True, exist_ok=True)
    words_file.write_text("".join(f"{line}\n" for line in [*comments, *merged]), encoding="utf-8")
    return len(new)


def _comment_lines(words_file: Path) -> list[str]:
    if not words_file.is_file():
        return []
    lines = words_file.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith("#")]
