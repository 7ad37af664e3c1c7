"""The builtin engine's English data: known misspellings and word frequencies.

* Known misspellings come from codespell's main dictionary (``codespell_lib/data/
  dictionary.txt``, a dependency, read in place): ``typo->fix1, fix2,`` lines.
* Word frequencies come from ``wordfreq``'s large English list (321,000 words). wordfreq's
  data file is read directly (importing wordfreq costs more than the data), and its small list
  (Zipf 3 and up, a tenth of the size) answers "is this word common?" for documents whose
  words are all common.

Each list is derived once from its source file and kept between runs, packed with a hash
table of its words (``tillint.derived``, ``tillint.checks.typos_packed``): a run answers its
questions by looking words up where they lie, and a process that asks many more turns a list
into a set or a dict (a faster look-up) once it has asked enough. Everything is loaded lazily
and cached for the life of the process.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping
from functools import cache
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple, cast, overload

from tillint.checks import typos_packed
from tillint.checks.typos_packed import PackedWords, SearchedWords, search_budget
from tillint.derived import derived
from tillint.packages import package_folder

# The code the kept lists are derived by and stored as: a change to either derives them again.
_CODE = (__file__, typos_packed.__file__)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# Words of at least this length get distance-2 look-ups (among frequent words one shorter).
_DISTANCE_TWO_MIN_LENGTH = 8
_DISTANCE_TWO_MIN_ZIPF = 2.5


class Misspelling(NamedTuple):
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


class CodespellEntries(NamedTuple):
    """codespell's lowercase misspellings, sorted, and the text after each one's ``->``."""

    typos: PackedWords
    rests: PackedWords


class MisspellingList(Mapping[str, Misspelling]):
    """codespell's entries by lowercase misspelling, each parsed on first use.

    A run asks "is this a misspelling?" of every word, but needs the corrections of a
    handful. So the entries are kept packed (``CodespellEntries``, see
    ``tillint.checks.typos_packed``): a question costs a look-up, and only the entries asked
    for are parsed.
    """

    def __init__(self, entries: CodespellEntries) -> None:
        self._entries = entries
        self._listed = SearchedWords(entries.typos)
        self._parsed: dict[str, Misspelling | None] = {}

    def _entry(self, word: str) -> Misspelling | None:
        if word not in self._parsed:
            position = self._entries.typos.position(word)
            rest = None if position is None else self._entries.rests.word(position)
            parsed = None if rest is None else parse_codespell(f"{word}->{rest}").get(word)
            self._parsed[word] = parsed
        return self._parsed[word]

    def among(self, words: Iterable[str]) -> set[str]:
        """The ``words`` on the list (only those are parsed)."""
        return {word for word in self._listed.among(words) if self._entry(word) is not None}

    def __contains__(self, word: object) -> bool:
        return word in self._listed and self._entry(cast(str, word)) is not None

    def __getitem__(self, word: str) -> Misspelling:
        entry = self._entry(word) if word in self._listed else None
        if entry is None:
            raise KeyError(word)
        return entry

    def __iter__(self) -> Iterator[str]:
        return (word for word in self._entries.typos.unpacked() if self._entry(word) is not None)

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


def _codespell_entries(text: str) -> CodespellEntries:
    raw = raw_entries(text)
    typos = sorted(raw)
    rests = PackedWords.of(map(raw.__getitem__, typos), indexed=False)
    return CodespellEntries(PackedWords.of(typos), rests)


@cache
def misspellings() -> MisspellingList:
    """codespell's main dictionary, by lowercase misspelling (kept between runs)."""
    path = _package_file("codespell_lib", "dictionary.txt")
    entries = derived(
        "codespell-entries", [path, *_CODE], lambda: _codespell_entries(path.read_text("utf-8"))
    )
    return MisspellingList(entries)


def _package_data(package: str, name: str) -> bytes:
    """A data file of an installed package, read without importing the package."""
    return _package_file(package, name).read_bytes()


def _package_file(package: str, name: str) -> Path:
    folder = package_folder(package)
    if folder is None:
        raise ModuleNotFoundError(f"the {package} package is not installed")
    return folder / "data" / name


def _frequency_buckets(wordlist: str) -> list[list[str]]:
    """wordfreq's English ``wordlist``: bucket ``i`` holds the words at ``-i`` centibels.

    The file is wordfreq's own cBpack (gzipped msgpack, a header then the buckets), read
    directly: importing wordfreq costs more than reading the data.
    """
    # Only deriving the kept lists reads the data file: most runs import neither module.
    import gzip

    import msgpack  # type: ignore[import-untyped]  # wordfreq's own dependency

    packed = gzip.decompress(_package_data("wordfreq", f"{wordlist}_en.msgpack.gz"))
    header, *buckets = cast(list[Any], msgpack.unpackb(packed, raw=False))
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"unexpected wordfreq data header: {header!r}")
    return cast(list[list[str]], buckets)


def _bucket_frequency(index: int) -> float:
    """The frequency (0..1) of the words in bucket ``index``: ``-index`` centibels."""
    return 10 ** (-index / 100)


def _large_buckets_by_word() -> dict[str, int]:
    """wordfreq's large English list, read from its data file: word -> bucket.

    A word listed twice keeps its last bucket, as in wordfreq.
    """
    by_word: dict[str, int] = {}
    for index, bucket in enumerate(_frequency_buckets("large")):
        by_word.update(zip(bucket, repeat(index)))
    return by_word


class FrequencyIndex(NamedTuple):
    """The large list: its words sorted, the bucket of each (see ``_frequency_buckets``), and
    one more than the largest bucket."""

    words: PackedWords
    buckets: array[int]
    bucket_count: int


def _index_of(by_word: dict[str, int]) -> FrequencyIndex:
    words = sorted(by_word)
    buckets = array("H", map(by_word.__getitem__, words))
    return FrequencyIndex(PackedWords.of(words), buckets, max(buckets) + 1)


class FrequencyList:
    """wordfreq's large English list: lowercase word -> frequency (0..1).

    Words are looked up in the packed index, until the look-ups have cost what building the
    321,000-entry dict does (see ``tillint.checks.typos_packed``); ``table`` builds it at once.
    A corpus of a few thousand notes asks about 150,000 questions (most of them one-edit
    neighbours of unknown words), so each worker process of such a run answers them from the
    index instead of waiting for a dict the workers could only inherit if it were built
    before they start, on one core.
    """

    def __init__(self, index: FrequencyIndex) -> None:
        self._index = index
        self._searches_left = search_budget(index.words)
        self._table: dict[str, float] | None = None

    @overload
    def get(self, word: str) -> float | None: ...

    @overload
    def get(self, word: str, default: float) -> float: ...

    def get(self, word: str, default: float | None = None) -> float | None:
        if self._table is None and self._searches_left > 0:
            self._searches_left -= 1
            position = self._index.words.position(word)
            return default if position is None else _bucket_frequency(self._index.buckets[position])
        return self.table().get(word, default)

    def among(self, words: Collection[str]) -> set[str]:
        """The ``words`` on the list."""
        if self._table is None and self._searches_left > 0:
            self._searches_left -= len(words)
            return self._index.words.among(words)
        return self.table().keys() & set(words)

    def table(self) -> dict[str, float]:
        """The whole list as a dict (the same as ``wordfreq.get_frequency_dict``)."""
        if self._table is None:
            buckets = self._index.buckets
            frequency = list(map(_bucket_frequency, range(self._index.bucket_count)))
            words = self._index.words.unpacked()
            self._table = dict(zip(words, map(frequency.__getitem__, buckets), strict=True))
        return self._table


def _large_sources() -> list[str | Path]:
    return [_package_file("wordfreq", "large_en.msgpack.gz"), *_CODE]


@cache
def frequencies() -> FrequencyList:
    """wordfreq's large English list: lowercase word -> frequency (0..1).

    The same values as ``wordfreq.get_frequency_dict("en", "large")``.
    """
    index = derived("wordfreq-index", _large_sources(), lambda: _index_of(_large_buckets_by_word()))
    return FrequencyList(index)


@cache
def common_words() -> SearchedWords:
    """wordfreq's small English list: words at Zipf 3 or more, a fraction of the large list.

    The small list is the head of the large one (same data, cut at Zipf 3), so a word in it is
    known to be common without loading the large list (a test checks this on the installed
    wordfreq). It is kept packed between runs (``tillint.checks.typos_packed``).
    """
    sources: list[str | Path] = [_package_file("wordfreq", "small_en.msgpack.gz"), *_CODE]
    return SearchedWords(derived("wordfreq-common", sources, _read_common_words))


def _read_common_words() -> PackedWords:
    return PackedWords.of(
        sorted({word for bucket in _frequency_buckets("small") for word in bucket})
    )


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


class FrequentLongWords(NamedTuple):
    """Frequent words of at least seven letters, the targets of distance-2 look-ups; also by
    length and first three letters, and by length and last three."""

    words: frozenset[str]
    by_head: dict[tuple[int, str], list[str]]
    by_tail: dict[tuple[int, str], list[str]]


@cache
def _frequent_long_words() -> FrequentLongWords:
    """``FrequentLongWords``, kept between runs (``tillint.derived``)."""
    return derived("wordfreq-long-words", _large_sources(), _read_frequent_long_words)


def _read_frequent_long_words() -> FrequentLongWords:
    threshold = 10 ** (_DISTANCE_TWO_MIN_ZIPF - 9)
    words = frozenset(
        word
        for word, bucket in _large_buckets_by_word().items()
        if len(word) >= _DISTANCE_TWO_MIN_LENGTH - 1
        and word.isalpha()
        and _bucket_frequency(bucket) >= threshold
    )
    by_head: dict[tuple[int, str], list[str]] = {}
    by_tail: dict[tuple[int, str], list[str]] = {}
    for word in sorted(words):
        by_head.setdefault((len(word), word[:3]), []).append(word)
        by_tail.setdefault((len(word), word[-3:]), []).append(word)
    return FrequentLongWords(words, by_head, by_tail)


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
    found = variants & _frequent_long_words().words
    for variant in variants:
        found.update(_frequent_insertions(variant))
    return {w for w in found if w != word and damerau_distance(word, w) <= 2}


def _frequent_insertions(variant: str) -> Iterator[str]:
    """Frequent long words that are ``variant`` (five letters or more) with a letter inserted.

    Inserted at the fourth letter or later, the word starts with the variant's first three
    letters; inserted before, it ends with the variant's last three.
    """
    _, by_head, by_tail = _frequent_long_words()
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
