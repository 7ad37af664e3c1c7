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
from collections.abc import Callable, Iterable, Mapping, Set
from functools import cache
from itertools import groupby
from typing import NamedTuple, TypeAlias

from tillint.checks.typos_lexicon import (
    distance_two_neighbours,
    edits1,
    frequencies,
    zipf,
)

# An ``Evidence`` as a plain tuple of its fields, for the cache (see ``Evidence.row``).
EvidenceRow: TypeAlias = tuple[
    str,
    float,
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[tuple[str, float], ...],
]
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


def _affix_stems(word: str) -> set[str]:
    """What ``word`` may be derived from: the rest after a prefix, the stem before a suffix."""
    stems = _stems(word)
    stems.update(word[len(p) :] for p in _PREFIXES if word.startswith(p))
    return {stem for stem in stems if len(stem) >= 4}


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


class Evidence(NamedTuple):
    """What the English lexicon says about one TY002 candidate, decided per document.

    Everything here depends on the word and its document only, so it is computed (and cached
    with the document's results) before the corpus is counted; ``suggestions`` then decides
    with the knowledge base's counts alone, without the lexicon. A named tuple, made for
    every candidate of every document faster than a dataclass.
    """

    word: str
    zipf: float
    stems: tuple[str, ...]  # unknown stems: the word is derived when the corpus uses one
    nearby: tuple[str, ...]  # document words one edit away, as frequent, not inflections
    english: tuple[str, ...]  # English words one edit away, as frequent, not inflections
    fallback: tuple[str, ...]  # much more frequent neighbours, for want of corpus evidence
    zipfs: tuple[tuple[str, float], ...]  # the English Zipf of every word above

    def row(self) -> EvidenceRow:
        """The fields as a plain tuple (``Evidence(*row)`` is the same evidence again)."""
        return (
            self.word,
            self.zipf,
            self.stems,
            self.nearby,
            self.english,
            self.fallback,
            self.zipfs,
        )


def evidence(word: str, nearby: NearbyWords) -> Evidence | None:
    """The lexical evidence on a rare lowercase ``word``; None when it is no typo whatever the
    corpus says (a contraction, or a known word with a prefix or a suffix).

    ``nearby``: the words of the same document, read only when the word may be a typo.
    """
    lexical = _lexical_evidence(word)
    if lexical is None:
        return None
    stems, english, fallback = lexical
    word_zipf = zipf(word)
    if word_zipf > 0.0:
        # A neighbour at least as frequent as a word English knows is an English word, so it
        # is among ``english``: no need to search the document (a test checks they agree).
        close = tuple(n for n in english if n != word and n in nearby)
    else:
        close = tuple(
            n for n in nearby(word) if zipf(n) >= word_zipf and not _is_inflection(word, n)
        )
    named = sorted({*close, *english, *fallback})
    return Evidence(
        word, word_zipf, stems, close, english, fallback, tuple((n, zipf(n)) for n in named)
    )


@cache
def _lexical_evidence(
    word: str,
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None:
    """Unknown stems, English neighbours and fallback suggestions of ``word`` (per process)."""
    stems = _affix_stems(word)
    if "'" in word or any(zipf(stem) >= STEM_ZIPF for stem in stems):
        return None
    word_zipf = zipf(word)
    existing = frequencies().among(edits1(word))
    close = tuple(
        sorted(n for n in existing if zipf(n) >= word_zipf and not _is_inflection(word, n))
    )
    return tuple(sorted(stems)), close, tuple(sorted(_fallback(word, word_zipf, existing)))


def _fallback(word: str, word_zipf: float, existing: Set[str]) -> set[str]:
    """Neighbours much more frequent in English (two edits away for unknown long words)."""
    if word_zipf >= REAL_WORD_ZIPF or is_compound(word):
        return set()
    threshold = max(word_zipf + MUCH_MORE_FREQUENT, MUCH_MORE_FREQUENT)
    if word_zipf == 0.0 and len(word) >= LONG_WORD:
        threshold = min(threshold, 1.0)  # an unknown long word one edit from any English word
    near = {
        n
        for n in existing
        if zipf(n) >= threshold
        and not _is_inflection(word, n)
        and (zipf(n) >= _TRIMMED_ZIPF or not _trimmed(word, n))
    }
    if not near and word_zipf == 0.0:
        near = distance_two_neighbours(word)
    return near


def suggestions(found: Evidence, uses: Mapping[str, int]) -> list[str]:
    """Up to three likely intended words for a candidate; empty: not a typo.

    ``uses``: the knowledge base's rare words with their number of uses. A word the knowledge
    base uses more often than the candidate, one edit away, is strong evidence; so is a
    neighbour in the same document. Without either, the lexicon's fallback decides.
    """
    word = found.word
    if any(uses.get(stem, 0) > 0 for stem in found.stems):
        return []  # a derivation of a word the knowledge base uses
    own = uses.get(word, 0)
    used_more = [n for n in found.english if uses.get(n, 0) > own]
    if found.zipf == 0.0:  # words unknown to English are as frequent as this one
        used_more += [
            n
            for n in edits1(word)
            if uses.get(n, 0) > own and n not in found.english and not _is_inflection(word, n)
        ]
    strong = [*found.nearby, *used_more]
    zipfs = dict(found.zipfs)
    return _best(strong or list(found.fallback), zipfs, uses)


def _best(words: list[str], zipfs: Mapping[str, float], uses: Mapping[str, int]) -> list[str]:
    def rank(neighbour: str) -> float:
        return zipfs.get(neighbour, 0.0) + math.log10(1 + uses.get(neighbour, 0))

    return sorted(set(words), key=lambda n: (-rank(n), n))[:MAX_SUGGESTIONS]


class NearbyWords:
    """The lowercase words of one document, to find those one edit away.

    ``words`` gives them, called on first use: most documents have no word to search around.
    """

    def __init__(self, words: Callable[[], Iterable[str]]) -> None:
        self._source = words
        self._words: set[str] | None = None
        self._by_length: dict[int, list[str]] | None = None
        self._found: dict[str, tuple[str, ...]] = {}

    def __contains__(self, word: object) -> bool:
        """Whether the document has ``word`` (a lowercase word of ASCII letters)."""
        return word in self._ascii_words()

    def __call__(self, word: str) -> tuple[str, ...]:
        """Words of the document one edit away from ``word`` (sorted)."""
        if word not in self._found:
            by_length = self._words_by_length()
            size = len(word)
            candidates = [o for n in (size - 1, size, size + 1) for o in by_length.get(n, ())]
            if size >= 3:
                # One edit keeps the first or the last letter of a word of three letters or
                # more (swapping the two letters of a two-letter word keeps neither).
                first, last = word[0], word[-1]
                candidates = [o for o in candidates if o[0] == first or o[-1] == last]
            close = [o for o in candidates if o != word and one_edit_apart(word, o)]
            self._found[word] = tuple(sorted(close))
        return self._found[word]

    def _ascii_words(self) -> set[str]:
        if self._words is None:
            self._words = set(filter(str.isalpha, filter(str.isascii, set(self._source()))))
        return self._words

    def _words_by_length(self) -> dict[int, list[str]]:
        if self._by_length is None:
            words = sorted(self._ascii_words(), key=len)
            self._by_length = {size: list(same) for size, same in groupby(words, key=len)}
        return self._by_length


def one_edit_apart(word: str, other: str) -> bool:
    """Whether ``other`` is in ``edits1(word)``, for another word of lowercase ASCII letters.

    One deletion, transposition of neighbours, substitution or insertion, compared from the
    first difference on: the same answer as building ``edits1(word)``, without building it.
    """
    first = 0
    shortest = min(len(word), len(other))
    while first < shortest and word[first] == other[first]:
        first += 1
    if len(other) == len(word) - 1:
        return word[first + 1 :] == other[first:]
    if len(other) == len(word) + 1:
        return other[first + 1 :] == word[first:]
    if len(other) != len(word):
        return False
    if word[first + 1 :] == other[first + 1 :]:
        return True  # a substitution
    return (
        word[first + 1 : first + 2] == other[first : first + 1]
        and word[first : first + 1] == other[first + 1 : first + 2]
        and word[first + 2 :] == other[first + 2 :]
    )
