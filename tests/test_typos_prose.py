"""The typos family's prose reader: its fast paths read the same words as the plain patterns."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tillint.checks import typos_prose
from tillint.document import Document

# Letters, joiners and the characters around them that the patterns treat apart.
_PROSE_ALPHABET = "aZ\u00e9\u4e2d9_'\u2019.-/ \n\x00"


@settings(max_examples=300)
@given(st.text(alphabet=_PROSE_ALPHABET, max_size=40))
def test_possessive_tokens_are_the_plain_patterns_tokens(text: str) -> None:
    plain = re.compile(typos_prose.TOKEN.replace("*+", "*"))
    assert re.findall(typos_prose.TOKEN, text) == plain.findall(text)


# Pieces of web and e-mail addresses, and what ends or joins them.
_ADDRESS_PIECES = ["http", "s", "://", "www.", "ftp", "file", "@", ".", "+", "-", "_", "a", "h"]
_ADDRESS_PIECES += ["w", "\u00e9", "9", " ", "\n", "\x00", "/", "x.y"]


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(_ADDRESS_PIECES), max_size=30).map("".join))
def test_addresses_are_those_of_one_pattern(text: str) -> None:
    email = r"[\w.+-]+@[\w-]+\.[\w.-]+"
    one_pattern = re.compile(f"{typos_prose._WEB_ADDRESS.pattern}|{email}")
    expected = [match.span() for match in one_pattern.finditer(text)]
    assert list(typos_prose._addresses(text)) == expected


# Words, their cases, and what may stand between two of them.
_REPEAT_PIECES = ["the", "The", "tHE", "it", "\u0130t", "a", "\u00e9", "9", " ", "\t", "\n"]
_REPEAT_PIECES += ["\r\n", "\n\n", ".", ",", "'", "_", "-", "/", "|", "`", "\x00"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_REPEAT_PIECES), max_size=12).map("".join))
def test_repeated_word_quick_test_passes_every_repeat(text: str) -> None:
    prose = typos_prose.Prose(Document.from_text(text), frozenset())
    if typos_prose.repeated_word().search(prose.masked):
        assert prose._may_repeat_a_word()


_CODE_PIECES = ["`", "``", "a", "Ab", "AB", "c", "_", "9", " ", "\n", "\x00", "\\"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_CODE_PIECES), max_size=16).map("".join))
def test_code_texts_are_the_parts_of_each_span(text: str) -> None:
    doc = Document.from_text(text)
    span_by_span = {
        part
        for start, end in doc.code_spans
        for part in typos_prose._IDENTIFIER_PART.findall(doc.text, start, end)
    }
    assert typos_prose.Prose(doc, frozenset()).code_texts == span_by_span


_RANGE = st.tuples(st.integers(0, 12), st.integers(0, 12)).map(sorted).map(tuple)


@given(st.text(alphabet="ab\n", max_size=12), st.lists(_RANGE, max_size=6))
def test_apply_mask_masks_every_character_in_a_range(
    text: str, ranges: list[tuple[int, int]]
) -> None:
    ranges = [(min(start, len(text)), min(end, len(text))) for start, end in ranges]
    inside = {i for start, end in ranges for i in range(start, end)}
    expected = "".join(typos_prose.MASK if i in inside else c for i, c in enumerate(text))
    assert typos_prose.apply_mask(text, ranges) == expected
