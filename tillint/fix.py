"""Apply fixes: non-overlapping edits, written atomically, nothing outside the edited spans.

A file is rewritten through a temporary file in its own directory that is fsynced and renamed
over the original, so a reader (or a process killed mid-write) sees the old or the new file,
never a partial one. The rename goes to the symbolic link's target, so a link stays a link; the
file keeps its mode (and its owner, where the process may set it), its BOM, its encoding
(UTF-8: other encodings are never fixed) and its line-ending style: a newline an edit inserts
into a CRLF (or CR) file is written as CRLF (or CR). A file that changed on disk since it was
read, or is no longer a regular file, is not written.
"""

from __future__ import annotations

import bisect
import errno
import os
import re
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from tillint.document import UTF8_BOM
from tillint.finding import Edit, Finding, Fix

_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation

_BARE_LF = re.compile(r"(?<!\r)\n")


class FileChangedError(Exception):
    """The file on disk is not the one the fixes were computed for."""


def applicable_fixes(findings: Iterable[Finding], unsafe: bool) -> list[Fix]:
    """The fixes of ``findings`` that may be applied: safe ones, and unsafe ones if allowed."""
    return [
        f.fix for f in findings if f.fix is not None and (f.fix.applicability == "safe" or unsafe)
    ]


def accepted_fixes(fixes: list[Fix]) -> list[Fix]:
    """The fixes one round applies: in order of their first edit, each unless one of its edits
    overlaps an edit already accepted (that fix is left for the next round)."""
    accepted: list[Fix] = []
    edits: list[Edit] = []
    for fix in sorted(fixes, key=_first_edit):
        ordered = sorted(fix.edits, key=_edit_order)
        if edits and ordered and ordered[0].start >= edits[-1].end:
            # The usual case: the fix lies after every accepted edit, so only the last one
            # can touch it (an insertion at the same point).
            if _overlaps(ordered[0], edits[-1]):
                continue
            edits.extend(ordered)
        elif any(_overlaps(edit, other) for edit in ordered for other in _near(edits, edit)):
            continue
        else:
            for edit in ordered:
                bisect.insort(edits, edit, key=_edit_order)
        accepted.append(fix)
    return accepted


def inserted_text(content: str, newline: str) -> str:
    """An edit's content as written into a file whose line endings are ``newline``."""
    return _BARE_LF.sub(newline, content) if newline != "\n" else content


def apply_fixes(text: str, fixes: list[Fix], newline: str = "\n") -> tuple[str, int]:
    """Apply the ``accepted_fixes``; returns (new text, fixes applied).

    The text is rebuilt in one pass (linear in its size, however many edits). With
    ``newline="\\r\\n"`` (or ``"\\r"``), a bare ``\\n`` in inserted content is written as that.
    """
    accepted = accepted_fixes(fixes)
    pieces: list[str] = []
    position = 0
    for edit in sorted((e for fix in accepted for e in fix.edits), key=_edit_order):
        pieces.append(text[position : edit.start])
        pieces.append(inserted_text(edit.content, newline))
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), len(accepted)


def _first_edit(fix: Fix) -> tuple[int, int]:
    return min((_edit_order(edit) for edit in fix.edits), default=(0, 0))


def _edit_order(edit: Edit) -> tuple[int, int]:
    return edit.start, edit.end


def _near(accepted: list[Edit], edit: Edit) -> list[Edit]:
    """The accepted edits (sorted by start) that could overlap ``edit``: a bisected window."""
    low, high = 0, len(accepted)
    while low < high:
        middle = (low + high) // 2
        if accepted[middle].end < edit.start:
            low = middle + 1
        else:
            high = middle
    window = []
    for other in accepted[max(0, low - 1) :]:
        if other.start > edit.end:
            break
        window.append(other)
    return window


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:  # insertions conflict only at the same point
        return a.start == b.start or (b.start < a.start < b.end) or (a.start < b.start < a.end)
    return a.start < b.end and b.start < a.end


def _current_bytes(target: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes now, read without blocking; refuses anything but a regular file."""
    fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileChangedError(f"{target}: no longer a regular file; not written")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks), info


def write_atomically(path: Path, text: str, bom: bool, expected: bytes) -> None:
    """Replace the file's content with ``text`` (UTF-8, BOM kept) if it still holds ``expected``.

    Raises ``FileChangedError`` when the file no longer holds ``expected``, ``OSError`` when
    it cannot be written; in both cases the original file is untouched.
    """
    target = Path(os.path.realpath(path))
    current, info = _current_bytes(target)
    if current != expected:
        raise FileChangedError(f"{path}: file changed on disk since it was read; not written")
    data = (UTF8_BOM if bom else b"") + text.encode("utf-8")
    # The name is known before the file exists, so an interrupt at any point, even while the
    # file is being created, finds it in ``temporary`` and removes it.
    temporary = os.path.join(target.parent, f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_ownership(temporary, info)
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        os.replace(temporary, target)
    except BaseException:  # an interrupt too: never leave the temporary file behind
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _copy_ownership(temporary: str, info: os.stat_result) -> None:
    """Give the new file the original's owner and group when allowed (root, or same user)."""
    if not hasattr(os, "chown"):
        return
    try:
        os.chown(temporary, info.st_uid, info.st_gid)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EACCES):
            raise


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; a no-op where directories cannot be opened (Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
