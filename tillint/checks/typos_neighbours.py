"""The "close to a much more likely word" test that turns a rare word into a TY002 finding.

Evidence, strongest first:

1. the document itself uses a word one edit away (``supermum`` next to ``Supremum``), or
   the knowledge base uses the neighbour more often than the word;
2. the word is not a derivation of a known word (``un``/``re``/``pre``... + word, word +
   ``s``/``ed``/``ing``/``er``/``able``..., or two known words run together), and a word one
   edit away is at least 100 times more frequent in English (two edits for unknown long words).

Words that wordfreq knows at Zipf 1.5 or more (``caret``, ``cruft``) need evidence 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from tillint.checks.typos_lexicon import (
    distance_two_neighbours,
    edits1,
    frequencies,
    zipf,
)

# A neighbour this much more frequent in English (log10 units: 2.0 = 100 times) wins.
MUCH_MORE_FREQUENT = 2.0
# Words at least this frequent are real words: only the document's own usage overrides them.
REAL_WORD_ZIPF = 1.5
MAX_SUGGESTIONS = 3
LONG_WORD = 8
# A stem must be at least this frequent (or used in the knowledge base) to explain a word.
STEM_ZIPF = 1.5
_PREFIXES = (
    "un",
    "re",
    "de",
    "pre",
    "sub",
    "non",
    "auto",
    "multi",
    "co",
    "dis",
    "over",
    "mis",
    "inter",
    "super",
)
_SUFFIXES = (
    "s",
    "es",
    "ed",
    "ing",
    "er",
    "ers",
    "able",
    "ly",
    "ness",
    "ize",
    "ized",
    "izes",
    "ization",
    "izations",
    "ful",
    "less",
)
_INFLECTIONS = ("s", "es", "ed", "d", "r", "er")
_COMPOUND_PART_ZIPF = 3.0
_SHORT_PART_ZIPF = 4.0
# A letter added at either end of a word this frequent is a typo, not jargon (kalready).
_TRIMMED_ZIPF = 4.5


def _known_stem(word: str, uses: Mapping[str, int]) -> bool:
    return len(word) >= 4 and (zipf(word) >= STEM_ZIPF or uses.get(word, 0) > 0)


def _stems(word: str) -> set[str]:
    """Candidate stems of ``word`` with one inflectional or derivational suffix removed."""
    stems = set()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            stems.update({stem, stem + "e"})
            if len(stem) > 3 and stem[-1] == stem[-2]:  # globbed -> glob
                stems.add(stem[:-1])
            if stem.endswith("i"):  # wordier -> wordy
                stems.add(stem[:-1] + "y")
    return stems


def is_affixed(word: str, uses: Mapping[str, int], depth: int = 1) -> bool:
    """Whether ``word`` is a known word with a prefix or a suffix (``unmerged``, ``globbed``)."""
    if depth == 0:
        return False
    for prefix in _PREFIXES:
        rest = word[len(prefix) :]
        if (
            word.startswith(prefix)
            and len(rest) >= 4
            and (_known_stem(rest, uses) or is_affixed(rest, uses, depth - 1))
        ):
            return True
    return any(
        _known_stem(stem, uses) or is_affixed(stem, uses, depth - 1) for stem in _stems(word)
    )


def is_compound(word: str) -> bool:
    """Whether ``word`` is two frequent words run together (``hotkey``, ``modeline``)."""
    return any(
        _compound_part(word[:i]) and _compound_part(word[i:]) for i in range(3, len(word) - 2)
    )


def _compound_part(part: str) -> bool:
    # Three-letter "words" of middling frequency are mostly abbreviations (kal, ect, nes).
    return zipf(part) >= (_COMPOUND_PART_ZIPF if len(part) > 3 else _SHORT_PART_ZIPF)


def _trimmed(word: str, neighbour: str) -> bool:
    """``kshot`` -> ``shot``, ``wandb`` -> ``wand``: jargon adds a letter at an end."""
    return len(neighbour) == len(word) - 1 and (word[1:] == neighbour or word[:-1] == neighbour)


def _is_inflection(word: str, neighbour: str) -> bool:
    """``codepoint`` / ``codepoints``: the same word, not a typo of it."""
    longer, shorter = (word, neighbour) if len(word) > len(neighbour) else (neighbour, word)
    return any(longer == shorter + suffix for suffix in _INFLECTIONS)


def _rank(neighbour: str, uses: Mapping[str, int]) -> float:
    return zipf(neighbour) + math.log10(1 + uses.get(neighbour, 0))


def suggestions(word: str, nearby: tuple[str, ...], uses: Mapping[str, int]) -> list[str]:
    """Up to three likely intended words for a rare lowercase ``word``; empty: not a typo.

    ``nearby``: words of the same document one edit away; ``uses``: the knowledge base's rare
    words with their number of uses.
    """
    if "'" in word or is_affixed(word, uses):
        return []
    word_zipf = zipf(word)
    english = frequencies()
    existing = [n for n in edits1(word) if n in english or n in uses]
    strong = [
        n
        for n in (*nearby, *(n for n in existing if uses.get(n, 0) > uses.get(word, 0)))
        if zipf(n) >= word_zipf and not _is_inflection(word, n)
    ]
    if strong:
        return _best(strong, uses)
    if word_zipf >= REAL_WORD_ZIPF or is_compound(word):
        return []
    threshold = max(word_zipf + MUCH_MORE_FREQUENT, MUCH_MORE_FREQUENT)
    if word_zipf == 0.0 and len(word) >= LONG_WORD:
        threshold = min(threshold, 1.0)  # an unknown long word one edit from any English word
    near = [
        n
        for n in existing
        if zipf(n) >= threshold
        and not _is_inflection(word, n)
        and (zipf(n) >= _TRIMMED_ZIPF or not _trimmed(word, n))
    ]
    if not near and word_zipf == 0.0:
        near = list(distance_two_neighbours(word))
    return _best(near, uses)


def _best(words: list[str], uses: Mapping[str, int]) -> list[str]:
    return sorted(set(words), key=lambda n: (-_rank(n, uses), n))[:MAX_SUGGESTIONS]


class NearbyWords:
    """The words of one document (collected on first use), to find those one edit away."""

    def __init__(self, words: Iterable[str]) -> None:
        self._source = words
        self._words: set[str] | None = None

    def __call__(self, word: str) -> tuple[str, ...]:
        """Words of the document one edit away from ``word`` (sorted)."""
        if self._words is None:
            self._words = {w for w in self._source if w.isascii() and w.isalpha()}
        return tuple(sorted(edits1(word) & self._words - {word}))
