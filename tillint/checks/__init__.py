"""Rule families. Each module ``tillint/checks/<family>.py`` implements the rules whose YAML
says ``family: <family>``. A family module provides:

``check(doc, ctx) -> Iterable[Finding]``
    the per-document check: pure, no printing, no network, no file access beyond ``doc``.
``summarize(doc, ctx) -> object`` (optional)
    a small picklable summary of the document for cross-file rules.
``check_corpus(summaries, ctx) -> Iterable[Finding]`` (optional)
    the cross-file check, given every document's summary keyed by display path.
``fingerprint_inputs(settings) -> Iterable[Path]`` (optional)
    files outside the documents whose content changes the family's results (a words file, a
    schema): their content is part of the result cache's key.
``CORPUS_CACHEABLE = True`` or ``corpus_cacheable(settings) -> bool`` (optional)
    ``check_corpus`` depends on nothing but the summaries, the options and the paths it
    records with ``ctx.probe``, so its findings may be reused while no document changed and
    every probed path looks the same (not so for checks that use the network).
``prepare(settings) -> None`` (optional)
    load large read-only data (dictionaries, models) in the parent process before worker
    processes fork, so each worker shares it instead of loading it again.

A family module imports its heavy parts (other modules, compiled expressions, data) in the
functions that use them: a run whose results all come from the cache imports every active
family module to ask for the hooks above, and should pay for nothing else.

Checks may emit findings for rules that are not selected; the engine filters them, but
``ctx.enabled(rule_id)`` lets a check skip work nobody asked for.
"""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, wraps
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from tillint.catalog import load_catalog

if TYPE_CHECKING:
    from tillint.config import Settings
    from tillint.document import Document
    from tillint.finding import Finding

# Rules of this family are emitted by the engine itself (internal errors, unreadable files).
ENGINE_FAMILY = "engine"


class FamilyModule(Protocol):
    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]: ...


@dataclass(frozen=True)
class CheckContext:
    """What a check may know besides the document: its options and the run's settings."""

    family: str
    settings: Settings
    # Paths a cross-file check looked at, each with what it saw (see ``probe``).
    probes: list[tuple[str, bool, Any]] = field(default_factory=list, compare=False)

    def probe(self, path: str, *, content: bool = False) -> Any:
        """Record that ``check_corpus`` looked at ``path``: whether it exists and is a directory
        or, with ``content``, its size and modification time too (the check read it). Returns
        that ``path_state``, so the check stats each path once."""
        state = path_state(path, content=content)
        self.probes.append((path, content, state))
        return state

    @property
    def options(self) -> dict[str, Any]:
        return self.settings.family_options(self.family)

    @property
    def today(self) -> date:
        return self.settings.today

    @property
    def offline(self) -> bool:
        return self.settings.offline

    def enabled(self, rule_id: str) -> bool:
        return rule_id in self.settings.selected


T = TypeVar("T")


def per_settings(build: Callable[[Settings], T]) -> Callable[[Settings], T]:
    """``build``, remembered for the settings it was last given: every document of a run asks
    with the same settings, so a family's checked options or word list are made once per run
    (settings hold a dict, so they are compared by identity, not hashed)."""
    last: list[tuple[Settings, T]] = []

    @wraps(build)
    def remembered(settings: Settings) -> T:
        if not last or last[0][0] is not settings:
            last[:] = [(settings, build(settings))]
        return last[0][1]

    return remembered


def path_state(path: str, *, content: bool = False) -> Any:
    """What a probe sees: "missing", "dir", "file" or, with ``content``, (size, mtime_ns)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return "missing"
    if stat.S_ISDIR(info.st_mode):
        return "dir"
    return (info.st_size, info.st_mtime_ns) if content else "file"


def probes_hold(probes: Iterable[tuple[str, bool, Any]]) -> bool:
    """Whether every probed path still looks the way it did."""
    return all(path_state(path, content=content) == seen for path, content, seen in probes)


def corpus_cacheable(module: ModuleType, settings: Settings) -> bool:
    """Whether the family's cross-file findings may be reused (see the module docs)."""
    decide = getattr(module, "corpus_cacheable", None)
    if decide is not None:
        return bool(decide(settings))
    return bool(getattr(module, "CORPUS_CACHEABLE", False))


@cache
def family_module(family: str) -> ModuleType:
    return importlib.import_module(f"tillint.checks.{family}")


def active_families(selected: frozenset[str]) -> list[str]:
    """Families with at least one selected rule, in name order (import only what is needed)."""
    catalog = load_catalog()
    return sorted(
        {catalog[r].family for r in selected if catalog[r].family != ENGINE_FAMILY},
    )


def run_corpus_check(
    family: str, summaries: Mapping[str, Any], ctx: CheckContext
) -> Iterable[Finding]:
    module = family_module(family)
    return module.check_corpus(summaries, ctx)  # type: ignore[no-any-return]
