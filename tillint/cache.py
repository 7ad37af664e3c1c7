"""A persistent result cache: one row per file, keyed by its path relative to the project root.

A row is reused when the file's size and ``mtime_ns`` match (no read at all), or else when its
content digest matches (after a checkout or a cache restore on another machine), and only if
the run's fingerprint matches: tillint's code and rule catalogue, the selected rules, their
options, ``--offline`` and today's date. Keys and fingerprints hold no absolute path, so the
cache directory can be restored by ``actions/cache`` on another machine or shard.

Storage is SQLite in WAL mode with a busy timeout, so concurrent runs sharing one cache lose no
entries. A corrupt, truncated or wrong-version cache is discarded with one warning.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from tillint import __version__
from tillint.catalog import rules_dir
from tillint.hashing import blake2b

if TYPE_CHECKING:
    from tillint.config import Settings

SCHEMA_VERSION = "3"
CACHE_FILE = "results.sqlite"
BUSY_TIMEOUT_SECONDS = 30.0
MAX_CORPUS_ROWS = 64
# Stored results are written this many at a time, while the workers go on: written all at
# the end, they were a serial half second on 18,730 files.
WRITE_BATCH = 512


def digest(raw: bytes) -> str:
    """The content digest a cache row is validated with."""
    return blake2b(raw, digest_size=16).hexdigest()


@cache
def code_fingerprint() -> str:
    """A digest of tillint's own source and rule files: a new build invalidates the cache.

    It digests their contents, so it is the same in every checkout of the same code (caches
    move between CI machines).
    """
    h = blake2b(__version__.encode(), digest_size=16)
    for path in _code_files():
        h.update(os.path.basename(path).encode())
        with open(path, "rb") as handle:
            h.update(handle.read())
    return h.hexdigest()


def _code_files() -> list[str]:
    """tillint's modules and rule files, in a stable order (``os.walk``: a warm run lists
    them, and ``Path.rglob`` takes longer than reading them)."""
    package = os.path.dirname(os.path.abspath(__file__))
    found = [
        os.path.join(top, name)
        for top, _, names in os.walk(package)
        for name in names
        if name.endswith(".py")
    ]
    rules = os.fspath(rules_dir())
    found.extend(os.path.join(rules, name) for name in os.listdir(rules) if name.endswith(".yaml"))
    return sorted(found)


def file_digest(path: str | Path) -> str | None:
    """The ``digest`` of a file's content, or None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return digest(handle.read())
    except OSError:
        return None


def run_fingerprint(settings: Settings, inputs: list[Path]) -> str:
    """What, besides a file's bytes, decides its per-file results.

    ``inputs`` are files the rule families read besides the documents (a words file, a schema);
    their contents, not their paths, are part of the fingerprint.
    """
    relevant = {
        "inputs": sorted(file_digest(path) or "unreadable" for path in inputs),
        "code": code_fingerprint(),
        "selected": sorted(settings.selected),
        "options": settings.options,
        "offline": settings.offline,
        "today": settings.today.isoformat(),
    }
    text = json.dumps(relevant, sort_keys=True, default=str)
    return blake2b(text.encode(), digest_size=16).hexdigest()


def packed_summary(summary: Any) -> bytes:
    """A family's summary of one document as the cache stores it."""
    return pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL)


def documents_digest(documents: list[tuple[str, str]]) -> str:
    """One digest of every (path, digest) of a run, part of each ``corpus_key``: the digests
    of the documents' contents, or of one family's summaries of them (``digest`` of each
    ``packed_summary``)."""
    h = blake2b(digest_size=16)
    for path, file_digest in sorted(documents):
        h.update(f"\0{path}\0{file_digest}".encode())
    return h.hexdigest()


def corpus_key(fingerprint: str, family: str, documents: str) -> str:
    """The key of a family's cross-file findings, given the run's ``documents_digest``."""
    return blake2b(f"{fingerprint}\0{family}\0{documents}".encode(), digest_size=16).hexdigest()


class CachedRow(NamedTuple):
    """A file's cached findings: ``payload`` is the pickled ``engine.FileResult`` without its
    summaries, or empty for a result with no findings and no suppression comment (most files'
    result, rebuilt without unpickling). The file's cross-file summaries are stored apart, one
    row per family, and read only when that family's cross-file check runs again (see
    ``ResultCache.summary``). (A named tuple: a warm run builds one per file.)"""

    size: int
    mtime_ns: int
    digest: str
    payload: bytes


class PendingSummary(NamedTuple):
    """A family's summary of a file, stored this run: its fields are the ``summaries`` table's
    columns but the fingerprint."""

    family: str
    key: str
    digest: str
    summary_digest: str
    summary: bytes


class ResultCache:
    """Cached per-file results of one fingerprint, loaded in one query, written in batches
    (``WRITE_BATCH``) as they are stored, the last at ``close``."""

    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        self.warnings: list[str] = []
        self._rows: dict[str, CachedRow] = {}
        self._summaries: dict[str, dict[str, tuple[str, bytes]]] = {}  # by family, read on use
        self._pending: list[tuple[str, int, int, str, bytes]] = []
        self._pending_summaries: list[PendingSummary] = []  # the files stored this run
        self._refreshed: list[tuple[int, int, str]] = []
        self._connection = self._open()

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            gitignore = self.directory / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Created by tillint.\n*\n", encoding="utf-8")
            return self._connect()
        except (OSError, sqlite3.Error) as exc:
            self.warnings.append(f"result cache disabled: {exc}")
            return None

    def _connect(self) -> sqlite3.Connection | None:
        path = self.directory / CACHE_FILE
        for attempt in range(2):
            try:
                connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
                # Nothing is synced to disk: each sync costs 5-20 ms, several times what a
                # run over one file does, and the cache only holds what can be computed again.
                # If the machine crashes mid-write, the next run finds the database damaged,
                # discards it and starts a new one (a row is also checked against the file).
                connection.execute("PRAGMA synchronous=OFF")
                connection.execute("PRAGMA journal_mode=WAL")
                self._ensure_schema(connection)
                self._rows = self._read_rows(connection)
                return connection
            except sqlite3.DatabaseError as exc:
                if attempt:
                    raise
                self.warnings.append(f"discarded a corrupt result cache ({exc})")
                _remove_database(path)
        return None

    def _ensure_schema(self, connection: sqlite3.Connection) -> None:
        """Create the tables, or replace those of another schema. A current cache is only
        read: a run that finds every result cached writes nothing."""
        if _schema_of(connection) == SCHEMA_VERSION:
            return
        with connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)"
            )
            row = connection.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is not None and row[0] != SCHEMA_VERSION:
                self.warnings.append("discarded a result cache written by another tillint version")
                connection.execute("DROP TABLE IF EXISTS results")
                connection.execute("DROP TABLE IF EXISTS corpus")
                connection.execute("DROP TABLE IF EXISTS summaries")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, size INTEGER, "
                "mtime_ns INTEGER, digest TEXT, fingerprint TEXT, payload BLOB)"
            )
            connection.execute(
                "CREATE TABLE IF NOT EXISTS summaries (family TEXT, key TEXT, fingerprint TEXT, "
                "digest TEXT, summary_digest TEXT, summary BLOB, PRIMARY KEY (family, key))"
            )
            # The summary digests of a family are read without reading its summaries.
            connection.execute(
                "CREATE INDEX IF NOT EXISTS summary_digests ON summaries "
                "(family, fingerprint, key, digest, summary_digest)"
            )
            connection.execute(
                "CREATE TABLE IF NOT EXISTS corpus (key TEXT PRIMARY KEY, payload BLOB)"
            )
            connection.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,)
            )

    def _read_rows(self, connection: sqlite3.Connection) -> dict[str, CachedRow]:
        query = "SELECT key, size, mtime_ns, digest, payload FROM results WHERE fingerprint = ?"
        return {
            key: CachedRow(size, mtime_ns, file_digest, payload)
            for key, size, mtime_ns, file_digest, payload in connection.execute(
                query, (self.fingerprint,)
            )
        }

    def summary(self, key: str, family: str, file_digest: str) -> dict[str, Any] | None:
        """``{family: summary}`` cached for a file's content ``file_digest``, or None when the
        cache does not hold it (another run replaced the row meanwhile). A family's summaries
        are read in one query, when the first is asked for."""
        stored = self._summaries.get(family)
        if stored is None:
            stored = self._summaries[family] = self._read_summaries(family)
        found = stored.get(key)
        if found is None or found[0] != file_digest:
            return None
        try:
            return {family: pickle.loads(found[1])}
        except Exception:  # a damaged row is a miss
            return None

    def _read_summaries(self, family: str) -> dict[str, tuple[str, bytes]]:
        """Every file's digest and packed summary for one family (most of the cache's bytes)."""
        return self._summary_column(family, "summary")

    def summary_digests(self, family: str) -> dict[str, tuple[str, str]]:
        """(digest, summary digest) of each file summarized for one family, by key: what
        decides that family's cross-file findings, read without reading the summaries."""
        return self._summary_column(family, "summary_digest")

    def _summary_column(
        self, family: str, column: Literal["summary", "summary_digest"]
    ) -> dict[str, Any]:
        """(digest, ``column``) of each file summarized for ``family``, by key: the stored rows,
        then those stored this run and not yet written."""
        query = f"SELECT key, digest, {column} FROM summaries WHERE family = ? AND fingerprint = ?"
        rows = self._query(query, (family, self.fingerprint))
        found = {key: (file_digest, value) for key, file_digest, value in rows}
        for pending in self._pending_summaries:
            if pending.family == family:
                found[pending.key] = (pending.digest, getattr(pending, column))
        return found

    def _query(self, query: str, parameters: tuple[str, ...]) -> list[Any]:
        if self._connection is None:
            return []
        try:
            return self._connection.execute(query, parameters).fetchall()
        except sqlite3.Error as exc:
            self.warnings.append(f"could not read the result cache: {exc}")
            return []

    def lookup(self, key: str, size: int, mtime_ns: int) -> CachedRow | None:
        """The row for a file whose stat matches, or None (the caller may compare digests)."""
        row = self._rows.get(key)
        if row is not None and row.size == size and row.mtime_ns == mtime_ns:
            return row
        return None

    def row(self, key: str) -> CachedRow | None:
        return self._rows.get(key)

    def refresh(self, key: str, size: int, mtime_ns: int) -> None:
        """Record a file's new stat after its content was found unchanged (a checkout)."""
        self._refreshed.append((size, mtime_ns, key))

    def store(self, key: str, size: int, mtime_ns: int, file_digest: str, result: Any) -> None:
        """Queue a file's result (an ``engine.FileResult`` just computed); a full batch is
        written at once."""
        for family, summary in result.summaries.items():
            packed = packed_summary(summary)
            self._pending_summaries.append(
                PendingSummary(family, key, file_digest, digest(packed), packed)
            )
            if family in self._summaries:  # read before (a fix round lints files again)
                self._summaries[family][key] = (file_digest, packed)
        payload = b""
        if result.findings or result.suppressions.directives or not result.complete:
            findings = replace(result, summaries={}, load_summary=None)
            payload = pickle.dumps(findings, protocol=pickle.HIGHEST_PROTOCOL)
        self._pending.append((key, size, mtime_ns, file_digest, payload))
        if len(self._pending) >= WRITE_BATCH:
            self.flush()

    def corpus_result(self, key: str) -> Any:
        """Cached cross-file findings for a key (see ``corpus_key``), or None."""
        if self._connection is None:
            return None
        try:
            row = self._connection.execute(
                "SELECT payload FROM corpus WHERE key = ?", (key,)
            ).fetchone()
            return pickle.loads(row[0]) if row else None
        except Exception:  # a damaged row is a miss
            return None

    def store_corpus_result(self, key: str, result: Any) -> None:
        if self._connection is None:
            return
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            with self._connection:
                self._connection.execute(
                    "INSERT OR REPLACE INTO corpus VALUES (?, ?)", (key, payload)
                )
                self._connection.execute(  # keep the newest few (shards share a cache)
                    "DELETE FROM corpus WHERE rowid NOT IN "
                    f"(SELECT rowid FROM corpus ORDER BY rowid DESC LIMIT {MAX_CORPUS_ROWS})"
                )
        except sqlite3.Error as exc:
            self.warnings.append(f"could not write the result cache: {exc}")

    def flush(self) -> None:
        """Write the rows stored since the last flush in one transaction; a failure only costs
        the cache."""
        if self._connection is None or not (self._pending or self._refreshed):
            return
        try:
            with self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)",
                    [(k, s, m, d, self.fingerprint, p) for k, s, m, d, p in self._pending],
                )
                self._connection.executemany(
                    "INSERT OR REPLACE INTO summaries VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (p.family, p.key, self.fingerprint, p.digest, p.summary_digest, p.summary)
                        for p in self._pending_summaries
                    ],
                )
                self._connection.executemany(
                    "UPDATE results SET size = ?, mtime_ns = ? WHERE key = ? AND fingerprint = ?",
                    [(*refreshed, self.fingerprint) for refreshed in self._refreshed],
                )
        except sqlite3.Error as exc:
            self.warnings.append(f"could not write the result cache: {exc}")
        self._pending.clear()
        self._pending_summaries.clear()
        self._refreshed.clear()

    def close(self) -> None:
        self.flush()
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _schema_of(connection: sqlite3.Connection) -> str | None:
    """The schema version a cache database records, None for a new one."""
    try:
        row = connection.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
    except sqlite3.OperationalError:  # no meta table yet
        return None
    return None if row is None else str(row[0])


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
