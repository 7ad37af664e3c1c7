"""The builtin engine's English data: known misspellings and word frequencies.

* Known misspellings come from codespell's main dictionary (``codespell_lib/data/
  dictionary.txt``, a dependency, read in place): ``typo->fix1, fix2,`` lines.
* Word frequencies come from ``wordfreq``'s large English list (321,000 words), loaded once
  per process as a plain dict so a lookup is one hash probe, not a ``zipf_frequency`` call.

Both are loaded lazily and cached for the life of the process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# Frequent words of at least this length are indexed for distance-2 look-ups.
_DISTANCE_TWO_MIN_LENGTH = 8
_DISTANCE_TWO_MIN_ZIPF = 2.5


@dataclass(frozen=True)
class Misspelling:
    """A codespell entry: its corrections, and whether codespell would apply the first one."""

    corrections: tuple[str, ...]
    fixable: bool


def parse_codespell(text: str) -> dict[str, Misspelling]:
    """Parse codespell's ``typo->a, b,`` format.

    As in codespell, an entry is fixable when it has exactly one correction, no trailing comma
    and no reason after the corrections.
    """
    entries: dict[str, Misspelling] = {}
    for line in text.splitlines():
        typo, arrow, rest = line.partition("->")
        if not arrow:
            continue
        # Text after the last comma is a reason (or nothing, for a trailing comma).
        corrections = rest[: rest.rfind(",")] if "," in rest else rest
        fixable = "," not in rest
        words = tuple(c.strip() for c in corrections.split(",") if c.strip())
        if words:
            entries[typo.strip().lower()] = Misspelling(words, fixable and len(words) == 1)
    return entries


@cache
def misspellings() -> dict[str, Misspelling]:
    """codespell's main dictionary, by lowercase misspelling."""
    import codespell_lib

    path = Path(codespell_lib.__file__).parent / "data" / "dictionary.txt"
    return parse_codespell(path.read_text(encoding="utf-8"))


@cache
def frequencies() -> dict[str, float]:
    """wordfreq's large English list: lowercase word -> frequency (0..1)."""
    import wordfreq

    return wordfreq.get_frequency_dict("en", wordlist="large")


def is_common(word: str, min_zipf: float) -> bool:
    """Whether a lowercase word is at least ``min_zipf`` frequent and no known misspelling."""
    frequency = frequencies().get(word)
    return (
        frequency is not None and frequency >= 10 ** (min_zipf - 9) and word not in misspellings()
    )


def zipf(word: str) -> float:
    """Zipf frequency of a lowercase word (log10 per billion words); 0.0 when unknown."""
    frequency = frequencies().get(word)
    return math.log10(frequency) + 9 if frequency else 0.0


def edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _ALPHABET]
    inserts = [a + c + b for a, b in splits for c in _ALPHABET]
    return set(deletes + transposes + replaces + inserts)


def deletes(word: str) -> set[str]:
    """Every string one deletion away."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@cache
def _deletion_index() -> dict[str, tuple[str, ...]]:
    """One-deletion variants of frequent long words -> the words (for distance-2 look-ups)."""
    threshold = 10 ** (_DISTANCE_TWO_MIN_ZIPF - 9)
    index: dict[str, list[str]] = {}
    for word, frequency in frequencies().items():
        if frequency >= threshold and len(word) >= _DISTANCE_TWO_MIN_LENGTH - 1 and word.isalpha():
            for variant in deletes(word) | {word}:
                index.setdefault(variant, []).append(word)
    return {variant: tuple(words) for variant, words in index.items()}


def damerau_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (adjacent transpositions count as one edit)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def distance_two_neighbours(word: str) -> set[str]:
    """Frequent long words two edits away (one deletion on each side, or two on the word's).

    This finds a substitution plus an insertion or two insertions relative to the frequent
    word (``mocailities`` -> ``modalities``); two substitutions are not searched.
    """
    if len(word) < _DISTANCE_TWO_MIN_LENGTH:
        return set()
    index = _deletion_index()
    found: set[str] = set()
    for first in deletes(word) | {word}:
        for variant in deletes(first) | {first}:
            found.update(index.get(variant, ()))
    return {w for w in found if w != word and damerau_distance(word, w) <= 2}


def match_case(model: str, correction: str) -> str:
    """``correction`` written in the case of ``model`` (``Teh`` -> ``The``, ``TEH`` -> ``THE``)."""
    if model.isupper() and len(model) > 1:
        return correction.upper()
    if model[:1].isupper():
        return correction[:1].upper() + correction[1:]
    return correction
