"""Mojibake repair, measured on real Korean text (python bench/mojibake.py [--no-kiwi]).

Takes the Korean public-domain corpus (../shared/corpus/korean-public-domain/), damages it the
way the reference fixture was damaged (UTF-8 decoded as Windows-1254, undefined bytes and soft
hyphens dropped), repairs it with tillint (embedded wordfreq model; kiwipiepy when installed)
and with ftfy, and prints:

- the share of damaged Hangul syllables restored exactly, and of damaged lines restored exactly;
- lines restored exactly for lossless variants (Latin-1, sloppy Windows-1252/1251, double);
- lines changed on clean text (the Korean corpus and the jbranchaud TIL corpus).

Figures are printed, never asserted. Damaged syllables are compared position by position
after aligning the repaired line with the original (difflib), so a repair that changes the
line's length still gets credit for the syllables it got right.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
KOREAN = SHARED / "corpus" / "korean-public-domain"
TIL = SHARED / "corpus" / "jbranchaud-til"
sys.path.insert(0, str(REPO))

from tillint.mojibake.codepages import SOFT_HYPHEN  # noqa: E402
from tillint.mojibake.repair import restore_line  # noqa: E402

DROPPED = frozenset(b for b in range(0x80, 0x100) if not bytes([b]).decode("cp1254", "ignore"))
DROPPED |= {SOFT_HYPHEN}

Repair = Callable[[str], str]


def lossy(line: str) -> str:
    """The fixture's transform: UTF-8 read as Windows-1254, lost bytes and soft hyphens gone."""
    return line.encode("utf-8").decode("cp1254", "ignore").replace("\xad", "")


def lossless_variants() -> dict[str, Callable[[str], str]]:
    import ftfy.bad_codecs  # noqa: F401  (registers the sloppy codecs)

    def through(codec: str) -> Callable[[str], str]:
        return lambda line: line.encode("utf-8").decode(codec)

    return {
        "latin-1": through("latin-1"),
        "sloppy-windows-1252": through("sloppy-windows-1252"),
        "sloppy-windows-1251": through("sloppy-windows-1251"),
        "double sloppy-windows-1252": lambda line: through("sloppy-windows-1252")(
            through("sloppy-windows-1252")(line)
        ),
    }


def is_damaged(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3" and any(b in DROPPED for b in char.encode("utf-8"))


def tillint_repair(ranker: str) -> Repair:
    def repair(line: str) -> str:
        for restoration in reversed(restore_line(line, ranker)):
            damage = restoration.damage
            line = line[: damage.start] + restoration.text + line[damage.end :]
        return line

    return repair


def ftfy_repair(line: str) -> str:
    import ftfy

    return ftfy.fix_text(line)


def corpus_lines(folder: Path, suffix: str) -> Iterator[str]:
    for path in sorted(folder.rglob(f"*{suffix}")):
        yield from path.read_text(encoding="utf-8").splitlines()


@dataclass
class Score:
    syllables: int = 0
    syllables_ok: int = 0
    lines: int = 0
    lines_ok: int = 0
    seconds: float = 0.0

    def report(self, name: str) -> str:
        return (
            f"{name:<28} syllables {self.syllables_ok:>5}/{self.syllables:<5} "
            f"{100 * self.syllables_ok / max(self.syllables, 1):6.2f}%   "
            f"lines {self.lines_ok:>4}/{self.lines:<4} "
            f"{100 * self.lines_ok / max(self.lines, 1):6.2f}%   {self.seconds:6.1f}s"
        )


def score_lossy(originals: list[str], repair: Repair) -> Score:
    score = Score()
    started = time.perf_counter()
    for original in originals:
        damaged = lossy(original)
        if damaged == original:
            continue
        repaired = repair(damaged)
        score.lines += 1
        score.lines_ok += repaired == original
        wanted = [i for i, char in enumerate(original) if is_damaged(char)]
        score.syllables += len(wanted)
        score.syllables_ok += _aligned_matches(original, repaired, wanted)
    score.seconds = time.perf_counter() - started
    return score


def _aligned_matches(original: str, repaired: str, positions: list[int]) -> int:
    matched = 0
    wanted = set(positions)
    matcher = difflib.SequenceMatcher(None, original, repaired, autojunk=False)
    for block in matcher.get_matching_blocks():
        matched += sum(1 for i in range(block.a, block.a + block.size) if i in wanted)
    return matched


def score_lossless(originals: list[str], transform: Callable[[str], str], repair: Repair) -> Score:
    score = Score()
    started = time.perf_counter()
    for original in originals:
        damaged = transform(original)
        if damaged != original:
            score.lines += 1
            score.lines_ok += repair(damaged) == original
    score.seconds = time.perf_counter() - started
    return score


def clean_changes(lines: list[str], repair: Repair) -> int:
    return sum(1 for line in lines if repair(line) != line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-kiwi", action="store_true", help="skip the kiwipiepy ranker")
    args = parser.parse_args()
    korean = list(corpus_lines(KOREAN, ".txt"))
    print(f"Korean corpus: {len(korean)} lines from {KOREAN}")
    print("\nLossy mojibake (UTF-8 read as Windows-1254, undefined bytes and soft hyphens lost)")
    rankers = ["wordfreq"] if args.no_kiwi else ["wordfreq", "kiwi"]
    for ranker in rankers:
        print(score_lossy(korean, tillint_repair(ranker)).report(f"tillint ({ranker})"))
    print(score_lossy(korean, ftfy_repair).report("ftfy.fix_text"))
    print("\nLossless variants: lines restored exactly")
    for name, transform in lossless_variants().items():
        print(score_lossless(korean, transform, tillint_repair("wordfreq")).report(name))
    print("\nClean text: lines changed by the repair")
    til = list(corpus_lines(TIL, ".md"))
    for name, lines in (("korean-public-domain", korean), ("jbranchaud-til", til)):
        started = time.perf_counter()
        changed = clean_changes(lines, tillint_repair("wordfreq"))
        elapsed = time.perf_counter() - started
        print(f"{name:<28} {changed} of {len(lines)} lines changed   {elapsed:6.2f}s")


if __name__ == "__main__":
    main()
