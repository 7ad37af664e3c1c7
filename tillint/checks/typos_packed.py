"""Word lists kept as packed bytes and looked up where they lie.

A run asks "is this word listed?" of word lists of 30,000 to 320,000 words: a handful of
times for one note, some hundred thousand times for a corpus (every one-edit neighbour of an
unknown word). Loading such a list as a set or dict creates every word as a Python object,
5 to 200 ms, which is more than the rest of a one-note run, and for the 320,000-word list
more than the lookups of a whole corpus cost. Packed into one UTF-8 ``bytes`` object with an
array of offsets and a hash table of positions (``PackedWords``), a list loads in about a
millisecond (``tillint.derived`` keeps it between runs) and answers in about a microsecond.
A process that asks many more questions builds the set or dict once its lookups have cost
about as much as that (``search_budget``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from itertools import accumulate
from typing import NamedTuple
from zlib import crc32

# A lookup costs about this many times more than adding one word to a set or dict.
_SEARCH_COST_IN_WORDS_BUILT = 2
# The hash table has at least this many slots per word: few collisions, 4 MiB for 320,000.
_SLOTS_PER_WORD = 3


class PackedWords(NamedTuple):
    """Words in one UTF-8 string, each followed by a newline: word ``i`` is
    ``text[starts[i]:starts[i + 1] - 1]``.

    ``slots`` is an open-addressing hash table (CRC-32 of the UTF-8 word, linear probing) of
    ``i + 1`` for each word ``i``, 0 in a free slot; empty for a list only read by position.
    """

    text: bytes
    starts: array[int]
    slots: array[int]

    @classmethod
    def of(cls, words: Iterable[str], indexed: bool = True) -> PackedWords:
        """``words`` packed in the order given; ``indexed`` ones can be looked up."""
        encoded = [word.encode() for word in words]
        text = b"".join(word + b"\n" for word in encoded)
        starts = array("I", accumulate((len(word) + 1 for word in encoded), initial=0))
        return cls(text, starts, _hash_slots(encoded) if indexed else array("I"))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def word(self, index: int) -> str:
        return self.text[self.starts[index] : self.starts[index + 1] - 1].decode()

    def position(self, word: str) -> int | None:
        """Where ``word`` is in the list, or None (the list must be ``indexed``)."""
        key, text, starts, slots = word.encode(), self.text, self.starts, self.slots
        mask = len(slots) - 1
        slot = crc32(key) & mask
        while found := slots[slot]:
            if text[starts[found - 1] : starts[found] - 1] == key:
                return found - 1
            slot = (slot + 1) & mask
        return None

    def among(self, words: Iterable[str]) -> set[str]:
        """The ``words`` on the list. Most words asked are not, and most of those have a free
        slot where their search starts: that slot is read here, without calling ``position``."""
        position, slots = self.position, self.slots
        mask = len(slots) - 1
        return {
            word
            for word in words
            if slots[crc32(word.encode()) & mask] and position(word) is not None
        }

    def unpacked(self) -> list[str]:
        """Every word, in order."""
        return self.text.decode().split("\n")[:-1]


def _hash_slots(encoded: list[bytes]) -> array[int]:
    """The ``slots`` of ``PackedWords`` for these UTF-8 words: a power of two of them."""
    size = 1 << (_SLOTS_PER_WORD * len(encoded)).bit_length()
    slots, mask = array("I", bytes(4 * size)), size - 1
    for index, word in enumerate(encoded, start=1):
        slot = crc32(word) & mask
        while slots[slot]:
            slot = (slot + 1) & mask
        slots[slot] = index
    return slots


def search_budget(words: PackedWords) -> int:
    """How many lookups cost about what building a set or dict of ``words`` does."""
    return len(words) // _SEARCH_COST_IN_WORDS_BUILT


class SearchedWords:
    """A ``PackedWords`` asked "is this word listed?": by lookup in its hash table at first,
    from a set once the lookups have cost what building it does."""

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
            words = list(words)
            self._searches_left -= len(words)
            return self._words.among(words)
        return set(self.as_set().intersection(words))

    def as_set(self) -> frozenset[str]:
        """The whole list as a set (built once)."""
        if self._set is None:
            self._set = frozenset(self._words.unpacked())
        return self._set
