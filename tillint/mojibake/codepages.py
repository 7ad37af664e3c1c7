"""Single-byte codepages that turn UTF-8 into mojibake, and the UTF-8 structure of their bytes.

Mojibake is UTF-8 read through a single-byte codepage: every character of the damaged text is
one byte, so a run of such characters maps back to bytes position for position, and character
offset ``i`` of the run is byte ``i``. Bytes the codepage has no character for (0x81, 0x8D, ...)
are usually dropped by the decoder; only UTF-8 continuation bytes are in that set, so the lead
byte of every sequence survives and each damaged sequence is a lead byte followed by fewer
continuation bytes than it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Codepage:
    """A family of single-byte codepages read as one: character -> byte, and dropped bytes."""

    name: str
    byte_of: dict[str, int]
    undefined: frozenset[int]


# The soft hyphen (0xAD) is invisible, and editors and web forms strip it: it is lost as
# surely as the bytes a codepage has no character for.
SOFT_HYPHEN = 0xAD


def _undefined_bytes(codec: str) -> frozenset[int]:
    missing = {SOFT_HYPHEN}
    for byte in range(0x80, 0x100):
        try:
            bytes([byte]).decode(codec)
        except UnicodeDecodeError:
            missing.add(byte)
    return frozenset(missing)


def _byte_map(codecs: tuple[str, ...]) -> dict[str, int]:
    mapping = {chr(byte): byte for byte in range(0x80)}
    for codec in codecs:
        for byte in range(0x80, 0x100):
            char = bytes([byte]).decode(codec, "ignore")
            if char:
                mapping.setdefault(char, byte)
    # "Sloppy" decoders keep an undefined byte as the C1 control of the same number.
    decoded = set(mapping.values())
    for byte in range(0x80, 0xA0):
        if byte not in decoded:
            mapping.setdefault(chr(byte), byte)
    return mapping


@cache
def codepages() -> tuple[Codepage, ...]:
    """The codepages tried, most common first.

    Windows-1252, Windows-1254 (Turkish) and Latin-1 (whose C1 controls are what "sloppy"
    decoders keep for undefined bytes) never map one character to two bytes, so they are read
    as one Western family; Cyrillic and Central European Windows codepages follow.
    """
    western = ("cp1252", "cp1254", "latin-1")
    return (
        Codepage(
            "windows-1252/1254",
            _byte_map(western),
            _undefined_bytes("cp1252") | _undefined_bytes("cp1254"),
        ),
        Codepage("windows-1251", _byte_map(("cp1251",)), _undefined_bytes("cp1251")),
        Codepage("windows-1250", _byte_map(("cp1250",)), _undefined_bytes("cp1250")),
    )


def sequence_length(lead: int) -> int:
    """How many bytes a UTF-8 sequence starting with ``lead`` has; 0 if it cannot start one."""
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def is_continuation(byte: int) -> bool:
    return 0x80 <= byte <= 0xBF


@dataclass(frozen=True)
class Unit:
    """One piece of a byte run: ``kind`` is "ascii", "char" (a complete UTF-8 sequence),
    "hole" (a lead byte with too few continuation bytes) or "stray" (a high byte that starts
    no sequence). ``start``/``end`` index both the bytes and the characters of the run.
    """

    kind: str
    start: int
    end: int
    data: bytes

    @property
    def missing(self) -> int:
        """Continuation bytes a hole lacks."""
        return sequence_length(self.data[0]) - len(self.data) if self.kind == "hole" else 0


def split_units(data: bytes) -> list[Unit]:
    """Split bytes into ASCII, complete sequences, incomplete sequences and stray bytes."""
    units: list[Unit] = []
    index = 0
    while index < len(data):
        byte = data[index]
        if byte < 0x80:
            units.append(Unit("ascii", index, index + 1, data[index : index + 1]))
            index += 1
            continue
        need = sequence_length(byte)
        end = index + 1
        while need and end < len(data) and end - index < need and is_continuation(data[end]):
            end += 1
        piece = data[index:end]
        if not need:
            units.append(Unit("stray", index, end, piece))
        elif end - index == need and _decodes(piece):
            units.append(Unit("char", index, end, piece))
        elif end - index < need:
            units.append(Unit("hole", index, end, piece))
        else:
            units.append(Unit("stray", index, index + 1, data[index : index + 1]))
            end = index + 1
        index = end
    return units


def _decodes(piece: bytes) -> bool:
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
