"""Data tillint derives from files it ships or depends on, kept between runs.

Parsing the rule catalogue's YAML or codespell's 65,000-line dictionary costs more than a run
whose results all come from the cache. So, as Python keeps compiled modules in ``__pycache__``,
such data is kept in the user's cache directory (``$XDG_CACHE_HOME/tillint``,
``~/.cache/tillint`` or ``%LOCALAPPDATA%\\tillint``), one pickle per name and source folders,
stamped with tillint's version and each source file's path, size and modification time. A
changed source means the data is derived again; a cache directory that cannot be read or
written only costs that speed. The files hold nothing from the user's documents.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from tillint import __version__
from tillint.hashing import blake2b

T = TypeVar("T")


def derived(name: str, sources: Sequence[str | Path], derive: Callable[[], T]) -> T:
    """``derive()``, or what it returned before from the same, unchanged ``sources``."""
    stamp = _stamp(sources)
    path = _stored_path(name, sources)
    if path is not None and stamp is not None:
        found = _read(path, stamp)
        if found is not None:
            return found[0]  # type: ignore[no-any-return]
    value = derive()
    if path is not None and stamp is not None:
        _write(path, stamp, value)
    return value


def user_cache_dir() -> Path | None:
    """tillint's directory in the user's cache directory, None when there is none."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    if not base or base.startswith("~"):
        return None
    return Path(base) / "tillint"


def _stamp(sources: Sequence[str | Path]) -> tuple[Any, ...] | None:
    """What the stored data must have been derived from; None when a source is unreadable."""
    try:
        stats = [(str(source), os.stat(source)) for source in sources]
    except OSError:
        return None
    return (__version__, tuple((name, s.st_size, s.st_mtime_ns) for name, s in stats))


def _stored_path(name: str, sources: Sequence[str | Path]) -> Path | None:
    directory = user_cache_dir()
    if directory is None or not sources:
        return None
    # One file per name and set of source folders: two checkouts of tillint keep one each.
    folders = sorted({os.path.dirname(os.path.abspath(source)) for source in sources})
    tag = blake2b("\0".join(folders).encode(), digest_size=8).hexdigest()
    return directory / f"{name}-{tag}.pickle"


def _read(path: Path, stamp: tuple[Any, ...]) -> tuple[Any] | None:
    try:
        with open(path, "rb") as handle:
            found_stamp, value = pickle.load(handle)
    except Exception:  # missing, unreadable or damaged: derive it again
        return None
    return (value,) if found_stamp == stamp else None


def _write(path: Path, stamp: tuple[Any, ...], value: Any) -> None:
    """Write atomically: a concurrent run reads the old file or this one, never a part."""
    import tempfile  # only a run that derives something writes

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((stamp, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except Exception:  # never leave the temporary file behind
        Path(temporary).unlink(missing_ok=True)
