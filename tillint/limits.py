"""Limits that keep hostile input cheap: a file size cap and markdown-it's nesting limit.

A file larger than ``max-file-size`` (``[tool.tillint.limits]``) is never read past the cap:
the engine reports it as ``TL003 file-too-large`` and checks nothing else in it. Reading goes
through ``read_capped``, which opens without blocking (a FIFO swapped in after discovery cannot
hang the run) and refuses anything that is not a regular file.

markdown-it-py stops parsing a container nested deeper than its ``maxNesting`` (20 levels) and
silently drops everything inside it, up to the end of the enclosing container. No check sees
those lines, so ``unparsed_line_ranges`` finds them for ``TL004 nesting-too-deep``.
"""

from __future__ import annotations

import errno
import itertools
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from tillint.config import Settings
    from tillint.document import Document

LIMITS_FAMILY = "limits"
FILE_TOO_LARGE = "TL003"
NESTING_TOO_DEEP = "TL004"
# Mirrors the default of the rule's option; used when the catalogue declares no limits family.
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
_READ_CHUNK = 1024 * 1024


class TooLarge(NamedTuple):
    """A file that was not read because it is over the size cap."""

    size: int
    limit: int

    @property
    def message(self) -> str:
        return (
            f"file is too large to check ({_size_text(self.size)}, limit "
            f"{_size_text(self.limit)}); set max-file-size in [tool.tillint.limits] to raise it"
        )


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size} bytes"


def max_file_size(settings: Settings) -> int:
    """The configured size cap in bytes (``[tool.tillint.limits] max-file-size``)."""
    value = settings.family_options(LIMITS_FAMILY).get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    return int(value)


def read_capped(path: str | Path, limit: int) -> bytes | TooLarge:
    """A regular file's bytes, or ``TooLarge`` without reading more than ``limit + 1`` bytes.

    Opens with ``O_NONBLOCK`` so a FIFO never blocks, and refuses anything but a regular file
    with an ``OSError``. Other ``OSError`` (permissions, I/O) propagate to the caller.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if info.st_size > limit:
            return TooLarge(info.st_size, limit)
        chunks: list[bytes] = []
        received = 0
        while received <= limit:
            chunk = os.read(fd, min(_READ_CHUNK, limit + 1 - received))
            if not chunk:
                break
            chunks.append(chunk)
            received += len(chunk)
    finally:
        os.close(fd)
    if received > limit:  # the file grew after fstat
        return TooLarge(received, limit)
    return b"".join(chunks)


def max_nesting() -> int:
    """The nesting depth at which the shared markdown-it parser stops parsing."""
    from tillint.markdown import parser

    return int(parser().options.get("maxNesting", 20))


def unparsed_line_ranges(doc: Document) -> list[tuple[int, int]]:
    """1-based, inclusive, merged line ranges markdown-it dropped for nesting too deep.

    A container opened at the deepest level markdown-it allows is closed again by the very next
    token: its content was never parsed. Its ``map`` covers the lines it swallowed.
    """
    deepest = max_nesting() - 1
    tokens = doc.tokens
    ranges: list[tuple[int, int]] = []
    for token, following in itertools.pairwise(tokens):
        if token.nesting != 1 or token.level < deepest or following.nesting != -1:
            continue
        if token.map is None:
            continue
        first, last = token.map[0] + 1, min(token.map[1], doc.line_count)
        if ranges and first <= ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], max(last, ranges[-1][1]))
        else:
            ranges.append((first, last))
    return ranges
