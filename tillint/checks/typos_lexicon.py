"""The builtin engine's English data: known misspellings and word frequencies.

* Known misspellings come from codespell's main dictionary (``codespell_lib/data/
  dictionary.txt``, a dependency, read in place): ``typo->fix1, fix2,`` lines.
* Word frequencies come from ``wordfreq``'s large English list (321,000 words), loaded once
  per process as a plain dict so a lookup is one hash probe, not a ``zipf_frequency`` call.
  wordfreq's data file is read directly (importing wordfreq costs more than the data), and
  its small list (Zipf 3 and up, a tenth of the size) answers "is this word common?" for
  documents whose words are all common, so they never load the large list.

Everything is loaded lazily and cached for the life of the process; codespell's entries, cut
from its text file, are also kept between runs (``tillint.derived``).
"""

from __future__ import annotations

import gzip
import importlib.util
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import repeat
from pathlib import Path
from typing import Any, cast

from tillint.derived import derived

_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# Words of at least this length get distance-2 look-ups (among frequent words one shorter).
_DISTANCE_TWO_MIN_LENGTH = 8
_DISTANCE_TWO_MIN_ZIPF = 2.5


@dataclass(frozen=True)
class Misspelling:
    """A codespell entry: its corrections, and whether codespell would apply the first one."""

    corrections: tuple[str, ...]
    fixable: bool


def parse_codespell(text: str) -> dict[str, Misspelling]:
    """Parse codespell's ``typo->a, b,`` format.

    As in codespell, an entry is fixable when it has exactly one correction, no trailing comma
    and no reason after the corrections.
    """
    entries: dict[str, Misspelling] = {}
    for line in text.splitlines():
        typo, arrow, rest = line.partition("->")
        if not arrow:
            continue
        # Text after the last comma is a reason (or nothing, for a trailing comma).
        corrections = rest[: rest.rfind(",")] if "," in rest else rest
        fixable = "," not in rest
        words = tuple(c.strip() for c in corrections.split(",") if c.strip())
        if words:
            entries[typo.strip().lower()] = Misspelling(words, fixable and len(words) == 1)
    return entries


class MisspellingList(Mapping[str, Misspelling]):
    """codespell's entries by lowercase misspelling, each parsed on first use.

    A run asks "is this a misspelling?" of every word, but needs the corrections of a
    handful. So the misspellings alone are loaded up front, and the raw entries (the text
    after ``->``, see ``raw_entries``) only when a word is on the list; each entry is parsed
    when asked for. Both are kept between runs (``tillint.derived``).
    """

    def __init__(self, words: frozenset[str], read_raw: Callable[[], dict[str, str]]) -> None:
        self._words = words
        self._read_raw = read_raw
        self._parsed: dict[str, Misspelling | None] = {}

    @cached_property
    def _raw(self) -> dict[str, str]:
        return self._read_raw()

    def _entry(self, word: str) -> Misspelling | None:
        if word not in self._parsed:
            rest = self._raw.get(word)
            parsed = None if rest is None else parse_codespell(f"{word}->{rest}").get(word)
            self._parsed[word] = parsed
        return self._parsed[word]

    def among(self, words: Iterable[str]) -> set[str]:
        """The ``words`` on the list (one set intersection, then only those are parsed)."""
        return {word for word in self._words.intersection(words) if self._entry(word) is not None}

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word in self._words and self._entry(word) is not None

    def __getitem__(self, word: str) -> Misspelling:
        entry = self._entry(word) if word in self._words else None
        if entry is None:
            raise KeyError(word)
        return entry

    def __iter__(self) -> Iterator[str]:
        return (word for word in self._raw if self._entry(word) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def raw_entries(text: str) -> dict[str, str]:
    """codespell's ``typo->a, b,`` lines as lowercase misspelling -> the text after ``->``."""
    raw: dict[str, str] = {}
    for line in text.split("\n"):
        typo, arrow, rest = line.partition("->")
        if arrow:
            raw[typo.strip().lower()] = rest
    return raw


@cache
def misspellings() -> MisspellingList:
    """codespell's main dictionary, by lowercase misspelling."""
    path = _package_file("codespell_lib", "dictionary.txt")
    sources: list[str | Path] = [path, __file__]

    def read() -> dict[str, str]:
        return raw_entries(path.read_text("utf-8"))

    words = derived("codespell-words", sources, lambda: "\n".join(read()))
    return MisspellingList(
        frozenset(words.split("\n")), lambda: derived("codespell", sources, read)
    )


def _package_data(package: str, name: str) -> bytes:
    """A data file of an installed package, read without importing the package."""
    return _package_file(package, name).read_bytes()


def _package_file(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the {package} package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


def _frequency_buckets(wordlist: str) -> list[list[str]]:
    """wordfreq's English ``wordlist``: bucket ``i`` holds the words at ``-i`` centibels.

    The file is wordfreq's own cBpack (gzipped msgpack, a header then the buckets), read
    directly: importing wordfreq costs more than reading the data.
    """
    import msgpack  # type: ignore[import-untyped]  # wordfreq's own dependency

    packed = gzip.decompress(_package_data("wordfreq", f"{wordlist}_en.msgpack.gz"))
    header, *buckets = cast(list[Any], msgpack.unpackb(packed, raw=False))
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"unexpected wordfreq data header: {header!r}")
    return cast(list[list[str]], buckets)


@cache
def _large_buckets() -> list[list[str]]:
    """wordfreq's large English list, by bucket (see ``_frequency_buckets``)."""
    return _frequency_buckets("large")


def _bucket_frequency(index: int) -> float:
    """The frequency (0..1) of the words in bucket ``index``: ``-index`` centibels."""
    return 10 ** (-index / 100)


@cache
def frequencies() -> dict[str, float]:
    """wordfreq's large English list: lowercase word -> frequency (0..1).

    The same values as ``wordfreq.get_frequency_dict("en", "large")``.
    """
    table: dict[str, float] = {}
    for index, bucket in enumerate(_large_buckets()):
        if bucket:
            table.update(zip(bucket, repeat(_bucket_frequency(index))))
    return table


@cache
def common_words() -> frozenset[str]:
    """wordfreq's small English list: words at Zipf 3 or more, a fraction of the large list.

    The small list is the head of the large one (same data, cut at Zipf 3), so a word in it is
    known to be common without loading the large list (a test checks this on the installed
    wordfreq).
    """
    return frozenset(word for bucket in _frequency_buckets("small") for word in bucket)


def is_common(word: str, min_zipf: float) -> bool:
    """Whether a lowercase word is at least ``min_zipf`` frequent and no known misspelling."""
    frequency = frequencies().get(word)
    return (
        frequency is not None and frequency >= 10 ** (min_zipf - 9) and word not in misspellings()
    )


def zipf(word: str) -> float:
    """Zipf frequency of a lowercase word (log10 per billion words); 0.0 when unknown."""
    frequency = frequencies().get(word)
    return math.log10(frequency) + 9 if frequency else 0.0


def edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away.

    Built into one set, each string by one f-string (one allocation): every TY002 candidate
    asks for it, and most of the time goes to making its strings.
    """
    # Each place to edit: the letters before it, those from it, and those after its letter.
    splits = [(word[:i], word[i:], word[i + 1 :]) for i in range(len(word) + 1)]
    found = {head + rest for head, tail, rest in splits if tail}
    found.update([head + tail[1] + tail[0] + tail[2:] for head, tail, _ in splits if len(tail) > 1])
    found.update([f"{head}{c}{rest}" for head, tail, rest in splits if tail for c in _ALPHABET])
    found.update([f"{head}{c}{tail}" for head, tail, _ in splits for c in _ALPHABET])
    return found


def deletes(word: str) -> set[str]:
    """Every string one deletion away."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@cache
def _frequent_long_words() -> frozenset[str]:
    """Frequent words of at least seven letters: the targets of distance-2 look-ups.

    Only the buckets frequent enough are read (a word listed twice has its last bucket's
    frequency, as in ``frequencies``).
    """
    threshold = 10 ** (_DISTANCE_TWO_MIN_ZIPF - 9)
    table = frequencies()
    return frozenset(
        word
        for index, bucket in enumerate(_large_buckets())
        if _bucket_frequency(index) >= threshold
        for word in bucket
        if len(word) >= _DISTANCE_TWO_MIN_LENGTH - 1 and word.isalpha() and table[word] >= threshold
    )


def damerau_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (adjacent transpositions count as one edit)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def distance_two_neighbours(word: str) -> set[str]:
    """Frequent long words two edits away (one deletion on each side, or two on the word's).

    This finds a substitution plus an insertion or two insertions relative to the frequent
    word (``mocailities`` -> ``modalities``); two substitutions are not searched. The word's
    variants with up to two deletions are looked up as they are, and compared with the
    frequent words one letter longer that share their first or last three letters: a
    fraction of a millisecond a word, where indexing the deletions of every frequent word
    first costs half a second and a corpus asks about a few dozen words.
    """
    if len(word) < _DISTANCE_TWO_MIN_LENGTH:
        return set()
    variants: set[str] = set()
    for first in deletes(word) | {word}:
        variants.update(deletes(first), (first,))
    found = variants & _frequent_long_words()
    for variant in variants:
        found.update(_frequent_insertions(variant))
    return {w for w in found if w != word and damerau_distance(word, w) <= 2}


@cache
def _frequent_long_words_by_ends() -> tuple[dict[tuple[int, str], list[str]], ...]:
    """The frequent long words by length and first three letters, and by length and last three."""
    by_head: dict[tuple[int, str], list[str]] = {}
    by_tail: dict[tuple[int, str], list[str]] = {}
    for word in _frequent_long_words():
        by_head.setdefault((len(word), word[:3]), []).append(word)
        by_tail.setdefault((len(word), word[-3:]), []).append(word)
    return by_head, by_tail


def _frequent_insertions(variant: str) -> Iterator[str]:
    """Frequent long words that are ``variant`` (five letters or more) with a letter inserted.

    Inserted at the fourth letter or later, the word starts with the variant's first three
    letters; inserted before, it ends with the variant's last three.
    """
    by_head, by_tail = _frequent_long_words_by_ends()
    size = len(variant) + 1
    for longer in (*by_head.get((size, variant[:3]), ()), *by_tail.get((size, variant[-3:]), ())):
        first = 0
        while variant[first : first + 1] == longer[first]:  # the variant is the shorter one
            first += 1
        if longer[first] in _ALPHABET and longer[first + 1 :] == variant[first:]:
            yield longer


def match_case(model: str, correction: str) -> str:
    """``correction`` written in the case of ``model`` (``Teh`` -> ``The``, ``TEH`` -> ``THE``)."""
    if model.isupper() and len(model) > 1:
        return correction.upper()
    if model[:1].isupper():
        return correction[:1].upper() + correction[1:]
    return correction
