"""The persistent link cache: lifetimes per outcome, bad files replaced, shared by processes."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest

from tillint.services.http import ProbeResult
from tillint.services.link_cache import CACHE_FILE, CacheLifetimes, LinkCache


def _result(url: str, outcome: str = "ok", **extra: object) -> ProbeResult:
    return ProbeResult(url, outcome, "200 OK after HEAD", 200, **extra)  # type: ignore[arg-type]


def test_lifetimes_per_outcome(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path, CacheLifetimes(ok=60, broken=0))
    cache.put(
        [
            _result("https://a/"),
            ProbeResult("https://b/", "broken", "404 Not Found after HEAD", 404),
            ProbeResult("https://c/", "unreachable", "503 after HEAD", 503),
            ProbeResult("https://d/", "blocked", "private address"),
        ]
    )
    assert cache.get("https://a/", want_anchors=False) == _result("https://a/")
    assert cache.get("https://b/", want_anchors=False) is None  # lifetime 0: never stored
    assert cache.get("https://c/", want_anchors=False) is None  # transient: never stored
    assert cache.get("https://d/", want_anchors=False) is None  # depends on configuration
    # An answer without the page's anchors does not answer a fragment check.
    assert cache.get("https://a/", want_anchors=True) is None
    cache.close()


def test_anchors_survive_the_round_trip(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path, CacheLifetimes())
    stored = _result("https://a/", anchors=frozenset({"x", "y"}), anchors_complete=False)
    cache.put([stored])
    assert cache.get("https://a/", want_anchors=True) == stored
    cache.close()


def test_expired_answers_are_not_used(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path, CacheLifetimes(ok=0.2))
    cache.put([_result("https://a/")])
    time.sleep(0.3)
    assert cache.get("https://a/", want_anchors=False) is None
    cache.close()


@pytest.mark.parametrize("content", [b"garbage" * 1000, b"SQLite format 3\x00" + b"\x01" * 50])
def test_unreadable_cache_is_replaced_with_one_warning(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / CACHE_FILE).write_bytes(content)
    cache = LinkCache(tmp_path, CacheLifetimes())
    cache.put([_result("https://a/")])
    assert cache.get("https://a/", want_anchors=False) is not None
    cache.close()
    assert [r.levelname for r in caplog.records] == ["WARNING"]


def test_other_version_is_replaced(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    LinkCache(tmp_path, CacheLifetimes()).close()
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        db.execute("UPDATE meta SET value = '999' WHERE key = 'version'")
    db.close()
    LinkCache(tmp_path, CacheLifetimes()).close()
    assert "cache version 999" in caplog.text


def _writer(directory: str, worker: int) -> None:
    cache = LinkCache(Path(directory), CacheLifetimes())
    for n in range(50):
        cache.put([_result(f"https://w{worker}.example/{n}")])
    cache.close()


def test_four_processes_sharing_the_cache_lose_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(tmp_path), w)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    cache = LinkCache(tmp_path, CacheLifetimes())
    missing = [
        (w, n)
        for w in range(4)
        for n in range(50)
        if cache.get(f"https://w{w}.example/{n}", want_anchors=False) is None
    ]
    cache.close()
    assert missing == []
