"""The typos family's prose reader: its fast paths read the same words as the plain patterns."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tillint.checks import typos_prose

# Letters, joiners and the characters around them that the patterns treat apart.
_PROSE_ALPHABET = "aZ\u00e9\u4e2d9_'\u2019.-/ \n\x00"


@settings(max_examples=300)
@given(st.text(alphabet=_PROSE_ALPHABET, max_size=40))
def test_possessive_tokens_are_the_plain_patterns_tokens(text: str) -> None:
    plain = re.compile(typos_prose.TOKEN.pattern.replace("*+", "*"))
    assert typos_prose.TOKEN.findall(text) == plain.findall(text)
