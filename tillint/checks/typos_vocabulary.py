"""The project's own vocabulary: ``words`` in the configuration and the words file.

An entry written in lowercase matches the word in any case (``pytorch`` accepts ``PyTorch``);
an entry with a capital letter matches only as written (``PyTorch`` rejects ``pytorch``).
The words file holds one word per line; blank lines and lines starting with ``#`` are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tillint.errors import UsageError


# Not a named tuple: ``in`` and truth test the words, a tuple's len and iteration its fields.
@dataclass(frozen=True)
class Vocabulary:
    """Words the project accepts, as two sets: any-case entries and exact entries."""

    folded: frozenset[str]
    exact: frozenset[str]

    @classmethod
    def of(cls, words: Iterable[str]) -> Vocabulary:
        entries = [w.strip() for w in words if w.strip()]
        return cls(
            folded=frozenset(w for w in entries if w == w.lower()),
            exact=frozenset(w for w in entries if w != w.lower()),
        )

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (word in self.exact or word.lower() in self.folded)

    def __bool__(self) -> bool:
        return bool(self.folded or self.exact)


def read_words_file(path: Path) -> list[str]:
    """The words of a words file (missing file: no words)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the words file {path}: {exc}") from exc
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def project_vocabulary(words: tuple[str, ...], words_file: Path) -> Vocabulary:
    """The configured words plus the words file, read once per process."""
    return Vocabulary.of([*words, *read_words_file(words_file)])
