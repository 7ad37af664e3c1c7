"""Find mojibake in a line: runs whose characters, turned back into bytes, are UTF-8.

A line is read run by run: a run is a stretch of characters that one codepage can turn back
into bytes (ASCII included). Its bytes are split into complete UTF-8 sequences ("anchors"),
incomplete ones (a sequence that lost continuation bytes) and stray bytes. A run is mojibake
only when it has an anchor and ftfy's badness heuristic agrees, or when an anchor is a three-
or four-byte sequence (which text in a Latin script essentially never spells by accident).
Incomplete sequences count only next to that evidence, or when ftfy finds them bad on their
own (``ì¸``), so a lone ``é»`` or ``İs`` in real French or Turkish stays what it is.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from tillint.mojibake.candidates import completions, is_plausible
from tillint.mojibake.codepages import Codepage, Unit, codepages, is_continuation, split_units
from tillint.packages import package_folder

MAX_LAYERS = 3
# A run with this many mojibake units is mojibake through and through.
STRONG_EVIDENCE = 3


@dataclass(frozen=True)
class Slot:
    """A piece of a damaged span: its original characters and what they may stand for.

    One candidate: the restoration is certain (possibly identical to ``original``); several:
    bytes were lost and a language model has to choose.
    """

    start: int
    end: int
    original: str
    candidates: tuple[str, ...]

    @property
    def uncertain(self) -> bool:
        return len(self.candidates) > 1


@dataclass(frozen=True)
class Damage:
    """One damaged span of a line (offsets into the line) and its slots, in order."""

    start: int
    end: int
    codepage: str
    slots: tuple[Slot, ...]

    @property
    def lossy(self) -> bool:
        return any(slot.uncertain for slot in self.slots)

    def restored(self, choices: dict[int, str] | None = None) -> str:
        """The span's text with each slot's choice (by slot start), else its first candidate."""
        choices = choices or {}
        return "".join(choices.get(slot.start, slot.candidates[0]) for slot in self.slots)


@cache
def _precheck() -> re.Pattern[str]:
    """A character that can start a UTF-8 sequence, followed by one that can continue it."""
    leads: set[str] = set()
    continuations: set[str] = set()
    for codepage in codepages():
        for char, byte in codepage.byte_of.items():
            if byte >= 0xC2 and byte <= 0xF4:
                leads.add(char)
            elif is_continuation(byte):
                continuations.add(char)
    return re.compile(f"[{_char_class(leads)}][{_char_class(continuations)}]")


def _char_class(chars: set[str]) -> str:
    return "".join(re.escape(char) for char in sorted(chars))


def may_hold_mojibake(text: str) -> bool:
    """A cheap test: False means the text certainly holds no mojibake."""
    return _precheck().search(text) is not None


def find_damage(line: str) -> list[Damage]:
    """The mojibake spans of one line (no line ending), in order; empty for clean text."""
    return [_peel_layers(damage) for damage in find_damage_once(line)]


def find_damage_once(line: str) -> list[Damage]:
    """Like ``find_damage``, without repairing double mojibake (one layer only)."""
    if not may_hold_mojibake(line):
        return []
    best: list[Damage] = []
    for codepage in codepages():
        found = [d for run in _runs(line, codepage) for d in _run_damage(line, run, codepage)]
        if _evidence(found) > _evidence(best):
            best = found
    return best


def _evidence(damages: list[Damage]) -> tuple[int, int]:
    """How many characters a reading restores with certainty, then how many it guesses."""
    certain = guessed = 0
    for slot in (slot for damage in damages for slot in damage.slots):
        if slot.uncertain:
            guessed += 1
        elif slot.candidates[0] != slot.original:
            certain += 1
    return certain, guessed


def _runs(line: str, codepage: Codepage) -> list[tuple[int, int]]:
    """Maximal (start, end) stretches of the line that the codepage maps back to bytes."""
    runs = []
    start = None
    for index, char in enumerate(line):
        if char in codepage.byte_of:
            if start is None:
                start = index
        elif start is not None:
            runs.append((start, index))
            start = None
    if start is not None:
        runs.append((start, len(line)))
    return runs


def _run_damage(line: str, run: tuple[int, int], codepage: Codepage) -> list[Damage]:
    """The damaged span of one run, if its bytes show real UTF-8 structure."""
    start, end = run
    text = line[start:end]
    if not may_hold_mojibake(text):
        return []
    units = split_units(bytes(codepage.byte_of[char] for char in text))
    accepted = _accepted_units(units)
    if not accepted:
        return []
    first, last = accepted[0], accepted[-1]
    span_text = text[units[first].start : units[last].end]
    if not _convincing(span_text, [units[i] for i in accepted]):
        return []
    slots = tuple(
        _slot(units[i], text, start, codepage, i in accepted) for i in range(first, last + 1)
    )
    return [Damage(start + units[first].start, start + units[last].end, codepage.name, slots)]


def _accepted_units(units: list[Unit]) -> list[int]:
    """Indexes of the units that are mojibake: anchors, and incomplete sequences near them."""
    anchors = [i for i, unit in enumerate(units) if _is_anchor(unit)]
    partial = [i for i, unit in enumerate(units) if unit.kind == "hole" and len(unit.data) > 1]
    if not anchors and not partial:
        return []
    # Once a run is mojibake, its other complete sequences are too (even a decoded control
    # or soft hyphen: in double mojibake that is the middle layer).
    complete = [i for i, unit in enumerate(units) if unit.kind == "char"]
    accepted = set(anchors) | set(partial) | (set(complete) if anchors else set())
    # A bare lead byte (all its continuation bytes lost) counts when it touches accepted
    # units, or, for a three- or four-byte lead, when the run is plainly mojibake: the same
    # transform would have turned a real accented letter into two characters.
    strong = len(accepted) >= STRONG_EVIDENCE
    for i, unit in enumerate(units):
        bare = unit.kind == "hole" and len(unit.data) == 1
        if bare and (({i - 1, i + 1} & accepted) or (strong and unit.data[0] >= 0xE0)):
            accepted.add(i)
    return sorted(accepted)


def _is_anchor(unit: Unit) -> bool:
    return unit.kind == "char" and is_plausible(unit.data.decode("utf-8"))


def _convincing(span_text: str, accepted: list[Unit]) -> bool:
    """ftfy's heuristic says the span is bad, or a multi-byte anchor makes it certain."""
    if any(unit.kind == "char" and len(unit.data) >= 3 for unit in accepted):
        return True
    return bool(ftfy_badness().is_bad(span_text))


@cache
def ftfy_badness() -> ModuleType:
    """ftfy's ``badness`` module, loaded on its own.

    ``import ftfy.badness`` runs ``ftfy/__init__.py`` first, which imports the rest of ftfy
    and wcwidth: about 75 ms, paid by every worker process that meets a suspect span. The
    module itself needs only ``re`` and ``warnings`` (about 30 ms, for its one large pattern),
    so it is run from its file. Should ftfy be imported already, or a later ftfy make the
    module need its package, the usual import serves.
    """
    if "ftfy.badness" not in sys.modules:
        alone = _module_alone("ftfy", "badness")
        if alone is not None:
            return alone
    import ftfy.badness

    return ftfy.badness


def _module_alone(package: str, name: str) -> ModuleType | None:
    """``package.name`` run from its file without its package; None when it needs it."""
    folder = package_folder(package)
    if folder is None:
        return None
    alone = importlib.util.spec_from_file_location(
        f"tillint_{package}_{name}", folder / f"{name}.py"
    )
    if alone is None or alone.loader is None:
        return None
    module = importlib.util.module_from_spec(alone)
    try:
        alone.loader.exec_module(module)
    except ImportError:  # a relative import: the module needs its package
        return None
    return module


def _slot(unit: Unit, text: str, offset: int, codepage: Codepage, accepted: bool) -> Slot:
    original = text[unit.start : unit.end]
    start, end = offset + unit.start, offset + unit.end
    if not accepted or unit.kind in ("ascii", "stray"):
        return Slot(start, end, original, (original,))
    if unit.kind == "char":
        return Slot(start, end, original, (unit.data.decode("utf-8"),))
    options = completions(unit.data, codepage.undefined)
    return Slot(start, end, original, options or (original,))


def _peel_layers(damage: Damage) -> Damage:
    """Repair double (and triple) mojibake: restore a lossless span again while it still is."""
    if damage.lossy:
        return damage
    text = damage.restored()
    for _ in range(MAX_LAYERS - 1):
        inner = find_damage_once(text)
        if not inner or any(d.lossy for d in inner):
            break
        text = _apply(text, inner)
    original = "".join(slot.original for slot in damage.slots)
    whole = Slot(damage.start, damage.end, original, (text,))
    return Damage(damage.start, damage.end, damage.codepage, (whole,))


def _apply(text: str, damages: list[Damage]) -> str:
    for damage in reversed(damages):
        text = text[: damage.start] + damage.restored() + text[damage.end :]
    return text
