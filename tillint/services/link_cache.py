"""The persistent link cache: what each URL answered, for as long as its class stays true.

One sqlite database (``links.sqlite3`` under the cache directory) in WAL mode with a busy
timeout, so several tillint processes can share it and lose no entries. Lifetimes are per
outcome: ok and redirected answers for a day, broken ones for an hour; unreachable (transient)
and blocked (a matter of configuration) answers are never stored. A database that cannot be
read, or was written by another cache version, is replaced with one warning.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tillint.services.http import BROKEN, OK, REDIRECTED, ProbeResult

CACHE_VERSION = 1
CACHE_FILE = "links.sqlite3"
_log = logging.getLogger("tillint.links")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS links (
    url TEXT PRIMARY KEY,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    status INTEGER,
    final_url TEXT,
    anchors TEXT,
    checked_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class CacheLifetimes:
    """Seconds an answer stays valid, per outcome (0 disables caching that outcome)."""

    ok: float = 86400.0
    broken: float = 3600.0

    def of(self, outcome: str) -> float:
        if outcome in (OK, REDIRECTED):
            return self.ok
        return self.broken if outcome == BROKEN else 0.0


class LinkCache:
    """URL answers kept between runs; ``get`` honours lifetimes, ``put`` stores in one go."""

    def __init__(self, directory: Path, lifetimes: CacheLifetimes) -> None:
        self.path = directory / CACHE_FILE
        self.lifetimes = lifetimes
        directory.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            _log.warning("link cache %s is unusable (%s); starting a new one", self.path, exc)
            self._discard()
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is None:
                db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('version', ?)", (str(CACHE_VERSION),)
                )
            elif row[0] != str(CACHE_VERSION):
                raise sqlite3.DatabaseError(f"cache version {row[0]}, expected {CACHE_VERSION}")
            db.execute("SELECT count(*) FROM links").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _discard(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        self._db.close()

    def get(self, url: str, want_anchors: bool) -> ProbeResult | None:
        """A still-valid answer for ``url`` (with the page's anchors when they are wanted)."""
        try:
            row = self._db.execute(
                "SELECT outcome, detail, status, final_url, anchors, checked_at FROM links "
                "WHERE url = ?",
                (url,),
            ).fetchone()
            return self._valid(url, row, want_anchors) if row is not None else None
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            return None  # an unreadable entry is a miss; the next put replaces it

    def _valid(self, url: str, row: tuple[Any, ...], want_anchors: bool) -> ProbeResult | None:
        outcome, detail, status, final_url, anchors, checked_at = row
        if time.time() - checked_at > self.lifetimes.of(outcome):
            return None
        if want_anchors and anchors is None and outcome in (OK, REDIRECTED):
            return None
        page = json.loads(anchors) if anchors is not None else None
        found = frozenset(page["ids"]) if page is not None else None
        complete = bool(page["complete"]) if page is not None else True
        return ProbeResult(url, outcome, detail, status, final_url, found, False, complete)

    def put(self, results: Iterable[ProbeResult]) -> None:
        """Store the answers whose outcome has a lifetime, in one transaction."""
        rows = [
            (
                r.url,
                r.outcome,
                r.detail,
                r.status,
                r.final_url,
                _anchors_json(r),
                time.time(),
            )
            for r in results
            if self.lifetimes.of(r.outcome) > 0 and not r.no_answer
        ]
        if not rows:
            return
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    "INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?, ?, ?, ?)", rows
                )
        except sqlite3.Error as exc:
            _log.warning("could not write the link cache %s: %s", self.path, exc)


def _anchors_json(result: ProbeResult) -> str | None:
    if result.anchors is None:
        return None
    return json.dumps({"ids": sorted(result.anchors), "complete": result.anchors_complete})
