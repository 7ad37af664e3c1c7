"""Paths as code hosts want them: relative to the repository root, with ``/`` separators.

Findings carry paths relative to the current directory (or absolute when outside it). GitHub
annotations and SARIF results must name files relative to the repository root instead, which in
a workflow is ``GITHUB_WORKSPACE`` and elsewhere is taken to be the current directory.
"""

from __future__ import annotations

import os


def repository_root() -> str:
    """``GITHUB_WORKSPACE`` when set (inside GitHub Actions), else the current directory."""
    return os.path.abspath(os.environ.get("GITHUB_WORKSPACE") or os.getcwd())


def _below(path: str, root: str) -> str | None:
    prefix = os.path.join(root, "")
    return path[len(prefix) :] if path.startswith(prefix) else None


def repository_path(path: str, root: str) -> str:
    """``path`` (relative to the current directory, or absolute) relative to ``root``.

    A path outside the root is returned absolute; symbolic links are resolved only when the
    plain path is not below the root (a workspace reached through a link).
    """
    absolute = os.path.abspath(path)
    relative = _below(absolute, root)
    if relative is None:
        relative = _below(os.path.realpath(absolute), os.path.realpath(root))
    return (relative if relative is not None else absolute).replace(os.sep, "/")
