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
from typing import TYPE_CHECKING, Any, NamedTuple

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


class SkippedPath(NamedTuple):
    """A path that matched but is not read, and why."""

    path: Path
    reason: str

    def finding(self, shown: str) -> Finding:
        """The ``TL005`` finding for this path, displayed as ``shown``."""
        return Finding(shown, Span(1, 1, 1, 1), SKIPPED_PATH, f"not checked: {self.reason}")


@dataclass
class Discovery:
    """The files a run checks and the matching paths it refuses to read, both sorted."""

    files: list[str] = field(default_factory=list)  # normalized, as the OS spells paths
    skipped: list[SkippedPath] = field(default_factory=list)


@cache
def _glob_regex(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled regex for a set of globs (a walk tests thousands of names against it)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


def _matches(relative: str, patterns: tuple[str, ...], name: str | None = None) -> bool:
    """Whether a glob matches the file name or the path relative to the walked directory."""
    regex = _glob_regex(patterns)
    if regex is None:
        return False
    if name is None:
        name = relative.rsplit("/", 1)[-1]
    return regex.match(name) is not None or regex.match(relative) is not None


class _IgnoreFile(NamedTuple):
    """A ``.gitignore`` and how to name a walked path relative to its directory: the walk
    names paths relative to the walked directory, so ``lead`` is prepended (for a file above
    it) or the first ``strip`` characters are cut (for a file below it)."""

    spec: pathspec.PathSpec[Any]
    lead: str = ""
    strip: int = 0

    def ignores(self, relative: str, is_dir: bool) -> bool:
        name = self.lead + relative[self.strip :] + ("/" if is_dir else "")
        return bool(self.spec.match_file(name))


def _gitignore(path: str) -> pathspec.PathSpec[Any] | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    import pathspec  # imported only when a .gitignore exists: it costs a tenth of a second

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _enclosing_gitignores(directory: Path) -> list[_IgnoreFile]:
    """The .gitignore files from the enclosing git work tree's root down to above
    ``directory`` (the walk reads the directory's own)."""
    directory = Path(os.path.abspath(directory))
    chain = [directory, *directory.parents]
    root = next((d for d in chain if (d / ".git").exists()), None)
    if root is None:
        return []
    found = []
    for ancestor in reversed(chain[1 : chain.index(root) + 1]):
        spec = _gitignore(os.path.join(ancestor, ".gitignore"))
        if spec is not None:
            found.append(_IgnoreFile(spec, lead=directory.relative_to(ancestor).as_posix() + "/"))
    return found


def _ignored(relative: str, is_dir: bool, ignores: list[_IgnoreFile]) -> bool:
    return any(ignore.ignores(relative, is_dir) for ignore in ignores)


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(os.path.join(root, "")) for root in roots)


def _link_refusal(path: str | Path, roots: tuple[str, ...]) -> str | None:
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


def _entry_refusal(entry: os.DirEntry[str], roots: tuple[str, ...]) -> str | None:
    """``_refusal`` for a directory entry: a regular file costs no system call at all."""
    if entry.is_file(follow_symlinks=False):
        return None
    if entry.is_symlink():
        return _link_refusal(entry.path, roots)
    try:
        return _kind_refusal(entry.stat(follow_symlinks=False).st_mode)
    except OSError as exc:
        return f"cannot inspect: {exc.strerror or type(exc).__name__}"


def _is_directory(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a directory or a link to one (a link loop is neither)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _entries(directory: str) -> list[os.DirEntry[str]]:
    """A directory's entries; one that cannot be listed is passed over, as ``os.walk`` does."""
    try:
        with os.scandir(directory) as listing:
            return list(listing)
    except OSError:
        return []


def _walk(top: Path, settings: Settings, found: Discovery) -> None:
    """Add the matching files below ``top``. Paths are named relative to ``top`` as strings
    (``sub/note.md``) and matched against the globs and the .gitignore files that apply."""
    roots = _roots(settings, top)
    base = os.fspath(top)
    gitignores = settings.respect_gitignore
    # Directories still to list: (prefix relative to top, the .gitignore files above it).
    pending = [("", _enclosing_gitignores(top) if gitignores else [])]
    while pending:
        prefix, ignores = pending.pop()
        entries = _entries(os.path.join(base, prefix))
        if gitignores and any(entry.name == ".gitignore" for entry in entries):
            own = _gitignore(os.path.join(base, prefix, ".gitignore"))
            ignores = [*ignores, _IgnoreFile(own, strip=len(prefix))] if own else ignores
        for entry in entries:
            name = entry.name
            relative = prefix + name
            if _is_directory(entry):
                if not (
                    entry.is_symlink()
                    or _matches(relative, settings.exclude, name)
                    or (ignores and _ignored(relative, True, ignores))
                ):
                    pending.append((relative + "/", ignores))
            elif (
                _matches(relative, settings.include, name)
                and not _matches(relative, settings.exclude, name)
                and not (ignores and _ignored(relative, False, ignores))
            ):
                _add_refused(entry.path, _entry_refusal(entry, roots), found)


def _roots(settings: Settings, directory: Path) -> tuple[str, ...]:
    """Where a symbolic link may point: the project root or the directory being checked."""
    return (os.path.realpath(settings.root), os.path.realpath(directory))


def _add_refused(path: str | Path, reason: str | None, found: Discovery) -> None:
    if reason is None:
        found.files.append(os.path.normpath(path))
    else:
        found.skipped.append(SkippedPath(Path(path), reason))


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
            _add_refused(path, _refusal(path, roots), found)
    found.files = sorted(set(found.files), key=lambda p: p.replace(os.sep, "/"))
    unique = {skipped.path: skipped for skipped in found.skipped}
    found.skipped = sorted(unique.values(), key=lambda s: s.path.as_posix())
    return found


def relative_posix(path: str | Path, base: Path) -> str:
    """POSIX path relative to ``base`` when below it, else absolute."""
    return _below(os.path.abspath(path), os.path.join(base, ""))


def display_path(path: str | Path, cwd: Path) -> str:
    """POSIX path relative to the current directory when below it, else absolute."""
    return relative_posix(path, cwd)


def _below(absolute: str, prefix: str) -> str:
    if absolute.startswith(prefix):
        absolute = absolute[len(prefix) :]
    return absolute if os.sep == "/" else absolute.replace(os.sep, "/")


class PathNames:
    """``display_path`` and ``relative_posix`` to the project root for many paths: a warm run
    names every file, so the current directory is read once (``abspath`` reads it per call)."""

    def __init__(self, cwd: Path, root: Path) -> None:
        self._here = os.path.join(os.getcwd(), "")
        self._cwd = os.path.join(cwd, "")
        self._root = os.path.join(root, "")

    def of(self, path: str) -> tuple[str, str]:
        """The path as displayed and as keyed in the cache."""
        if os.path.isabs(path):
            absolute = path
        elif path.startswith(os.pardir):
            absolute = os.path.normpath(self._here + path)
        else:  # discovery returns normalized paths: only a leading ".." needs resolving
            absolute = self._here + path
        return _below(absolute, self._cwd), _below(absolute, self._root)
