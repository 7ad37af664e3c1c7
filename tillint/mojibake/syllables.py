"""The embedded Korean syllable model, built from wordfreq's Korean frequencies.

wordfreq's Korean list holds about 30,000 morphemes (mecab's tokens) with their frequencies.
Their syllables give bigram and trigram models inside morphemes; a morpheme boundary
(``P(end | context) * P(b | morpheme start)``) and the syllable's own frequency are mixed in,
so transitions across morphemes inside a word are scored too. Everything that is not a Hangul
syllable counts as a word boundary, except the characters a particle may follow directly
(``MAML을``, ``(1)의``, ``50%의``): after those, any morpheme may start.

A word (eojeol, the text between spaces) starts with a free morpheme: particles, endings and
bound nouns only ever follow one. They are among the most frequent morphemes, so the
distribution of word-initial syllables leaves them out (``을`` does not start ``임기``).
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import cache

BOUNDARY = " "
# The model's token for a character a particle may follow (a letter, a digit, a closing mark).
ATTACHED = "+"
_ATTACHING_CATEGORIES = frozenset({"Pe", "Pf"})
_ATTACHING_MARKS = frozenset("'\"`%")
# Bigram interpolation: inside a morpheme, across a morpheme boundary, syllable frequency.
_WITHIN, _ACROSS, _UNIGRAM = 0.7, 0.25, 0.05
# Trigram weight against the bigram it backs off to.
_TRIGRAM = 0.7
_FLOOR = 1e-9
# Morphemes that never start a word: case and topic particles, verbal endings and pre-final
# endings, and the bound noun ``데`` and suffix ``-적`` (which wordfreq mostly counts from
# endings such as ``-ㄴ데`` and from ``-적``, written attached).
# Korean grammar, not statistics: the list is as it would be for any Korean text.
_BOUND_MORPHEMES = """
은 는 을 를 의 에 에는 에도 에서 에게 에게서 한테 한테서 께 께서 으로 로 으로서 로서 으로써 로써
와 과 이나 이며 이라 이라고 이란 라고 라는 란 까지 부터 처럼 랑 뿐
었 았 였 겠 셨 으시 었다 았다 였다 습니다 습니까 입니다 답니다 세요 지만 는데 인데 데 던
며 으며 으면 면서 으니 니까 다고 다는 다가 다면 는다 는지 도록 라도 라면
어서 아서 어야 거나 려고 네요 군요 는군요 아요 죠 냐 엔 적
"""
BOUND_MORPHEMES = frozenset(_BOUND_MORPHEMES.split())


def is_hangul_syllable(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


def token(char: str) -> str:
    """The model's view of a character: a Hangul syllable, ``ATTACHED`` or ``BOUNDARY``."""
    if is_hangul_syllable(char):
        return char
    if (
        char.isalnum()
        or char in _ATTACHING_MARKS
        or unicodedata.category(char) in _ATTACHING_CATEGORIES
    ):
        return ATTACHED
    return BOUNDARY


class SyllableModel:
    """Bigram and trigram log-probabilities of Hangul syllables, from word frequencies."""

    def __init__(self, frequencies: dict[str, float]) -> None:
        words = [(w, f) for w, f in frequencies.items() if all(map(is_hangul_syllable, w))]
        self._unigrams = _counts(((char,), f) for word, f in words for char in word)
        self._total = sum(self._unigrams.values()) or 1.0
        self._bigrams = _ngrams(words, 2)
        self._trigrams = _ngrams(words, 3)
        self._outgoing = _contexts(self._bigrams)
        self._trigram_contexts = _contexts(self._trigrams)
        free = (((w[0],), 0.0 if w in BOUND_MORPHEMES else f) for w, f in words)
        self._word_initial = _counts(free)
        self._word_initial_total = sum(self._word_initial.values()) or 1.0
        self._cache: dict[tuple[str, ...], float] = {}

    def transition(self, previous: str, char: str) -> float:
        """log P(char | previous) over model tokens (syllables or ``BOUNDARY``)."""
        if previous == BOUNDARY:
            return self.trigram(BOUNDARY, previous, char)
        return self._cached((previous, char))

    def trigram(self, first: str, previous: str, char: str) -> float:
        """log P(char | first, previous); backs off to the bigram where the pair is unseen."""
        char = BOUNDARY if char == ATTACHED else char  # either way, a morpheme ends
        if previous == ATTACHED:
            return self._cached((previous, char))
        if previous != BOUNDARY and (first, previous) not in self._trigram_contexts:
            first = ""
        return self._cached((first, previous, char) if first else (previous, char))

    def _cached(self, key: tuple[str, ...]) -> float:
        score = self._cache.get(key)
        if score is None:
            score = self._cache[key] = math.log(self._probability(key) + _FLOOR)
        return score

    def _probability(self, key: tuple[str, ...]) -> float:
        if len(key) == 2:
            return self._bigram(*key)
        first, previous, char = key
        if previous == BOUNDARY:
            return self._word_start(char)
        seen = self._trigram_contexts[first, previous]
        within = self._trigrams.get((first, previous, char), 0.0) / seen if char != BOUNDARY else 0
        ends = self._trigrams.get((first, previous, BOUNDARY), 0.0) / seen
        across = ends * self._morpheme_start(char)
        return _TRIGRAM * (within + across) + (1 - _TRIGRAM) * self._bigram(previous, char)

    def _bigram(self, previous: str, char: str) -> float:
        if previous == BOUNDARY:
            return self._word_start(char)
        if previous == ATTACHED:
            return self._after_attached(char)
        char = BOUNDARY if char == ATTACHED else char
        out = self._outgoing.get((previous,), 0.0)
        within = self._bigrams.get((previous, char), 0.0) / out if out else 0.0
        ends = self._bigrams.get((previous, BOUNDARY), 0.0) / out if out else 0.3
        across = ends * self._morpheme_start(char)
        unigram = self._unigrams.get((char,), 0.0) / self._total if char != BOUNDARY else ends
        return _WITHIN * within + _ACROSS * across + _UNIGRAM * unigram

    def _morpheme_start(self, char: str) -> float:
        if char == BOUNDARY:
            return 1.0
        starts = self._outgoing.get((BOUNDARY,)) or 1.0
        return self._bigrams.get((BOUNDARY, char), 0.0) / starts

    def _after_attached(self, char: str) -> float:
        """P(char | a letter, digit or closing mark): any morpheme, particles included."""
        if char in (BOUNDARY, ATTACHED):
            return 1.0
        unigram = self._unigrams.get((char,), 0.0) / self._total
        return (1 - _UNIGRAM) * self._morpheme_start(char) + _UNIGRAM * unigram

    def _word_start(self, char: str) -> float:
        """P(char | a word starts): free morphemes' first syllables, and syllable frequency."""
        if char in (BOUNDARY, ATTACHED):
            return 1.0
        initial = self._word_initial.get((char,), 0.0) / self._word_initial_total
        unigram = self._unigrams.get((char,), 0.0) / self._total
        return (1 - _UNIGRAM) * initial + _UNIGRAM * unigram


def _counts(items: Iterable[tuple[tuple[str, ...], float]]) -> dict[tuple[str, ...], float]:
    totals: defaultdict[tuple[str, ...], float] = defaultdict(float)
    for key, frequency in items:
        totals[key] += frequency
    return dict(totals)


def _ngrams(words: list[tuple[str, float]], order: int) -> dict[tuple[str, ...], float]:
    """Weighted n-grams of syllables inside morphemes, ``BOUNDARY`` marking both ends."""
    totals: defaultdict[tuple[str, ...], float] = defaultdict(float)
    for word, frequency in words:
        padded = (BOUNDARY, *word, BOUNDARY)
        for start in range(len(padded) - order + 1):
            totals[padded[start : start + order]] += frequency
    return dict(totals)


def _contexts(ngrams: dict[tuple[str, ...], float]) -> dict[tuple[str, ...], float]:
    """Total weight of each n-gram's context (all but its last token)."""
    totals: defaultdict[tuple[str, ...], float] = defaultdict(float)
    for key, frequency in ngrams.items():
        totals[key[:-1]] += frequency
    return dict(totals)


@cache
def default_model() -> SyllableModel:
    """The model from wordfreq's Korean frequencies (built once, a fraction of a second)."""
    from wordfreq import get_frequency_dict

    return SyllableModel(get_frequency_dict("ko"))
