"""Apply fixes: non-overlapping edits, written atomically, nothing outside the edited spans.

A file is rewritten through a temporary file in its own directory that is fsynced and renamed
over the original (keeping its mode, writing through symlinks), so a reader sees the old or the
new file, never a partial one. A file that changed on disk since it was read is not written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from tillint.document import UTF8_BOM
from tillint.finding import Edit, Finding, Fix


class FileChangedError(Exception):
    """The file on disk is not the one the fixes were computed for."""


def applicable_fixes(findings: Iterable[Finding], unsafe: bool) -> list[Fix]:
    return [
        f.fix for f in findings if f.fix is not None and (f.fix.applicability == "safe" or unsafe)
    ]


def apply_fixes(text: str, fixes: list[Fix]) -> tuple[str, int]:
    """Apply every fix whose edits overlap no earlier fix; returns (new text, fixes applied)."""
    accepted: list[Edit] = []
    applied = 0
    for fix in sorted(fixes, key=lambda f: min((e.start, e.end) for e in f.edits)):
        if any(_overlaps(edit, other) for edit in fix.edits for other in accepted):
            continue
        accepted.extend(fix.edits)
        applied += 1
    for edit in sorted(accepted, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text, applied


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:  # insertions conflict only at the same point
        return a.start == b.start or (b.start < a.start < b.end) or (a.start < b.start < a.end)
    return a.start < b.end and b.start < a.end


def write_atomically(path: Path, text: str, bom: bool, expected: bytes) -> None:
    """Replace the file's content with ``text`` (UTF-8, BOM kept) if it still holds ``expected``."""
    target = Path(os.path.realpath(path))
    if target.read_bytes() != expected:
        raise FileChangedError(f"{path}: file changed on disk since it was read; not written")
    data = (UTF8_BOM if bom else b"") + text.encode("utf-8")
    mode = os.stat(target).st_mode & 0o7777
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _fsync_directory(directory: Path) -> None:
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
