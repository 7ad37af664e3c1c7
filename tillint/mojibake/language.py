"""The embedded language model: a Korean syllable bigram model built from wordfreq.

wordfreq's Korean list holds about 30,000 morphemes with their frequencies. Their syllables
give a bigram model inside morphemes; a morpheme boundary (``P(end | a) * P(b | start)``) and
the syllable's own frequency are mixed in, so transitions across morphemes inside a word are
scored too. Everything that is not a Hangul syllable counts as a word boundary. Candidates that
are not Hangul get a prior by kind (familiar punctuation, kana, CJK, emoji, the rest).

The best reading of a line, and for every candidate the score of the best reading that uses it
(max-marginals), come from one forward and one backward Viterbi pass.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

BOUNDARY = " "
# Interpolation weights: inside a morpheme, across a morpheme boundary, syllable frequency.
_WITHIN, _ACROSS, _UNIGRAM = 0.7, 0.25, 0.05
_FLOOR = 1e-9
# Punctuation common in Korean and Japanese text (ㆍ is the Korean interpunct).
_FAMILIAR = frozenset("“”‘’„‚–—…•·※→←↑↓「」『』《》〈〉、。・～ㆍ")
_JAPANESE_PUNCTUATION = frozenset("、。・")
_OTHER_SCRIPT = -6.0


def is_hangul_syllable(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


def token(char: str) -> str:
    """The model's view of a character: a Hangul syllable, or a word boundary."""
    return char if is_hangul_syllable(char) else BOUNDARY


def symbol_prior(char: str, korean: bool = False) -> float:
    """Log prior of a candidate that is not a Hangul syllable, by the kind of character.

    In a Korean line (``korean``), kana and Japanese-only punctuation are less likely.
    """
    if is_hangul_syllable(char) or char.isascii():
        return 0.0
    japanese = char in _JAPANESE_PUNCTUATION or unicodedata.name(char, "").startswith(
        ("HIRAGANA", "KATAKANA")
    )
    penalty = _OTHER_SCRIPT if korean and japanese else 0.0
    if char in _FAMILIAR:
        return -4.0 + penalty
    if japanese:
        return -6.0 + penalty
    if "\u4e00" <= char <= "\u9fff":
        return -9.0
    if "\U0001f300" <= char <= "\U0001faff" or "\u2600" <= char <= "\u27bf":
        return -6.0  # the emoji people use
    if unicodedata.category(char) == "So":
        return -10.0
    return -20.0


class SyllableModel:
    """Bigram log-probabilities of Hangul syllables, from a word -> frequency mapping."""

    def __init__(self, frequencies: dict[str, float]) -> None:
        unigrams: defaultdict[str, float] = defaultdict(float)
        bigrams: defaultdict[tuple[str, str], float] = defaultdict(float)
        for word, frequency in frequencies.items():
            if not all(is_hangul_syllable(char) for char in word):
                continue
            previous = BOUNDARY
            for char in word:
                unigrams[char] += frequency
                bigrams[previous, char] += frequency
                previous = char
            bigrams[previous, BOUNDARY] += frequency
        outgoing: defaultdict[str, float] = defaultdict(float)
        for (first, _), frequency in bigrams.items():
            outgoing[first] += frequency
        self._unigrams = unigrams
        self._total = sum(unigrams.values()) or 1.0
        self._bigrams = bigrams
        self._outgoing = outgoing
        self._cache: dict[tuple[str, str], float] = {}

    def transition(self, previous: str, char: str) -> float:
        """log P(char | previous) over model tokens (syllables or ``BOUNDARY``)."""
        key = (previous, char)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._compute(previous, char)
        return cached

    def _compute(self, previous: str, char: str) -> float:
        if previous == BOUNDARY and char == BOUNDARY:
            return 0.0
        out = self._outgoing.get(previous, 0.0)
        within = self._bigrams.get((previous, char), 0.0) / out if out else 0.0
        ends = self._bigrams.get((previous, BOUNDARY), 0.0) / out if out else 0.3
        starts = self._bigrams.get((BOUNDARY, char), 0.0) / (self._outgoing.get(BOUNDARY) or 1.0)
        across = ends * (starts if char != BOUNDARY else 1.0)
        unigram = self._unigrams.get(char, 0.0) / self._total if char != BOUNDARY else ends
        return math.log(_WITHIN * within + _ACROSS * across + _UNIGRAM * unigram + _FLOOR)


@cache
def default_model() -> SyllableModel:
    """The model from wordfreq's Korean frequencies (built once, about a tenth of a second)."""
    from wordfreq import get_frequency_dict

    return SyllableModel(get_frequency_dict("ko"))


@dataclass(frozen=True)
class Ranked:
    """A slot's candidates, best first, each with the score of the best line reading using it."""

    candidates: tuple[tuple[str, float], ...]

    @property
    def best(self) -> str:
        return self.candidates[0][0]

    @property
    def margin(self) -> float:
        """How much better the best candidate is than the next one (infinite if alone)."""
        if len(self.candidates) < 2:
            return math.inf
        return self.candidates[0][1] - self.candidates[1][1]


def rank_slots(model: SyllableModel, options: Sequence[Sequence[str]]) -> list[Ranked]:
    """Max-marginal ranking of every slot's options (strings; only their ends matter).

    Spaces inside letter-spaced text (``발  의  자``, ``(생  략)``) are read through, so the
    syllables they separate are scored as the word they spell.
    """
    skipped = _letter_spaces(options)
    kept = [i for i in range(len(options)) if i not in skipped]
    read = [options[i] for i in kept]
    korean = any(
        is_hangul_syllable(c) for choices in options if len(choices) == 1 for c in choices[0]
    )
    forward = _forward(model, read, korean)
    backward = _forward(model, [list(o) for o in reversed(read)], korean, reverse=True)[::-1]
    ranked = [Ranked(((choices[0], 0.0),)) for choices in options]
    for position, index in enumerate(kept):
        scores = [
            (choice, forward[position][k] + backward[position][k] - _prior(choice, korean))
            for k, choice in enumerate(read[position])
        ]
        scores.sort(key=lambda item: (-item[1], item[0]))
        ranked[index] = Ranked(tuple(scores))
    return ranked


def _letter_spaces(options: Sequence[Sequence[str]]) -> set[int]:
    """Slots of spaces that stand between two one-syllable words."""
    kinds = [_kind(choices) for choices in options]
    spaces: set[int] = set()
    index = 0
    while index < len(kinds):
        if kinds[index] != "space":
            index += 1
            continue
        end = index
        while end < len(kinds) and kinds[end] == "space":
            end += 1
        if _lone_syllable(kinds, index - 1, -1) and _lone_syllable(kinds, end, 1):
            spaces.update(range(index, end))
        index = end
    return spaces


def _kind(choices: Sequence[str]) -> str:
    if all(choice.isspace() for choice in choices):
        return "space"
    if all(len(c) == 1 for c in choices) and any(is_hangul_syllable(c) for c in choices):
        return "syllable"
    if all(len(c) == 1 and not c.isalnum() for c in choices):
        return "mark"
    return "other"


def _lone_syllable(kinds: list[str], index: int, step: int) -> bool:
    """Whether ``index`` is a syllable whose word (read away from the space) ends right there."""
    if not 0 <= index < len(kinds) or kinds[index] != "syllable":
        return False
    beyond = index + step
    return not 0 <= beyond < len(kinds) or kinds[beyond] in ("space", "mark")


def _prior(choice: str, korean: bool) -> float:
    return symbol_prior(choice, korean) if len(choice) == 1 else 0.0


def _forward(
    model: SyllableModel, options: Sequence[Sequence[str]], korean: bool, reverse: bool = False
) -> list[list[float]]:
    """Best score of a reading ending (or, reversed, starting) in each option of each slot."""
    table: list[list[float]] = []
    previous_tokens = [BOUNDARY]
    previous_scores = [0.0]
    for choices in options:
        scores = []
        for choice in choices:
            enter = token(choice[-1] if reverse else choice[0])
            best = max(
                score + (model.transition(enter, p) if reverse else model.transition(p, enter))
                for p, score in zip(previous_tokens, previous_scores, strict=True)
            )
            scores.append(best + _prior(choice, korean))
        table.append(scores)
        previous_tokens = [token(c[0] if reverse else c[-1]) for c in choices]
        previous_scores = scores
    return table


def path_score(model: SyllableModel, text: str) -> float:
    """The model's log-probability of a whole reading (for comparing full alternatives)."""
    score = 0.0
    previous = BOUNDARY
    for char in text:
        current = token(char)
        score += model.transition(previous, current) + symbol_prior(char)
        previous = current
    return score + model.transition(previous, BOUNDARY)
