"""What an incomplete UTF-8 sequence could have been: every completion with dropped bytes."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from tillint.mojibake.codepages import sequence_length

# Categories no one writes on purpose inside prose: controls, format characters (joiners,
# direction marks), unassigned and private-use code points, surrogates, odd separators.
_IMPLAUSIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp", "Zs"})


def is_plausible(char: str) -> bool:
    """Whether a decoded character could be what an author wrote."""
    return unicodedata.category(char) not in _IMPLAUSIBLE_CATEGORIES


def completions(partial: bytes, dropped: frozenset[int]) -> tuple[str, ...]:
    """Characters whose UTF-8 is ``partial`` with bytes from ``dropped`` inserted after the lead.

    The lead byte always survives (no lead byte is ever undefined in the codepages read), and
    the surviving continuation bytes keep their order; the dropped ones may sit anywhere after
    the lead. Implausible characters (controls, unassigned, private use) are left out.
    """
    need = sequence_length(partial[0]) - 1
    found = set()
    for tail in _tails(partial[1:], need, tuple(sorted(dropped))):
        try:
            char = (partial[:1] + tail).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if is_plausible(char):
            found.add(char)
    return tuple(sorted(found))


def _tails(present: bytes, slots: int, dropped: tuple[int, ...]) -> Iterator[bytes]:
    """Byte strings of length ``slots`` holding ``present`` in order, the rest from ``dropped``."""
    if slots == 0:
        if not present:
            yield b""
        return
    if present:
        for rest in _tails(present[1:], slots - 1, dropped):
            yield present[:1] + rest
    if len(present) < slots:
        for byte in dropped:
            for rest in _tails(present, slots - 1, dropped):
                yield bytes([byte]) + rest
