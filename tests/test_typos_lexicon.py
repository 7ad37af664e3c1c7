"""The typo engine's English data, read the fast way, agrees with the slow way."""

from __future__ import annotations

import pickle
import string

import pytest
import wordfreq

from tillint.checks import typos_lexicon, typos_packed
from tillint.checks.typos import KNOWN_ZIPF
from tillint.checks.typos_lexicon import (
    FrequencyList,
    _package_data,
    common_words,
    damerau_distance,
    distance_two_neighbours,
    edits1,
    frequencies,
    misspellings,
    parse_codespell,
)
from tillint.checks.typos_packed import PackedWords, SearchedWords


def test_frequencies_equal_wordfreqs_own_dictionary() -> None:
    assert frequencies().table() == wordfreq.get_frequency_dict("en", wordlist="large")


def test_searching_the_frequency_index_answers_as_the_table_does() -> None:
    table = wordfreq.get_frequency_dict("en", wordlist="large")
    searched = FrequencyList(frequencies()._index)  # a fresh list: no table built yet
    words = sorted(table)
    asked = [*words[::997], words[0], words[-1], "café", "naïve", "zzzzqx", "", "the\nend"]
    assert [searched.get(word) for word in asked] == [table.get(word) for word in asked]
    assert searched.among(["the", "qwxz", "naïve"]) == {"the", "naïve"} & table.keys()
    assert searched._table is None  # answered by searching, not by building the dict


def test_the_frequency_table_is_built_once_searching_costs_as_much(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(typos_lexicon, "search_budget", lambda words: 2)
    searched = FrequencyList(frequencies()._index)
    answers = [searched.get(word) for word in ("the", "qwxz", "of")]
    assert searched._table is not None
    assert answers == [frequencies().get(word) for word in ("the", "qwxz", "of")]
    assert answers[0] is not None and answers[1] is None


def test_every_common_word_is_known_in_the_large_list() -> None:
    known = 10 ** (KNOWN_ZIPF - 9)
    table = frequencies().table()
    assert all(table.get(word, 0.0) >= known for word in common_words().as_set())


def test_lazy_misspellings_equal_the_full_parse() -> None:
    parsed = parse_codespell(_package_data("codespell_lib", "dictionary.txt").decode("utf-8"))
    listed = misspellings()
    assert "teh" in listed and "the" not in listed and 3 not in listed
    assert dict(listed.items()) == parsed


@pytest.mark.parametrize("word", ["", "a", "ab", "teh", "hyperparameter"])
def test_edits1_is_every_string_one_edit_away(word: str) -> None:
    expected = set()
    for i in range(len(word) + 1):
        expected.update(word[:i] + c + word[i:] for c in string.ascii_lowercase)
        if i < len(word):
            expected.update(word[:i] + c + word[i + 1 :] for c in string.ascii_lowercase)
            expected.add(word[:i] + word[i + 1 :])
        if i + 1 < len(word):
            expected.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    assert edits1(word) == expected
    assert all(damerau_distance(word, edited) <= 1 for edited in expected)


def test_distance_two_neighbours_of_a_long_unknown_word() -> None:
    assert {"modalities", "localities"} <= distance_two_neighbours("mocailities")
    assert distance_two_neighbours("modalty") == set()  # shorter than eight letters
    for word in distance_two_neighbours("envionrment"):
        assert damerau_distance("envionrment", word) <= 2


def test_cross_file_phase_needs_no_lexicon(monkeypatch: pytest.MonkeyPatch) -> None:
    from tillint.checks import typos_neighbours
    from tillint.checks.typos_neighbours import NearbyWords, evidence, suggestions

    found = evidence("modaility", NearbyWords(list))
    assert found is not None

    def no_lexicon(*_: object) -> None:
        raise AssertionError("the cross-file phase loaded the lexicon")

    for name in ("zipf", "frequencies", "distance_two_neighbours"):
        monkeypatch.setattr(typos_neighbours, name, no_lexicon)
    assert suggestions(found, {"modaility": 1}) == ["modality"]


def test_summaries_carry_the_lexical_evidence() -> None:
    from tillint.checks.typos_neighbours import NearbyWords, evidence, suggestions

    found = evidence("supermum", NearbyWords(lambda: ["supremum"]))
    assert found is not None
    assert pickle.loads(pickle.dumps(found)) == found
    assert suggestions(found, {}) == ["supremum"]
    # A stem the knowledge base uses makes a derived word no typo ("globbed" after "glob").
    derived = evidence("frobnicated", NearbyWords(list))
    assert derived is not None and "frobnicate" in derived.stems
    assert suggestions(derived, {"frobnicate": 2}) == []


def test_packed_words_are_found_where_they_lie() -> None:
    words = sorted(["zebra", "apple", "café", "cafe", "naïve", "été", "a"])
    packed = PackedWords.of(words)
    assert [packed.position(word) for word in words] == list(range(len(words)))
    assert packed.position("caf") is None and packed.position("zebras") is None
    assert packed.unpacked() == words and packed.word(2) == words[2]


def test_every_word_of_the_large_list_is_looked_up_at_its_position() -> None:
    # 321,000 words in 2**20 slots: many probe past a taken slot, and every one is found.
    words = frequencies()._index.words
    unpacked = words.unpacked()
    assert [words.position(word) for word in unpacked] == list(range(len(unpacked)))
    listed = set(unpacked)
    asked = {neighbour for word in unpacked[::4001] for neighbour in edits1(word)}
    assert {word for word in asked if words.position(word) is not None} == asked & listed
    assert words.among(asked) == asked & listed


def test_a_list_packed_unindexed_is_read_by_position_only() -> None:
    rests = PackedWords.of(["the, then", "their"], indexed=False)
    assert (rests.word(1), len(rests), len(rests.slots)) == ("their", 2, 0)


def test_searched_words_turn_into_a_set_once_searching_costs_as_much(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(typos_packed, "search_budget", lambda words: 3)
    listed = SearchedWords(PackedWords.of(["be", "sea", "see"]))
    assert listed.among(["see", "saw"]) == {"see"}
    assert listed._set is None  # two searches so far
    assert "sea" in listed and 3 not in listed and "be" in listed
    assert listed._set == {"be", "see", "sea"}


def test_document_neighbours_of_a_known_word_are_found_without_a_search() -> None:
    from tillint.checks.typos_lexicon import zipf
    from tillint.checks.typos_neighbours import (
        NearbyWords,
        _is_inflection,
        evidence,
        one_edit_apart,
    )

    words = ["html", "saml", "yaml", "haml", "hxml", "hamls", "ham", "xaml", "h\u00e1ml", "a"]
    found = evidence("haml", NearbyWords(lambda: words))
    assert found is not None and found.zipf > 0
    searched = sorted(o for o in words if o.isascii() and o != "haml" and one_edit_apart("haml", o))
    kept = tuple(n for n in searched if zipf(n) >= found.zipf and not _is_inflection("haml", n))
    assert found.nearby == kept and "html" in kept
