"""Optional ranking with the kiwipiepy morphological analyser (``pip install "tillint[korean]"``).

The embedded model proposes, word by word, a few readings of the word's lost-byte characters
(its best candidates, combined); kiwi scores each reading inside its neighbouring words, and
the score that decides is kiwi's log-probability plus the embedded model's, weighted.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from tillint.mojibake.detect import Slot
from tillint.mojibake.language import Ranked, default_model, path_score

# Candidates per lost-byte character, readings per word, neighbouring words on each side.
TOP_PER_SLOT = 3
READINGS_PER_WORD = 8
CONTEXT_WORDS = 2
MODEL_WEIGHT = 1.0
_WORD = re.compile(r"\S+")
_WORD_END = re.compile(r"\S*$")
_WORD_START = re.compile(r"\S*")


def kiwi_available() -> bool:
    """Whether the optional analyser can be imported."""
    try:
        import kiwipiepy  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _kiwi() -> Any:
    from kiwipiepy import Kiwi

    return Kiwi()


def rerank_with_kiwi(slots: Sequence[Slot], ranked: list[Ranked]) -> list[Ranked]:
    """Re-rank the uncertain slots of a line, word by word, with kiwi's scores."""
    best = [r.best for r in ranked]
    starts = list(itertools.accumulate((len(b) for b in best), initial=0))
    result = list(ranked)
    for word in _WORD.finditer("".join(best)):
        members = [
            i
            for i, slot in enumerate(slots)
            if slot.uncertain and word.start() <= starts[i] < word.end()
        ]
        if members:
            _rerank_word(members, best, result)
    return result


def _rerank_word(members: list[int], best: list[str], result: list[Ranked]) -> None:
    """Choose the best reading of one word; update ``best`` and the members' rankings."""
    readings = _readings(members, best, result)
    texts = [_context(members, best, reading) for reading in readings]
    analyses = _kiwi().analyze(texts, top_n=1)
    scored = []
    for reading, text, analysis in zip(readings, texts, analyses):
        score = analysis[0][1] + MODEL_WEIGHT * path_score(default_model(), text)
        scored.append((score, reading))
    scored.sort(key=lambda item: (-item[0], item[1]))
    for position, index in enumerate(members):
        per_char: dict[str, float] = {}
        for score, reading in scored:
            per_char.setdefault(reading[position], score)
        ordered = sorted(per_char.items(), key=lambda item: (-item[1], item[0]))
        result[index] = Ranked(tuple(ordered))
        best[index] = ordered[0][0]


def _readings(members: list[int], best: list[str], ranked: list[Ranked]) -> list[tuple[str, ...]]:
    """The word's most likely combinations of its slots' top candidates (embedded model)."""
    options = [[c for c, _ in ranked[i].candidates[:TOP_PER_SLOT]] for i in members]
    combos = list(itertools.product(*options))
    if len(combos) <= READINGS_PER_WORD:
        return combos
    model = default_model()
    scored = []
    for combo in combos:
        text = _context(members, best, combo, words=0)
        scored.append((path_score(model, text), combo))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [combo for _, combo in scored[:READINGS_PER_WORD]]


def _context(
    members: list[int], best: list[str], reading: Sequence[str], words: int = CONTEXT_WORDS
) -> str:
    """The word holding ``reading`` in the members' places, with ``words`` neighbours a side."""
    pieces = list(best)
    for index, char in zip(members, reading):
        pieces[index] = char
    text = "".join(pieces)
    start = sum(len(piece) for piece in pieces[: members[0]])
    end = sum(len(piece) for piece in pieces[: members[-1] + 1])
    head = _WORD_END.search(text[:start])
    word_start = head.start() if head else start
    tail = _WORD_START.match(text, end)
    word_end = tail.end() if tail else end
    left = text[:word_start].split()[-words:] if words else []
    right = text[word_end:].split()[:words]
    return " ".join([*left, text[word_start:word_end], *right])
