"""The engine: lint every file (in worker processes), run cross-file checks, apply fixes.

Per file: read the bytes once, build the ``Document``, run each active family's ``check`` and
``summarize``. Then, in the main process, each family's ``check_corpus`` sees all summaries.
Findings are filtered (selection, per-file-ignores, inline suppressions), given their
catalogue name and severity, and sorted by path, line, column and rule id, so the output is
the same for any number of workers and any listing order.
"""

from __future__ import annotations

import fnmatch
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tillint.catalog import load_catalog
from tillint.checks import (
    CheckContext,
    active_families,
    corpus_summaries_needed,
    family_module,
    run_corpus_check,
)
from tillint.config import Settings
from tillint.discover import discover, display_path
from tillint.document import Document
from tillint.finding import Finding, Span
from tillint.fix import FileChangedError, applicable_fixes, apply_fixes, write_atomically
from tillint.suppress import Suppressions, parse_suppressions

INTERNAL_ERROR = "TL001"
UNREADABLE_FILE = "TL002"
MAX_FIX_ROUNDS = 10
# Below this many files a process pool costs more than it saves.
MIN_FILES_FOR_POOL = 64


@dataclass
class FileResult:
    """What linting one file produced, small enough to send back from a worker."""

    path: str
    findings: list[Finding]
    summaries: dict[str, Any] = field(default_factory=dict)
    suppressions: Suppressions = field(default_factory=Suppressions)


@dataclass
class RunResult:
    findings: list[Finding]
    files_checked: int
    fixes_applied: int = 0
    problems: list[str] = field(default_factory=list)  # messages for stderr (e.g. not written)

    @property
    def internal_error(self) -> bool:
        return any(f.rule == INTERNAL_ERROR for f in self.findings)


def _file_finding(path: str, rule: str, message: str) -> Finding:
    return Finding(path=path, span=Span(1, 1, 1, 1), rule=rule, message=message)


def lint_document(doc: Document, settings: Settings) -> FileResult:
    """Run every active family over one document. A crashing check becomes a TL001 finding."""
    findings: list[Finding] = []
    summaries: dict[str, Any] = {}
    for family in active_families(settings.selected):
        ctx = CheckContext(family, settings)
        module = family_module(family)
        try:
            findings.extend(module.check(doc, ctx))
            if hasattr(module, "summarize"):
                summaries[family] = module.summarize(doc, ctx)
        except Exception as exc:  # one rule's bug must not stop the run
            message = f"internal error in the {family} checks: {type(exc).__name__}: {exc}"
            findings.append(_file_finding(doc.display_path, INTERNAL_ERROR, message))
    suppressions = parse_suppressions(doc) if doc.text else Suppressions()
    return FileResult(doc.display_path, findings, summaries, suppressions)


def read_document(path: Path, cwd: Path) -> Document | FileResult:
    shown = display_path(path, cwd)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return FileResult(shown, [_file_finding(shown, UNREADABLE_FILE, f"cannot read: {reason}")])
    return Document(path, shown, raw)


def lint_path(path: Path, settings: Settings, cwd: Path) -> FileResult:
    doc = read_document(path, cwd)
    return doc if isinstance(doc, FileResult) else lint_document(doc, settings)


_worker_settings: tuple[Settings, Path] | None = None


def _init_worker(settings: Settings, cwd: Path) -> None:
    global _worker_settings
    _worker_settings = (settings, cwd)


def _lint_in_worker(path: Path) -> FileResult:
    assert _worker_settings is not None
    return lint_path(path, *_worker_settings)


def lint_files(files: Sequence[Path], settings: Settings, cwd: Path) -> list[FileResult]:
    """Lint files, in ``settings.jobs`` processes when there are enough files to pay for it."""
    if settings.jobs <= 1 or len(files) < MIN_FILES_FOR_POOL:
        return [lint_path(path, settings, cwd) for path in files]
    chunksize = max(1, len(files) // (settings.jobs * 8))
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(
        settings.jobs, mp_context=context, initializer=_init_worker, initargs=(settings, cwd)
    ) as pool:
        return list(pool.map(_lint_in_worker, files, chunksize=chunksize))


def corpus_findings(results: list[FileResult], settings: Settings) -> list[Finding]:
    findings: list[Finding] = []
    for family in corpus_summaries_needed(active_families(settings.selected)):
        summaries = {r.path: r.summaries[family] for r in results if family in r.summaries}
        ctx = CheckContext(family, settings)
        try:
            findings.extend(run_corpus_check(family, summaries, ctx))
        except Exception as exc:
            message = f"internal error in the {family} cross-file checks: {exc!r}"
            findings.append(_file_finding("<corpus>", INTERNAL_ERROR, message))
    return findings


def _ignored_by_path(finding: Finding, settings: Settings) -> bool:
    return any(
        finding.rule in rules and fnmatch.fnmatch(finding.path, glob)
        for glob, rules in settings.per_file_ignores
    )


def finalize(
    findings: Iterable[Finding], suppressions: dict[str, Suppressions], settings: Settings
) -> list[Finding]:
    """Filter, name and sort findings. Internal errors are never filtered away."""
    catalog = load_catalog()
    kept = []
    for finding in findings:
        if finding.rule != INTERNAL_ERROR and (
            finding.rule not in settings.selected
            or _ignored_by_path(finding, settings)
            or suppressions.get(finding.path, Suppressions()).suppresses(finding)
        ):
            continue
        severity = settings.severities.get(finding.rule) or finding.severity
        rule = catalog[finding.rule]
        kept.append(replace(finding, name=rule.name, severity=severity or rule.severity))
    return sorted(kept, key=lambda f: f.sort_key)


def check_once(files: Sequence[Path], settings: Settings, cwd: Path) -> list[Finding]:
    results = lint_files(files, settings, cwd)
    findings = [f for r in results for f in r.findings]
    findings.extend(corpus_findings(results, settings))
    return finalize(findings, {r.path: r.suppressions for r in results}, settings)


def fix_files(
    files: Sequence[Path], findings: list[Finding], settings: Settings, cwd: Path
) -> tuple[int, list[str]]:
    """Apply the applicable fixes of ``findings`` to their files; returns (applied, problems)."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    applied, problems = 0, []
    for path in files:
        fixes = applicable_fixes(by_path.get(display_path(path, cwd), []), settings.unsafe_fixes)
        if not fixes:
            continue
        doc = read_document(path, cwd)
        if isinstance(doc, FileResult) or doc.decode_problem:
            continue
        text, count = apply_fixes(doc.text, fixes)
        try:
            write_atomically(path, text, doc.bom, doc.raw)
        except (FileChangedError, OSError) as exc:
            problems.append(str(exc))
            continue
        applied += count
    return applied, problems


def run(paths: list[Path], settings: Settings, cwd: Path | None = None) -> RunResult:
    """Check (and with ``settings.fix``, fix) every Markdown file under ``paths``."""
    cwd = cwd or Path.cwd()
    files = discover(paths, settings)
    findings = check_once(files, settings, cwd)
    if not settings.fix:
        return RunResult(findings, len(files))
    total, problems = 0, []
    for _ in range(MAX_FIX_ROUNDS):
        applied, round_problems = fix_files(files, findings, settings, cwd)
        problems.extend(round_problems)
        if not applied:
            break
        total += applied
        findings = check_once(files, settings, cwd)
    return RunResult(findings, len(files), total, problems)
