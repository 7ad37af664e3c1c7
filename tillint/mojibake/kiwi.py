"""Optional ranking with the kiwipiepy morphological analyser (``pip install "tillint[korean]"``).

The embedded model proposes, word by word, a few readings of the word's lost-byte characters
(its best candidates, combined); kiwi scores each reading inside its neighbouring words, and
the score that decides is kiwi's log-probability plus the embedded model's, weighted.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from tillint.mojibake.detect import Slot
from tillint.mojibake.language import Ranked, default_model, is_hangul_syllable, path_score

# Candidates per lost-byte character, readings per word, neighbouring words on each side.
TOP_PER_SLOT = 3
READINGS_PER_WORD = 8
CONTEXT_WORDS = 2
MODEL_WEIGHT = 0.5
PASSES = 2
_WORD = re.compile(r"\S+")


def kiwi_available() -> bool:
    """Whether the optional analyser is installed."""
    return importlib.util.find_spec("kiwipiepy") is not None


@cache
def _kiwi() -> Any:
    """The analyser, loaded once (about two seconds)."""
    return importlib.import_module("kiwipiepy").Kiwi()


def rerank_with_kiwi(slots: Sequence[Slot], ranked: list[Ranked]) -> list[Ranked]:
    """Re-rank the uncertain slots of a line, word by word, with kiwi's scores."""
    best = [r.best for r in ranked]
    result = list(ranked)
    units = _units(slots, best)
    # A second pass lets each word see its neighbours' corrected readings.
    for _ in range(PASSES):
        for unit in units:
            _rerank_unit(unit, best, result)
    return result


@dataclass(frozen=True)
class _Unit:
    """Uncertain slots read together, and the stretch of the line (offsets) they sit in."""

    members: list[int]
    start: int
    end: int


def _units(slots: Sequence[Slot], best: list[str]) -> list[_Unit]:
    """Words holding uncertain slots; runs of one-syllable words (letter-spaced headings such
    as ``발  의  자``) are read as one word, since that is what they spell.
    """
    starts = list(itertools.accumulate((len(b) for b in best), initial=0))
    words = [match.span() for match in _WORD.finditer("".join(best))]
    text = "".join(best)
    groups: list[list[tuple[int, int]]] = []
    for span in words:
        single = _syllables(text[span[0] : span[1]]) == 1
        if single and groups and _syllables(text[groups[-1][-1][0] : groups[-1][-1][1]]) == 1:
            groups[-1].append(span)
        else:
            groups.append([span])
    units = []
    for group in groups:
        start, end = group[0][0], group[-1][1]
        members = [i for i, s in enumerate(slots) if s.uncertain and start <= starts[i] < end]
        if members:
            units.append(_Unit(members, start, end))
    return units


def _syllables(word: str) -> int:
    return sum(1 for char in word if is_hangul_syllable(char))


def _rerank_unit(unit: _Unit, best: list[str], result: list[Ranked]) -> None:
    """Choose the best reading of one unit; update ``best`` and the members' rankings."""
    readings = _readings(unit, best, result)
    texts = [_context(unit, best, reading) for reading in readings]
    analyses = _kiwi().analyze(texts, top_n=1)
    scored = []
    for reading, text, analysis in zip(readings, texts, analyses, strict=True):
        score = analysis[0][1] + MODEL_WEIGHT * path_score(default_model(), text)
        scored.append((score, reading))
    scored.sort(key=lambda item: (-item[0], item[1]))
    for position, index in enumerate(unit.members):
        per_char: dict[str, float] = {}
        for score, reading in scored:
            per_char.setdefault(reading[position], score)
        ordered = sorted(per_char.items(), key=lambda item: (-item[1], item[0]))
        result[index] = Ranked(tuple(ordered))
        best[index] = ordered[0][0]


def _readings(unit: _Unit, best: list[str], ranked: list[Ranked]) -> list[tuple[str, ...]]:
    """The unit's most likely combinations of its slots' top candidates (embedded model)."""
    options = [[c for c, _ in ranked[i].candidates[:TOP_PER_SLOT]] for i in unit.members]
    combos = list(itertools.product(*options))
    if len(combos) <= READINGS_PER_WORD:
        return combos
    model = default_model()
    scored = []
    for combo in combos:
        text = _context(unit, best, combo, words=0)
        scored.append((path_score(model, text), combo))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [combo for _, combo in scored[:READINGS_PER_WORD]]


def _context(
    unit: _Unit, best: list[str], reading: Sequence[str], words: int = CONTEXT_WORDS
) -> str:
    """The unit with ``reading`` in its slots' places (inner spaces removed), with ``words``
    neighbouring words on each side."""
    pieces = list(best)
    for index, char in zip(unit.members, reading, strict=True):
        pieces[index] = char
    text = "".join(pieces)
    left = text[: unit.start].split()[-words:] if words else []
    right = text[unit.end :].split()[:words]
    return " ".join([*left, "".join(text[unit.start : unit.end].split()), *right])
