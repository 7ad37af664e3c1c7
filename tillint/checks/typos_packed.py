"""Word lists kept as packed, sorted bytes and searched where they lie.

A run over one note asks a handful of questions of word lists of 30,000 to 320,000 words.
Loading such a list as a set or dict creates every word as a Python object, 5 to 100 ms, which
is more than the rest of that run. Packed into one UTF-8 ``bytes`` object with an array of
offsets (``PackedWords``), a list loads in about a millisecond (``tillint.derived`` keeps it
between runs) and answers by binary search in a few microseconds. A run that asks many
questions, a whole corpus, builds the set or dict once its searches have cost about as much
(``search_budget``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from itertools import accumulate
from typing import NamedTuple

# Searches cost about this many times more than adding one word to a set or dict.
_SEARCH_COST_IN_WORDS_BUILT = 25


class PackedWords(NamedTuple):
    """Words in one UTF-8 string, each followed by a newline: word ``i`` is
    ``text[starts[i]:starts[i + 1] - 1]``."""

    text: bytes
    starts: array[int]

    @classmethod
    def of(cls, words: Iterable[str]) -> PackedWords:
        """``words`` packed in the order given (``sorted`` first for ``position``)."""
        encoded = [word.encode() + b"\n" for word in words]
        return cls(b"".join(encoded), array("I", accumulate(map(len, encoded), initial=0)))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def word(self, index: int) -> str:
        return self.text[self.starts[index] : self.starts[index + 1] - 1].decode()

    def position(self, word: str) -> int | None:
        """Where ``word`` is in a sorted list (code point order is UTF-8 byte order), or None."""
        key, text, starts = word.encode(), self.text, self.starts
        low, high = 0, len(starts) - 1
        while low < high:
            middle = (low + high) // 2
            found = text[starts[middle] : starts[middle + 1] - 1]
            if found < key:
                low = middle + 1
            elif found > key:
                high = middle
            else:
                return middle
        return None

    def unpacked(self) -> list[str]:
        """Every word, in order."""
        return self.text.decode().split("\n")[:-1]


def search_budget(words: PackedWords) -> int:
    """How many searches cost about what building a set or dict of ``words`` does."""
    return len(words) // _SEARCH_COST_IN_WORDS_BUILT


class SearchedWords:
    """A sorted ``PackedWords`` asked "is this word listed?": by binary search at first, from a
    set once the searches have cost what building it does."""

    def __init__(self, words: PackedWords) -> None:
        self._words = words
        self._searches_left = search_budget(words)
        self._set: frozenset[str] | None = None

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if self._set is None and self._searches_left > 0:
            self._searches_left -= 1
            return self._words.position(word) is not None
        return word in self.as_set()

    def among(self, words: Iterable[str]) -> set[str]:
        """The ``words`` on the list."""
        if self._set is None and self._searches_left > 0:
            return {word for word in words if word in self}
        return set(self.as_set().intersection(words))

    def as_set(self) -> frozenset[str]:
        """The whole list as a set (built once)."""
        if self._set is None:
            self._set = frozenset(self._words.unpacked())
        return self._set
