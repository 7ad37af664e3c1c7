"""Find the Markdown files to check: include/exclude globs, ``.gitignore``, no symlinked dirs.

Files named on the command line are checked whatever their name; directories are walked
without following directory symlinks. Only regular files are returned, each once, in sorted
order. A matching path that must not be read is returned as a ``SkippedPath`` instead (reported
as ``TL005 skipped-path``) and never opened: a FIFO, socket or device; a broken symbolic link or
a link loop; a symbolic link whose target lies outside both the project root and the directory
being walked (for a file named on the command line: its own directory), so a link such as
``note.md -> /etc/passwd`` in an untrusted pull request is never read.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tillint.config import Settings
from tillint.errors import UsageError
from tillint.finding import Finding, Span, printable

if TYPE_CHECKING:
    import pathspec

SKIPPED_PATH = "TL005"
_FILE_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


@dataclass(frozen=True)
class SkippedPath:
    """A path that matched but is not read, and why."""

    path: Path
    reason: str

    def finding(self, shown: str) -> Finding:
        """The ``TL005`` finding for this path, displayed as ``shown``."""
        return Finding(shown, Span(1, 1, 1, 1), SKIPPED_PATH, f"not checked: {self.reason}")


@dataclass
class Discovery:
    """The files a run checks and the matching paths it refuses to read, both sorted."""

    files: list[Path] = field(default_factory=list)
    skipped: list[SkippedPath] = field(default_factory=list)


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
    import pathspec  # imported only when a .gitignore exists: it costs a tenth of a second

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


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(os.path.join(root, "")) for root in roots)


def _link_refusal(path: Path, roots: tuple[str, ...]) -> str | None:
    """Why a symbolic link must not be followed, or None when its target is a file inside."""
    target = printable(os.readlink(path))
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"symbolic link loop (via {target})"
        return f"broken symbolic link to {target}"
    if not _inside(os.path.realpath(path), roots):
        return f"symbolic link to {target}, outside the checked directory and the project root"
    return _kind_refusal(info.st_mode)


def _kind_refusal(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "an unknown kind of file")
    return f"{kind}, not a regular file"


def _refusal(path: Path, roots: tuple[str, ...]) -> str | None:
    """Why ``path`` must not be read, or None for a regular file that is safe to open.

    A plain file costs one ``lstat``; only symbolic links are resolved.
    """
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            return _link_refusal(path, roots)
    except OSError as exc:
        return f"cannot inspect: {exc.strerror or type(exc).__name__}"
    return _kind_refusal(mode)


def _walk(top: Path, settings: Settings, found: Discovery) -> None:
    roots = _roots(settings, top)
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
            _add(path, roots, found)


def _roots(settings: Settings, directory: Path) -> tuple[str, ...]:
    """Where a symbolic link may point: the project root or the directory being checked."""
    return (os.path.realpath(settings.root), os.path.realpath(directory))


def _add(path: Path, roots: tuple[str, ...], found: Discovery) -> None:
    reason = _refusal(path, roots)
    if reason is None:
        found.files.append(path)
    else:
        found.skipped.append(SkippedPath(path, reason))


def find_files(paths: list[Path], settings: Settings) -> Discovery:
    """The files a run over ``paths`` checks, and the matching paths it will not read."""
    found = Discovery()
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{path}: no such file or directory")
        roots = _roots(settings, path.absolute().parent)
        if path.is_dir() and (not path.is_symlink() or _inside(os.path.realpath(path), roots)):
            _walk(path, settings, found)
        else:
            _add(path, roots, found)
    found.files = sorted(dict.fromkeys(found.files), key=lambda p: p.as_posix())
    unique = {skipped.path: skipped for skipped in found.skipped}
    found.skipped = sorted(unique.values(), key=lambda s: s.path.as_posix())
    return found


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
