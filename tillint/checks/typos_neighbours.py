"""The "close to a much more likely word" test that turns a rare word into a TY002 finding."""

from __future__ import annotations

import math
from collections.abc import Mapping

from tillint.checks.typos_lexicon import distance_two_neighbours, edits1, zipf

# A neighbour this much more frequent in English (log10 units: 2.0 = 100 times) wins.
MUCH_MORE_FREQUENT = 2.0
# Unknown words at least this long are typos of any English neighbour.
LONG_WORD = 8
MAX_SUGGESTIONS = 3


def _likely_neighbour(word: str, neighbour: str, uses: Mapping[str, int]) -> bool:
    """Whether ``neighbour`` is much more likely than ``word`` (both lowercase)."""
    word_zipf, neighbour_zipf = zipf(word), zipf(neighbour)
    if neighbour_zipf >= word_zipf + MUCH_MORE_FREQUENT:
        return True
    if uses.get(neighbour, 0) > uses.get(word, 0) and neighbour_zipf >= word_zipf:
        return True
    return word_zipf == 0.0 and len(word) >= LONG_WORD and neighbour_zipf > 0.0


def _rank(neighbour: str, uses: Mapping[str, int]) -> float:
    return zipf(neighbour) + math.log10(1 + uses.get(neighbour, 0))


def suggestions(word: str, uses: Mapping[str, int]) -> list[str]:
    """Up to three likely intended words for a rare lowercase ``word``; empty: not a typo.

    ``uses`` counts the knowledge base's rare words (occurrences over all documents).
    """
    near = [n for n in edits1(word) if n != word and _likely_neighbour(word, n, uses)]
    if not near and zipf(word) == 0.0:
        near = sorted(distance_two_neighbours(word))
    near.sort(key=lambda n: (-_rank(n, uses), n))
    return near[:MAX_SUGGESTIONS]
