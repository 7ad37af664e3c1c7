"""Find the Markdown files to check: include/exclude globs, ``.gitignore``, no symlinked dirs.

Files named on the command line are checked whatever their name; directories are walked
without following directory symlinks. Only regular files are returned (a FIFO or a device is
never opened), each once, in sorted order.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pathspec

from tillint.config import Settings
from tillint.errors import UsageError


@cache
def _glob_regex(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled regex for a set of globs (a walk tests thousands of names against it)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


def _matches(relative: str, patterns: tuple[str, ...]) -> bool:
    """Whether a glob matches the file name or the path relative to the walked directory."""
    regex = _glob_regex(patterns)
    if regex is None:
        return False
    name = relative.rsplit("/", 1)[-1]
    return regex.match(name) is not None or regex.match(relative) is not None


def _gitignore(directory: Path) -> pathspec.PathSpec[Any] | None:
    path = directory / ".gitignore"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _enclosing_gitignores(directory: Path) -> list[tuple[Path, pathspec.PathSpec[Any]]]:
    """The .gitignore files from the enclosing git work tree's root down to ``directory``."""
    chain = [directory, *directory.parents]
    root = next((d for d in chain if (d / ".git").exists()), None)
    if root is None:
        return []
    specs = []
    for ancestor in reversed(chain[1 : chain.index(root) + 1]):
        spec = _gitignore(ancestor)
        if spec is not None:
            specs.append((ancestor, spec))
    return specs


def _ignored(path: Path, is_dir: bool, specs: list[tuple[Path, pathspec.PathSpec[Any]]]) -> bool:
    for base, spec in specs:
        relative = path.relative_to(base).as_posix() + ("/" if is_dir else "")
        if spec.match_file(relative):
            return True
    return False


def _is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _walk(top: Path, settings: Settings) -> Iterator[Path]:
    # The .gitignore files that apply in each directory: its ancestors' plus its own.
    inherited = {top: _enclosing_gitignores(top) if settings.respect_gitignore else []}
    for current, dirnames, filenames in os.walk(top, followlinks=False):
        directory = Path(current)
        local = inherited.pop(directory)
        if settings.respect_gitignore:
            own = _gitignore(directory)
            local = [*local, (directory, own)] if own else local
        rel_dir = directory.relative_to(top).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not _matches(prefix + d, settings.exclude)
            and not (local and _ignored(directory / d, True, local))
            and not (directory / d).is_symlink()
        )
        inherited.update((directory / d, local) for d in dirnames)
        for name in sorted(filenames):
            path = directory / name
            relative = prefix + name
            if not _matches(relative, settings.include) or _matches(relative, settings.exclude):
                continue
            if local and _ignored(path, False, local):
                continue
            if _is_regular_file(path):
                yield path


def discover(paths: list[Path], settings: Settings) -> list[Path]:
    """The files a run over ``paths`` checks."""
    found: dict[Path, None] = {}
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{path}: no such file or directory")
        if path.is_dir() and not path.is_symlink():
            found.update(dict.fromkeys(_walk(path, settings)))
        elif _is_regular_file(path):
            found[path] = None
    return sorted(found, key=lambda p: p.as_posix())


def relative_posix(path: Path, base: Path) -> str:
    """POSIX path relative to ``base`` when below it, else absolute (string work: it is hot)."""
    absolute = os.path.abspath(path)
    prefix = os.path.join(str(base), "")
    if absolute.startswith(prefix):
        absolute = absolute[len(prefix) :]
    return absolute.replace(os.sep, "/")


def display_path(path: Path, cwd: Path) -> str:
    """POSIX path relative to the current directory when below it, else absolute."""
    return relative_posix(path, cwd)
