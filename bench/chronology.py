"""Benchmark of the chronology family (CH001-CH005).

Prints, never asserts:

* the cost of the family on ``../shared/corpus/jbranchaud-til`` (files without dated entries:
  the date-line pre-test must keep this cheap), per file and per megabyte, and its findings;
* on the fixture ``../shared/fixtures/til-ai-ml.md``: its CH findings, then for ``--trials``
  seeded shuffles of its entries, how often the CH001 count equals the least number of entries
  to move and how often ``--fix --unsafe-fixes`` restores the file byte for byte;
* the check and fix time on a long synthetic post (``--entries`` entries, shuffled).

Run: ``python bench/chronology.py [--trials 50] [--entries 2000] [--seed 7]``
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tillint.catalog import load_catalog
from tillint.checks import CheckContext
from tillint.checks.chronology import check
from tillint.config import Settings, validate_family_options
from tillint.document import Document
from tillint.finding import Finding
from tillint.fix import apply_fixes

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "jbranchaud-til"
FIXTURE = SHARED / "fixtures" / "til-ai-ml.md"
RULES = frozenset(rule for rule in load_catalog() if rule.startswith("CH"))
_ENTRY = re.compile(r"^##### ", re.M)
_DATE = re.compile(r"^\*(\d{4}\.\d{2}\.\d{2})\*", re.M)


def _context() -> CheckContext:
    options = validate_family_options({}, "bench")
    return CheckContext("chronology", Settings(root=Path("."), selected=RULES, options=options))


def _findings(text: str, ctx: CheckContext) -> list[Finding]:
    return list(check(Document.from_text(text, "bench.md"), ctx))


def _fix(text: str, ctx: CheckContext) -> str:
    """Apply CH001 fixes in rounds, as ``--fix --unsafe-fixes --select CH001`` does."""
    for _ in range(10):
        fixes = [f.fix for f in _findings(text, ctx) if f.rule == "CH001" and f.fix]
        if not fixes:
            break
        text, _ = apply_fixes(text, fixes)
    return text


def _must_move(days: list[str]) -> int:
    tails: list[str] = []
    for day in days:
        place = next((i for i, tail in enumerate(tails) if tail > day), len(tails))
        tails[place : place + 1] = [day]
    return len(days) - len(tails)


def _units(text: str) -> tuple[str, list[str], str]:
    starts = [m.start() for m in _ENTRY.finditer(text)]
    tail_start = text.index("### References")
    units: list[str] = []
    for a, b in zip(starts, [*starts[1:], tail_start], strict=True):
        if _DATE.search(text, a, b):
            units.append(text[a:b])
        else:
            units[-1] += text[a:b]
    return text[: starts[0]], units, text[tail_start:]


def _shuffle(units: list[str], rng: random.Random) -> list[str]:
    """Shuffle, keeping units of one date in their original relative order."""
    order = list(range(len(units)))
    rng.shuffle(order)
    day = [_DATE.findall(unit)[0] for unit in units]
    slots: dict[str, list[int]] = {}
    for slot, index in enumerate(order):
        slots.setdefault(day[index], []).append(slot)
    for same_day in slots.values():
        for slot, index in zip(same_day, sorted(order[s] for s in same_day), strict=True):
            order[slot] = index
    return [units[index] for index in order]


def bench_corpus(ctx: CheckContext) -> None:
    docs = [Document(p, str(p), p.read_bytes()) for p in sorted(CORPUS.rglob("*.md"))]
    size = sum(len(doc.raw) for doc in docs) / 1e6
    _findings("warm-up", ctx)
    started = time.perf_counter()
    found = [f for doc in docs for f in check(doc, ctx)]
    elapsed = time.perf_counter() - started
    print(f"corpus: {len(docs)} files, {size:.2f} MB, {len(found)} CH findings")
    print(
        f"  {elapsed * 1000:.0f} ms: {elapsed / len(docs) * 1e6:.0f} us/file, "
        f"{elapsed / size * 1000:.0f} ms/MB"
    )


def bench_fixture(ctx: CheckContext, trials: int, seed: int) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    rows = [(f.rule, f.span.line, f.span.column) for f in _findings(text, ctx)]
    print(f"fixture: {rows}")
    head, units, tail = _units(text)
    rng = random.Random(seed)
    counted = restored = 0
    for _ in range(trials):
        shuffled = _shuffle(units, rng)
        mixed = head + "".join(shuffled) + tail
        ch001 = [f for f in _findings(mixed, ctx) if f.rule == "CH001"]
        counted += len(ch001) == _must_move([_DATE.findall(unit)[0] for unit in shuffled])
        restored += _fix(mixed, ctx) == text
    print(f"  {trials} shuffles: CH001 count minimal in {counted}, restored in {restored}")


def bench_long_post(ctx: CheckContext, entries: int, seed: int) -> None:
    first = date(2000, 1, 1)
    days = [first + timedelta(days=i // 2) for i in range(entries)]
    random.Random(seed).shuffle(days)
    text = "# Journal\n\n" + "".join(
        f"## Entry {i}\n\n*{day:%Y.%m.%d}*\n\nSome text.\n\n" for i, day in enumerate(days)
    )
    started = time.perf_counter()
    count = sum(1 for f in _findings(text, ctx) if f.rule == "CH001")
    checked = time.perf_counter() - started
    fixed = _fix(text, ctx)
    total = time.perf_counter() - started
    left = sum(1 for f in _findings(fixed, ctx) if f.rule == "CH001")
    print(f"long post: {entries} entries, {len(text) / 1e6:.2f} MB, {count} CH001")
    print(f"  check {checked * 1000:.0f} ms, check + fix + re-check {total * 1000:.0f} ms")
    print(f"  CH001 left after the fix: {left}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    ctx = _context()
    bench_corpus(ctx)
    bench_fixture(ctx, args.trials, args.seed)
    bench_long_post(ctx, args.entries, args.seed)


if __name__ == "__main__":
    main()
