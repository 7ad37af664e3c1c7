"""Performance benchmark for issue 9: cold, warm, one-file, memory, scaling, peers.

Usage:  python bench/perf.py [--corpus DIR] [--runs 5] [--skip-10x] [--peer-runs 1]
                             [--skip-10x-peers]

Builds a 1x copy and a 10x copy of the corpus (default ../shared/corpus/jbranchaud-til) in a
temporary directory and prints, for each target, the median wall time of ``--runs`` runs
(after one warm-up) next to the floors measured in the same run: reading every file, and
parsing every file with markdown-it-py in one and in two processes. Each cold run and each
one-file run is timed in turns with its floor, and its "x floor" is the median of its ratios
to the floor run just before it, so a slow stretch of a shared machine slows both sides of
a ratio alike. Peer linters are timed
when on PATH (markdownlint-cli2, pymarkdown, rumdl), ``--peer-runs`` times each after a
warm-up (one by default: they are reference points). Figures are printed, never asserted.
Every tillint run is offline with the default rules (links and LanguageTool need the network).
Run it with the Python tillint is installed in (``sys.executable`` runs everything); the first
floor printed is that Python's bare start, which a site-wide install can make several times
slower than a virtual environment's (``.pth`` files that import packages at startup).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "jbranchaud-til"
TILLINT = [sys.executable, "-m", "tillint", "check", "--offline", "--quiet", "--exit-zero"]

FLOOR_READ = """
import os, sys
for top, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith('.md'):
            open(os.path.join(top, name), 'rb').read()
"""
FLOOR_PARSE = """
import os, sys
from concurrent.futures import ProcessPoolExecutor
from markdown_it import MarkdownIt

def parse(paths):
    md = MarkdownIt('commonmark')
    for path in paths:
        md.parse(open(path, encoding='utf-8', errors='replace').read())
    return len(paths)

paths = [os.path.join(t, n) for t, _, ns in os.walk(sys.argv[1]) for n in ns if n.endswith('.md')]
jobs = int(sys.argv[2])
if jobs == 1:
    parse(paths)
else:
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(parse, [paths[i::jobs] for i in range(jobs)]))
"""


Step = tuple[list[str], Callable[[], None] | None]  # a command, and what runs untimed before it


def wall(command: list[str], cwd: Path, before: Callable[[], None] | None = None) -> float:
    """Wall seconds of one run of ``command``; ``before`` runs untimed first."""
    if before:
        before()
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def timed(
    command: list[str], cwd: Path, runs: int, before: Callable[[], None] | None = None
) -> float:
    """Median wall seconds of ``runs`` runs after one warm-up; ``before`` runs untimed each time."""
    return statistics.median(in_turns({"it": (command, before)}, cwd, runs)["it"])


def in_turns(steps: dict[str, Step], cwd: Path, runs: int) -> dict[str, list[float]]:
    """Wall seconds of each step, timed in turns: one round runs every step once, and ``runs``
    rounds follow a warm-up round. On a shared machine a slow stretch then slows a floor and
    the tillint runs compared with it alike (see ``ratio``)."""
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for attempt in range(runs + 1):
        for name, (command, before) in steps.items():
            elapsed = wall(command, cwd, before)
            if attempt:
                samples[name].append(elapsed)
    return samples


def ratio(samples: dict[str, list[float]], name: str, floor: str) -> float:
    """The median, over rounds, of a step's time over its floor's in the same round."""
    return statistics.median(a / b for a, b in zip(samples[name], samples[floor], strict=True))


def peak_rss_mib(command: list[str], cwd: Path) -> float:
    """Largest resident set of any process of one run (the main process or a worker)."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
        " stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True)
    return int(out.stdout.decode().strip() or 0) / 1024


def build(corpus: Path, target: Path, copies: int) -> Path:
    for index in range(copies):
        shutil.copytree(corpus, target / f"copy{index:02}", ignore=shutil.ignore_patterns(".git"))
    (target / "tillint.toml").write_text("", encoding="utf-8")
    return target


def row(name: str, seconds: float, times_floor: float | None = None) -> None:
    ratio = f"{times_floor:5.2f}x floor" if times_floor else ""
    print(f"  {name:<52} {seconds:8.3f} s   {ratio}")


def clear_cache(root: Path) -> Callable[[], None]:
    return lambda: shutil.rmtree(root / ".tillint_cache", ignore_errors=True)


def touch_one(victim: Path) -> Callable[[], None]:
    def change() -> None:
        with victim.open("a", encoding="utf-8") as handle:
            handle.write("\nOne more line.\n")

    return change


def measure(label: str, root: Path, runs: int) -> dict[str, float]:
    print(f"\n{label}: {sum(1 for _ in root.rglob('*.md'))} files")
    figures = {
        "start": timed([sys.executable, "-c", "pass"], root, runs),
        "read": timed([sys.executable, "-c", FLOOR_READ, str(root)], root, runs),
    }
    row("floor: python start (python -c pass)", figures["start"])
    row("floor: read every file", figures["read"])
    # The cold runs and the parse floors they are compared with are timed in turns.
    samples = in_turns(
        {
            "parse1": ([sys.executable, "-c", FLOOR_PARSE, str(root), "1"], None),
            "parse2": ([sys.executable, "-c", FLOOR_PARSE, str(root), "2"], None),
            "cold": ([*TILLINT, "."], clear_cache(root)),
            "cold_j1": ([*TILLINT, "--jobs", "1", "--no-cache", "."], None),
            "cold_j2": ([*TILLINT, "--jobs", "2", "--no-cache", "."], None),
        },
        root,
        runs,
    )
    figures.update({name: statistics.median(times) for name, times in samples.items()})
    row("floor: markdown-it-py parse, 1 process", figures["parse1"])
    row("floor: markdown-it-py parse, 2 processes", figures["parse2"])
    row(
        "tillint cold (cache emptied, --jobs default)",
        figures["cold"],
        ratio(samples, "cold", "parse2"),
    )
    row("tillint cold, --jobs 1", figures["cold_j1"], ratio(samples, "cold_j1", "parse1"))
    row("tillint cold, --jobs 2", figures["cold_j2"], ratio(samples, "cold_j2", "parse2"))
    subprocess.run([*TILLINT, "."], cwd=root, stdout=subprocess.DEVNULL)
    figures["warm"] = timed([*TILLINT, "."], root, runs)
    row("tillint warm (nothing changed)", figures["warm"], figures["warm"] / figures["start"])
    victim = next(root.rglob("*.md"))
    figures["one_changed"] = timed([*TILLINT, "."], root, runs, touch_one(victim))
    row("tillint warm, one file changed", figures["one_changed"])
    print(f"  (the file changed: {victim.relative_to(root).as_posix()})")
    figures["rss"] = peak_rss_mib([*TILLINT, "--no-cache", "."], root)
    print(f"  {'peak RSS of any process, cold':<52} {figures['rss']:8.1f} MiB")
    speed_up = ratio(samples, "cold_j1", "cold_j2")
    print(f"  {'speed-up of 2 jobs over 1 (median of rounds)':<52} {speed_up:8.2f}x")
    return figures


def peers(root: Path, runs: int) -> None:
    candidates = {
        "markdownlint-cli2": ["markdownlint-cli2", "**/*.md"],
        "pymarkdown": ["pymarkdown", "scan", "-r", "."],
        "rumdl": ["rumdl", "check", "."],
    }
    for name, command in candidates.items():
        if shutil.which(command[0]):
            row(f"peer: {name}", timed(command, root, runs))
        else:
            print(f"  peer: {name:<46} not installed")


def median_note(root: Path) -> Path:
    """A typical note: the corpus file of median size (one.md is tiny, with common words)."""
    notes = sorted(root.rglob("*.md"), key=lambda path: (path.stat().st_size, path.as_posix()))
    return notes[len(notes) // 2]


def one_file(root: Path, runs: int) -> None:
    small = root / "one.md"
    small.write_text("# One\n\nA short note with a footnote.[^1]\n\n[^1]: Source.\n", "utf-8")
    note = median_note(root)
    samples = in_turns(
        {
            "floor": ([sys.executable, "-c", "import markdown_it"], None),
            "one": ([*TILLINT, "one.md"], clear_cache(root)),
            "note": ([*TILLINT, str(note.relative_to(root))], clear_cache(root)),
        },
        root,
        runs,
    )
    floor = statistics.median(samples["floor"])
    row("floor: python start + import markdown_it", floor)
    row(
        "tillint check one.md, cold cache",
        statistics.median(samples["one"]),
        ratio(samples, "one", "floor"),
    )
    print(f"  (the median-size note: {note.relative_to(root)})")
    seconds = statistics.median(samples["note"])
    row("tillint check <median-size note>, cold cache", seconds, ratio(samples, "note", "floor"))
    user_cache = Path(os.environ["XDG_CACHE_HOME"])

    def first_run() -> None:
        clear_cache(root)()
        shutil.rmtree(user_cache, ignore_errors=True)

    # Not in turns with the others: emptying the user cache would slow the runs after it.
    seconds = timed([*TILLINT, "one.md"], root, runs, first_run)
    row("tillint check one.md, first run (no user cache either)", seconds, seconds / floor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-10x", action="store_true")
    parser.add_argument(
        "--peer-runs", type=int, default=1, help="timed runs of each peer linter (default 1)"
    )
    parser.add_argument("--skip-10x-peers", action="store_true", help="PyMarkdown takes minutes")
    args = parser.parse_args()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"python {sys.version.split()[0]}, {cpus} CPUs, median of {args.runs} runs")
    with tempfile.TemporaryDirectory(prefix="tillint-bench-") as tmp:
        # tillint keeps derived data (the parsed rule catalogue) in the user cache directory:
        # the runs use one of their own, which the first-run figure empties.
        os.environ["XDG_CACHE_HOME"] = os.environ["LOCALAPPDATA"] = str(Path(tmp) / "user-cache")
        one = measure("1x", build(args.corpus, Path(tmp) / "1x", 1), args.runs)
        peers(Path(tmp) / "1x", args.peer_runs)
        one_file(Path(tmp) / "1x", args.runs)
        if not args.skip_10x:
            ten = measure("10x", build(args.corpus, Path(tmp) / "10x", 10), args.runs)
            if not args.skip_10x_peers:
                peers(Path(tmp) / "10x", args.peer_runs)
            print(f"\n  10x / 1x cold wall time: {ten['cold'] / one['cold']:.2f}")


if __name__ == "__main__":
    main()
