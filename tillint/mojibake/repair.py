"""Restore the mojibake of a line: exact where nothing was lost, ranked guesses where it was.

The whole line is the context: its clean parts and the certain restorations are fixed, and
every incomplete sequence chooses among its completions with a language model (the embedded
wordfreq model, refined by the kiwipiepy analyser when it is installed and asked for).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tillint.mojibake.detect import Damage, Slot, find_damage
from tillint.mojibake.language import Ranked, default_model, rank_slots


@dataclass(frozen=True)
class Guess:
    """One lost-byte character: where it is in the line, what was chosen, and the runners-up."""

    start: int
    end: int
    original: str
    ranked: Ranked

    @property
    def chosen(self) -> str:
        return self.ranked.best


@dataclass(frozen=True)
class Restoration:
    """A damaged span of a line and its restored text."""

    damage: Damage
    text: str
    guesses: tuple[Guess, ...]

    @property
    def lossy(self) -> bool:
        return self.damage.lossy


def restore_line(line: str, ranker: str = "wordfreq") -> list[Restoration]:
    """Find and restore every mojibake span of a line; empty for clean text."""
    damages = find_damage(line)
    if not damages:
        return []
    if not any(damage.lossy for damage in damages):
        return [Restoration(d, d.restored(), ()) for d in damages]
    slots = _line_slots(line, damages)
    ranked = rank_slots(default_model(), [slot.candidates for slot in slots])
    if ranker in ("auto", "kiwi"):
        from tillint.mojibake.kiwi import kiwi_available, rerank_with_kiwi

        if kiwi_available() or ranker == "kiwi":
            ranked = rerank_with_kiwi(slots, ranked)
    return [_restoration(damage, slots, ranked) for damage in damages]


def _line_slots(line: str, damages: Sequence[Damage]) -> list[Slot]:
    """The whole line as slots: the damaged spans' own, and the clean text between them."""
    slots: list[Slot] = []
    position = 0
    for damage in damages:
        if damage.start > position:
            clean = line[position : damage.start]
            slots.append(Slot(position, damage.start, clean, (clean,)))
        slots.extend(damage.slots)
        position = damage.end
    if position < len(line):
        clean = line[position:]
        slots.append(Slot(position, len(line), clean, (clean,)))
    return slots


def _restoration(damage: Damage, slots: list[Slot], ranked: list[Ranked]) -> Restoration:
    pieces = []
    guesses = []
    for slot, ranking in zip(slots, ranked, strict=True):
        if slot.start < damage.start or slot.end > damage.end:
            continue
        pieces.append(ranking.best)
        if slot.uncertain:
            guesses.append(Guess(slot.start, slot.end, slot.original, ranking))
    return Restoration(damage, "".join(pieces), tuple(guesses))
