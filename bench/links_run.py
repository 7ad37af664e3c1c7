"""Serve the link benchmark corpus on loopback, run tillint on it, compare with the truth.

    python -m bench.links_run [--latency 0.1] [--timeout 5] [--no-hang]

Prints the wall time of an offline run (what linting costs without the network), then wall
time, requests made (and the minimum), found / false / missed for a first run and for a
second one that should answer every cacheable URL from the cache.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.links_corpus import Corpus, Expected, generate
from bench.links_server import BenchHost

HOSTS = 8
REPO = Path(__file__).resolve().parents[1]


def _config(root: Path, timeout: float) -> None:
    (root / "tillint.toml").write_text(
        f"[links]\nallow_private = true\ntimeout = {timeout}\nread_timeout = {timeout}\n",
        encoding="utf-8",
    )


def _run_tillint(root: Path, *extra: str) -> tuple[float, set[Expected]]:
    command = [sys.executable, "-m", "tillint", "check", "--select", "LK", "--format", "json"]
    started = time.monotonic()
    done = subprocess.run(
        [*command, *extra, "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    elapsed = time.monotonic() - started
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise SystemExit(f"tillint failed ({done.returncode}): {done.stderr}")
    found = {
        Expected(f["path"], f["line"], f["column"], f["rule"]) for f in json.loads(done.stdout)
    }
    return elapsed, found


def _report(
    label: str, elapsed: float, requests: int, corpus: Corpus, found: set[Expected]
) -> None:
    true = found & corpus.expected
    false = found - corpus.expected
    missed = corpus.expected - found
    print(
        f"{label}: wall {elapsed:.2f} s, requests {requests} (minimum {corpus.minimum_requests}), "
        f"found {len(true)}/{len(corpus.expected)}, false {len(false)}, missed {len(missed)}"
    )
    for item in sorted(false)[:5]:
        print(f"  false: {item}")
    for item in sorted(missed)[:5]:
        print(f"  missed: {item}")


def _without_hangs(hosts: list[BenchHost]) -> None:
    for host in hosts:
        for behaviour in host.routes.values():
            if behaviour.kind == "hang":
                behaviour.kind = "ok"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--no-hang", action="store_true", help="the two hanging URLs answer")
    args = parser.parse_args()
    hosts = [BenchHost(args.latency) for _ in range(HOSTS)]
    with tempfile.TemporaryDirectory(prefix="tillint-links-bench-") as tmp:
        root = Path(tmp)
        corpus = generate(root, hosts, args.latency)
        if args.no_hang:
            _without_hangs(hosts)
            corpus.expected = {e for e in corpus.expected if not _is_hang(root, e)}
        _config(root, args.timeout)
        for host in hosts:
            host.start()
        try:
            print(
                f"corpus: 200 files, {corpus.links} links, {corpus.unique_urls} unique URLs, "
                f"{len(corpus.expected)} expected findings, {HOSTS} hosts, "
                f"latency {args.latency * 1000:.0f} ms, critical path {corpus.critical_path:.1f} s"
                f"{'' if args.no_hang else f' (+ hanging URLs: timeout {args.timeout:g} s)'}"
            )
            offline, _ = _run_tillint(root, "--offline")
            print(f"offline run (no network, the engine's own cost): wall {offline:.2f} s")
            for label in ("first run", "second run (cache)"):
                for host in hosts:
                    host.reset_stats()
                elapsed, found = _run_tillint(root)
                requests = sum(host.stats.requests for host in hosts)
                _report(label, elapsed, requests, corpus, found)
        finally:
            for host in hosts:
                host.stop()


def _is_hang(root: Path, expected: Expected) -> bool:
    line = (root / expected.path).read_text(encoding="utf-8").splitlines()[expected.line - 1]
    return "/hang/" in line


if __name__ == "__main__":
    main()
