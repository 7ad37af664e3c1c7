"""The engine: lint every file (in worker processes), run cross-file checks, apply fixes.

Per file: read the bytes once, build the ``Document``, run each active family's ``check`` and
``summarize``. Then, in the main process, each family's ``check_corpus`` sees all summaries.
Findings are filtered (selection, per-file-ignores, inline suppressions), given their
catalogue name and severity, and sorted by path, line, column and rule id, so the output is
the same for any number of workers and any listing order.

Hostile input never stops the run: a file over ``max-file-size`` is not read (``TL003``), a
path discovery refuses to open is reported (``TL005``), a crashing check becomes ``TL001``.
Ctrl-C stops the workers and raises ``RunInterrupted`` with the number of fixes already
written (each file is written atomically, so none is left partial).

Per-file results are cached (``tillint.cache``). So are cross-file findings, keyed by every
document's digest and reused while each path the check probed looks the same (offline link
checks stat their targets again, a few microseconds each); only when a document changed are the
cached summaries unpickled and the cross-file checks run again. With ``--shard K/N`` a run
reports only the files of its shard, but still summarizes every file (from the cache when it
can), so cross-file rules stay correct.
"""

from __future__ import annotations

import fnmatch
import gc
import os
import pickle
import signal
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from tillint.cache import (
    CachedRow,
    ResultCache,
    corpus_key,
    digest,
    documents_digest,
    file_digest,
    packed_summary,
    run_fingerprint,
)
from tillint.catalog import load_catalog
from tillint.checks import (
    CheckContext,
    active_families,
    corpus_cacheable,
    family_module,
    probes_hold,
    run_corpus_check,
)
from tillint.config import Settings
from tillint.discover import PathNames, SkippedPath, display_path, find_files, relative_posix
from tillint.document import Document
from tillint.errors import UsageError
from tillint.finding import Finding, Span
from tillint.limits import FILE_TOO_LARGE, TooLarge, max_file_size, read_capped
from tillint.suppress import Suppressions, parse_suppressions

INTERNAL_ERROR = "TL001"
UNREADABLE_FILE = "TL002"
MAX_FIX_ROUNDS = 10
# Below this many files to lint, a process pool costs more than it saves.
MIN_FILES_FOR_POOL = 48


@dataclass
class FileResult:
    """What linting one file produced, small enough to send back from a worker and to cache.

    ``complete`` is False when only the cross-file summaries were computed (a file outside this
    run's shard).
    """

    path: str
    findings: list[Finding]
    summaries: dict[str, Any] = field(default_factory=dict)
    suppressions: Suppressions = field(default_factory=Suppressions)
    digest: str = ""
    complete: bool = True
    key: str = ""  # the file's key in the result cache, if it has one
    # From the cache, a family's summary is read only when its cross-file check needs it.
    load_summary: Callable[[str], dict[str, Any]] | None = None

    def family_summary(self, family: str) -> Any:
        """The document's summary for ``family``, or ``NO_SUMMARY`` (its ``summarize`` failed,
        a TL001 finding)."""
        if family not in self.summaries and self.load_summary is not None:
            self.summaries.update(self.load_summary(family))
        return self.summaries.get(family, NO_SUMMARY)


NO_SUMMARY = object()


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped the run; ``fixes_applied`` fixes had been written (whole files) by then."""

    def __init__(self, fixes_applied: int) -> None:
        super().__init__(fixes_applied)
        self.fixes_applied = fixes_applied


@dataclass
class RunResult:
    findings: list[Finding]
    files_checked: int
    fixes_applied: int = 0
    problems: list[str] = field(default_factory=list)  # messages for stderr
    paths: tuple[str, ...] = ()  # display paths of the files checked (this shard's)

    @property
    def internal_error(self) -> bool:
        return any(f.rule == INTERNAL_ERROR for f in self.findings)


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``: a stable partition of files by their path."""

    index: int
    count: int

    def owns(self, key: str) -> bool:
        return zlib.crc32(key.encode("utf-8")) % self.count == self.index - 1


@contextmanager
def loading_unwatched() -> Iterator[None]:
    """Load cached results with Python's cyclic garbage collector paused, then keep what was
    loaded out of its sight (``gc.freeze``) until the run ends (``run`` unfreezes).

    A warm run builds a result per file and, when a document changed, unpickles every
    document's summaries: millions of objects in no reference cycle. Pausing alone only delays
    the collector's walk over them (to its next collections, a fifth of a one-changed run on
    18,730 files); frozen, they are never walked. The collector goes on as ever for what is
    made afterwards (documents parsed, cross-file findings), so memory stays as bounded.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _file_finding(path: str, rule: str, message: str) -> Finding:
    return Finding(path=path, span=Span(1, 1, 1, 1), rule=rule, message=message)


def lint_document(doc: Document, settings: Settings, complete: bool = True) -> FileResult:
    """Run every active family over one document. A crashing check becomes a TL001 finding.

    With ``complete=False`` only the summaries for cross-file checks are computed.
    """
    findings: list[Finding] = []
    summaries: dict[str, Any] = {}
    for family in active_families(settings.selected):
        ctx = CheckContext(family, settings)
        module = family_module(family)
        try:
            if complete:
                findings.extend(module.check(doc, ctx))
            if hasattr(module, "summarize"):
                summaries[family] = module.summarize(doc, ctx)
        except UsageError:  # a bad option or schema is the user's to fix: exit 2, once
            raise
        except Exception as exc:  # one rule's bug must not stop the run
            message = f"internal error in the {family} checks: {type(exc).__name__}: {exc}"
            findings.append(_file_finding(doc.display_path, INTERNAL_ERROR, message))
    try:
        suppressions = parse_suppressions(doc) if doc.text and complete else Suppressions()
    except Exception as exc:
        message = f"internal error reading suppression comments: {type(exc).__name__}: {exc}"
        findings.append(_file_finding(doc.display_path, INTERNAL_ERROR, message))
        suppressions = Suppressions()
    return FileResult(
        doc.display_path, findings, summaries, suppressions, digest(doc.raw), complete
    )


def read_document(path: str, cwd: Path, settings: Settings) -> Document | FileResult:
    """The parsed file, or a result holding why it was not read (TL002, TL003)."""
    shown = display_path(path, cwd)
    try:
        raw = read_capped(path, max_file_size(settings))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return FileResult(shown, [_file_finding(shown, UNREADABLE_FILE, f"cannot read: {reason}")])
    if isinstance(raw, TooLarge):
        return FileResult(shown, [_file_finding(shown, FILE_TOO_LARGE, raw.message)])
    return Document(Path(path), shown, raw)


def lint_path(path: str, settings: Settings, cwd: Path, complete: bool = True) -> FileResult:
    doc = read_document(path, cwd, settings)
    return doc if isinstance(doc, FileResult) else lint_document(doc, settings, complete)


_worker_state: tuple[Settings, Path] | None = None


def _init_worker(settings: Settings, cwd: Path) -> None:
    global _worker_state
    _worker_state = (settings, cwd)
    # Ctrl-C reaches the whole process group: the main process alone handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _lint_in_worker(job: tuple[str, bool]) -> FileResult:
    assert _worker_state is not None
    return lint_path(job[0], *_worker_state, complete=job[1])


def lint_jobs(
    jobs: Sequence[tuple[str, bool]], settings: Settings, cwd: Path
) -> Iterator[FileResult]:
    """Lint (path, complete) jobs, in ``settings.jobs`` processes when there are enough.

    Results come in job order as they are ready, so the caller stores them in the cache while
    the workers go on.
    """
    if settings.jobs <= 1 or len(jobs) < MIN_FILES_FOR_POOL:
        return (lint_path(path, settings, cwd, complete) for path, complete in jobs)
    return _lint_in_pool(jobs, settings, cwd)


def _lint_in_pool(
    jobs: Sequence[tuple[str, bool]], settings: Settings, cwd: Path
) -> Iterator[FileResult]:
    import multiprocessing  # only runs with many files pay for importing these
    from concurrent.futures import ProcessPoolExecutor

    for family in active_families(settings.selected):
        module = family_module(family)
        if hasattr(module, "prepare"):  # load shared data once, before the workers fork
            module.prepare(settings)

    chunksize = max(1, min(64, len(jobs) // (settings.jobs * 8)))
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    # What the workers inherit is never collected: the collector would only copy its pages
    # (``run`` unfreezes it at its end, as what ``loading_unwatched`` froze).
    gc.freeze()
    pool = ProcessPoolExecutor(
        settings.jobs, mp_context=context, initializer=_init_worker, initargs=(settings, cwd)
    )
    try:
        yield from pool.map(_lint_in_worker, jobs, chunksize=chunksize)
    except BaseException:
        # On Ctrl-C, drop the queued chunks instead of waiting for the whole run.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def cache_key(path: str | Path, settings: Settings) -> str:
    """A file's cache key: its POSIX path relative to the project root (absolute if outside)."""
    return relative_posix(path, settings.root)


def _cached_result(
    result_cache: ResultCache,
    key: str,
    path: str,
    shown: str,
    complete: bool,
    settings: Settings,
    cwd: Path,
) -> FileResult | None:
    """The cached result of a file if it is still valid: same stat, or else same content."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    row = result_cache.lookup(key, info.st_size, info.st_mtime_ns)
    refresh_stat = row is None
    if row is None:
        row = result_cache.row(key)
        if row is None or row.size != info.st_size or file_digest(path) != row.digest:
            return None
    try:
        result = _from_row(row, shown, complete)
    except Exception:  # a damaged row is a miss, not a failure
        return None
    if result is None or (complete and not result.complete):
        return None
    result.key = key
    result.load_summary = partial(
        _cached_summary, result_cache, key, result.digest, path, settings, cwd
    )
    if refresh_stat:
        result_cache.refresh(key, info.st_size, info.st_mtime_ns)
    if not complete:  # outside this shard: only its summaries count, not its findings
        result = replace(result, complete=False)
    return result


def _cached_summary(
    result_cache: ResultCache,
    key: str,
    content_digest: str,
    path: str,
    settings: Settings,
    cwd: Path,
    family: str,
) -> dict[str, Any]:
    """A cached file's ``{family: summary}``: from the cache, or computed again from the file
    if the cache lost it meanwhile (a concurrent run with other settings replaced the row)."""
    summary = result_cache.summary(key, family, content_digest)
    if summary is not None:
        return summary
    return lint_path(path, settings, cwd, complete=False).summaries


def _from_row(row: CachedRow, shown: str, complete: bool) -> FileResult | None:
    """The result a cache row holds for the file shown as ``shown``, or None if it does not fit."""
    if not row.payload:
        return FileResult(shown, [], digest=row.digest, complete=complete)
    result = pickle.loads(row.payload)
    return result if isinstance(result, FileResult) and result.path == shown else None


def lint_with_cache(
    files: Sequence[str],
    settings: Settings,
    cwd: Path,
    result_cache: ResultCache | None,
    shard: Shard | None,
) -> list[FileResult]:
    """Per-file results for ``files``: from the cache where valid, else linted (and cached)."""
    with loading_unwatched():
        results, jobs, stats = _results_from_cache(files, settings, cwd, result_cache, shard)
    for (path, _), result in zip(jobs, lint_jobs(jobs, settings, cwd), strict=True):
        results[path] = result
        if result_cache is not None and path in stats and result.digest:
            result.key = stats[path][0]
            result_cache.store(*stats[path], result.digest, result)
    return [results[path] for path in files if path in results]


def _results_from_cache(
    files: Sequence[str],
    settings: Settings,
    cwd: Path,
    result_cache: ResultCache | None,
    shard: Shard | None,
) -> tuple[dict[str, FileResult], list[tuple[str, bool]], dict[str, tuple[str, int, int]]]:
    """The cached results still valid, the (path, complete) jobs left to lint, and the stat
    (key, size, mtime_ns) each job's result is to be cached under."""
    needs_summaries = any(
        hasattr(family_module(f), "summarize") for f in active_families(settings.selected)
    )
    names = PathNames(cwd, settings.root)
    results: dict[str, FileResult] = {}
    jobs: list[tuple[str, bool]] = []
    stats: dict[str, tuple[str, int, int]] = {}
    for path in files:
        shown, key = names.of(path)
        complete = shard is None or shard.owns(key)
        if not complete and not needs_summaries:
            continue
        if result_cache is not None:
            cached = _cached_result(result_cache, key, path, shown, complete, settings, cwd)
            if cached is not None:
                results[path] = cached
                continue
            try:
                info = os.stat(path)
                stats[path] = (key, info.st_size, info.st_mtime_ns)
            except OSError:
                pass
        jobs.append((path, complete))
    return results, jobs, stats


def corpus_findings(
    results: list[FileResult], settings: Settings, result_cache: ResultCache | None = None
) -> list[Finding]:
    """Every family's cross-file findings; reused from the cache while every path the check
    probed looks the same and either no document changed or the family's summaries of the
    documents are the same (a change that moved no link leaves the links family's as they were)."""
    findings: list[Finding] = []
    documents = documents_digest([(r.path, f"{r.digest}:{int(r.complete)}") for r in results])
    for family in active_families(settings.selected):
        module = family_module(family)
        if not hasattr(module, "check_corpus"):
            continue
        if result_cache is None or not corpus_cacheable(module, settings):
            findings.extend(_run_corpus_family(family, results, settings)[0])
            continue
        keys = [corpus_key(result_cache.fingerprint, family, documents)]
        cached = _cached_corpus_findings(result_cache, keys[0])
        if cached is None:
            summaries = _summaries_digest(family, results, result_cache)
            keys.append(corpus_key(result_cache.fingerprint, family, summaries))
            cached = _cached_corpus_findings(result_cache, keys[1])
        found, probes = cached or _run_corpus_family(family, results, settings)
        if probes is not None:  # under each key that missed: the next such run hits
            for key in keys if cached is None else keys[:-1]:
                result_cache.store_corpus_result(key, (found, probes))
        findings.extend(found)
    return findings


def _cached_corpus_findings(
    result_cache: ResultCache, key: str
) -> tuple[list[Finding], list[Any]] | None:
    """Cached (findings, probes) whose probed paths still look the same, else None."""
    entry = result_cache.corpus_result(key)
    if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], list)):
        return None
    found, probes = entry
    return (found, probes) if probes_hold(probes) else None


def _summaries_digest(family: str, results: list[FileResult], result_cache: ResultCache) -> str:
    """One digest of a family's summaries of every document, by display path: from the digests
    the cache stored with them (the summaries themselves are not read), or for a document the
    cache holds none of, by packing its summary again."""
    stored = result_cache.summary_digests(family)
    pairs = []
    for result in results:
        known = stored.get(result.key)
        if known is not None and known[0] == result.digest:
            pairs.append((result.path, known[1]))
        elif (summary := result.family_summary(family)) is NO_SUMMARY:
            pairs.append((result.path, "no summary"))
        else:
            pairs.append((result.path, digest(packed_summary(summary))))
    return documents_digest(pairs)


def _run_corpus_family(
    family: str, results: list[FileResult], settings: Settings
) -> tuple[list[Finding], list[Any] | None]:
    """A family's cross-file findings and the paths it probed (None after an internal error:
    such a result is never cached)."""
    with loading_unwatched():  # from the cache, this unpickles every document's summary
        loaded = {r.path: r.family_summary(family) for r in results}
    summaries = {path: summary for path, summary in loaded.items() if summary is not NO_SUMMARY}
    ctx = CheckContext(family, settings)
    try:
        return list(run_corpus_check(family, summaries, ctx)), ctx.probes
    except UsageError:
        raise
    except Exception as exc:
        message = f"internal error in the {family} cross-file checks: {exc!r}"
        return [_file_finding("<corpus>", INTERNAL_ERROR, message)], None


def fingerprint_inputs(settings: Settings) -> list[Path]:
    """Files besides the documents that the active families read (see ``tillint.checks``)."""
    inputs: list[Path] = []
    for family in active_families(settings.selected):
        module = family_module(family)
        if hasattr(module, "fingerprint_inputs"):
            inputs.extend(module.fingerprint_inputs(settings))
    return inputs


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


class Checked(NamedTuple):
    findings: list[Finding]
    digests: dict[str, str]
    files_checked: int


def check_once(
    files: Sequence[str],
    settings: Settings,
    cwd: Path,
    result_cache: ResultCache | None = None,
    shard: Shard | None = None,
    skipped: Sequence[SkippedPath] = (),
) -> Checked:
    results = lint_with_cache(files, settings, cwd, result_cache, shard)
    mine = [r for r in results if r.complete]
    own_paths = {r.path for r in mine}
    findings = [f for r in mine for f in r.findings]
    findings.extend(
        s.finding(display_path(s.path, cwd))
        for s in skipped
        if shard is None or shard.owns(cache_key(s.path, settings))
    )
    findings.extend(
        f
        for f in corpus_findings(results, settings, result_cache)
        if shard is None or f.path in own_paths
    )
    kept = finalize(findings, {r.path: r.suppressions for r in mine}, settings)
    return Checked(kept, {r.path: r.digest for r in mine}, len(mine))


def fix_files(
    files: Sequence[str], checked: Checked, settings: Settings, cwd: Path
) -> tuple[int, list[str]]:
    """Apply the applicable fixes to their files; returns (fixes applied, problems).

    Ctrl-C raises ``RunInterrupted`` with the fixes written so far.
    """
    from tillint.fix import FileChangedError, applicable_fixes, apply_fixes, write_atomically

    by_path: dict[str, list[Finding]] = {}
    for finding in checked.findings:
        by_path.setdefault(finding.path, []).append(finding)
    applied, problems = 0, []
    try:
        for path in files:
            shown = display_path(path, cwd)
            fixes = applicable_fixes(by_path.get(shown, []), settings.unsafe_fixes)
            if not fixes:
                continue
            doc = read_document(path, cwd, settings)
            if isinstance(doc, FileResult) or doc.decode_problem:
                continue
            if digest(doc.raw) != checked.digests.get(shown):
                problems.append(f"{shown}: file changed on disk since it was checked; not fixed")
                continue
            text, count = apply_fixes(doc.text, fixes, doc.newline)
            try:
                write_atomically(doc.path, text, doc.bom, doc.raw)
            except (FileChangedError, OSError) as exc:
                problems.append(str(exc))
                continue
            applied += count
    except KeyboardInterrupt:
        raise RunInterrupted(applied) from None
    return applied, problems


def run(
    paths: list[Path],
    settings: Settings,
    cwd: Path | None = None,
    *,
    use_cache: bool = False,
    shard: Shard | None = None,
) -> RunResult:
    """Check (and with ``settings.fix``, fix) every Markdown file under ``paths``."""
    cwd = cwd or Path.cwd()
    if not use_cache:  # no result cache, and no cache for the families either (link results)
        settings = replace(settings, cache_dir=None)
    found = find_files(paths, settings)
    files = found.files
    result_cache = None
    if settings.cache_dir is not None:
        with loading_unwatched():  # one row per file
            fingerprint = run_fingerprint(settings, fingerprint_inputs(settings))
            result_cache = ResultCache(settings.cache_dir, fingerprint)
    total, problems = 0, []
    try:
        checked = check_once(files, settings, cwd, result_cache, shard, found.skipped)
        for _ in range(MAX_FIX_ROUNDS if settings.fix else 0):
            applied, round_problems = fix_files(files, checked, settings, cwd)
            problems.extend(round_problems)
            if not applied:
                break
            total += applied
            checked = check_once(files, settings, cwd, result_cache, shard, found.skipped)
    except RunInterrupted as exc:
        raise RunInterrupted(total + exc.fixes_applied) from None
    except KeyboardInterrupt:
        raise RunInterrupted(total) from None
    finally:
        if result_cache is not None:
            result_cache.close()
        gc.unfreeze()  # what ``loading_unwatched`` froze is the collector's again
    warnings = result_cache.warnings if result_cache is not None else []
    return RunResult(
        checked.findings,
        checked.files_checked,
        total,
        [*warnings, *problems],
        tuple(sorted(checked.digests)),
    )
