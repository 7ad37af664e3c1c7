"""Rank the candidates of lost-byte characters with the embedded syllable model.

The best reading of a line, and for every candidate the score of the best reading that uses it
(max-marginals), come from one forward and one backward Viterbi pass. A first pass with the
syllable bigram model keeps each slot's few best candidates; a second pass, whose states are
the last two syllables, scores those with the trigram model. Candidates that are not Hangul
get a prior by kind (familiar punctuation, kana, CJK, emoji, the rest).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from tillint.mojibake.syllables import (
    BOUNDARY,
    SyllableModel,
    default_model,
    is_hangul_syllable,
    token,
)

__all__ = [
    "Ranked",
    "SyllableModel",
    "default_model",
    "is_hangul_syllable",
    "path_score",
    "rank_slots",
    "symbol_prior",
    "token",
]

# Candidates per slot that the bigram pass hands to the trigram pass.
PRUNED_CANDIDATES = 4
# Punctuation common in Korean and Japanese text (ㆍ is the Korean interpunct).
_FAMILIAR = frozenset("“”‘’„‚–—…•·※→←↑↓「」『』《》〈〉、。・～ㆍ")
_JAPANESE_PUNCTUATION = frozenset("、。・")
_OTHER_SCRIPT = -6.0
# The last two model tokens of a reading: the trigram model's state.
State = tuple[str, str]
_START: State = (BOUNDARY, BOUNDARY)


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
    """Max-marginal ranking of every slot's options (strings of one or more characters).

    Spaces inside letter-spaced text (``발  의  자``, ``(생  략)``) are read through, so the
    syllables they separate are scored as the word they spell. Each slot keeps its
    ``PRUNED_CANDIDATES`` best options by the bigram model, scored and ordered by the trigram
    model.
    """
    skipped = _letter_spaces(options)
    kept = [i for i in range(len(options)) if i not in skipped]
    read = [options[i] for i in kept]
    korean = any(
        is_hangul_syllable(c) for choices in options if len(choices) == 1 for c in choices[0]
    )
    pruned = [
        _best_options(choices, scores)
        for choices, scores in zip(read, _bigram_marginals(model, read, korean), strict=True)
    ]
    marginals = _trigram_marginals(model, pruned, korean)
    ranked = [Ranked(((choices[0], 0.0),)) for choices in options]
    for index, choices, scores in zip(kept, pruned, marginals, strict=True):
        ordered = sorted(zip(choices, scores, strict=True), key=lambda item: (-item[1], item[0]))
        ranked[index] = Ranked(tuple(ordered))
    return ranked


def _bigram_marginals(
    model: SyllableModel, options: Sequence[Sequence[str]], korean: bool
) -> list[list[float]]:
    """Every option's max-marginal score under the bigram model."""
    forward = _forward(model, options, korean)
    backward = _forward(model, [list(o) for o in reversed(options)], korean, reverse=True)[::-1]
    return [
        [
            ahead + behind - _prior(choice, korean)
            for choice, ahead, behind in zip(*row, strict=True)
        ]
        for row in zip(options, forward, backward, strict=True)
    ]


def _best_options(choices: Sequence[str], scores: list[float]) -> list[str]:
    ordered = sorted(zip(scores, choices, strict=True), key=lambda item: (-item[0], item[1]))
    return [choice for _, choice in ordered[:PRUNED_CANDIDATES]]


def _trigram_marginals(
    model: SyllableModel, options: Sequence[Sequence[str]], korean: bool
) -> list[list[float]]:
    """Every option's max-marginal score under the trigram model (states: last two tokens)."""
    moves: list[dict[State, list[tuple[float, State]]]] = []
    reachable = {_START}
    for choices in options:
        step = {state: [_enter(model, state, c, korean) for c in choices] for state in reachable}
        moves.append(step)
        reachable = {after for edges in step.values() for _, after in edges}
    forward: list[dict[State, float]] = [{_START: 0.0}]
    for step in moves:
        best: dict[State, float] = {}
        for state, edges in step.items():
            for gain, after in edges:
                score = forward[-1][state] + gain
                if score > best.get(after, -math.inf):
                    best[after] = score
        forward.append(best)
    backward = [{state: model.trigram(*state, BOUNDARY) for state in reachable}]
    for step in reversed(moves):
        following = backward[0]
        backward.insert(
            0,
            {s: max(gain + following[after] for gain, after in e) for s, e in step.items()},
        )
    return [
        [
            max(
                forward[i][state] + edges[k][0] + backward[i + 1][edges[k][1]]
                for state, edges in step.items()
            )
            for k in range(len(choices))
        ]
        for i, (choices, step) in enumerate(zip(options, moves, strict=True))
    ]


def _enter(model: SyllableModel, state: State, choice: str, korean: bool) -> tuple[float, State]:
    """The score of reading ``choice`` after ``state``, and the state after it."""
    first, previous = state
    score = _prior(choice, korean)
    for char in choice:
        current = token(char)
        score += model.trigram(first, previous, current)
        # Past a character that is not a syllable, only that character matters.
        first, previous = (previous if is_hangul_syllable(current) else BOUNDARY), current
    return score, (first, previous)


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
    state = _START
    for char in text:
        gain, state = _enter(model, state, char, korean=False)
        score += gain
    return score + model.trigram(*state, BOUNDARY)
