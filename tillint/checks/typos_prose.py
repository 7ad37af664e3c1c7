"""The prose of a document, with exact positions, for the typos family.

Prose is found by *masking*: every character that is not prose (front matter outside the
configured fields, code blocks, HTML blocks and tags, inline code, math, URLs, e-mail
addresses, link destinations, reference definitions, footnote labels, HTML entities) is
replaced by ``\\x00`` in a copy of the text of the same length. Words are then read from the
masked copy, so every offset is an offset into ``doc.text``. Inline code spans are kept apart:
their identifier parts (``is_traning`` -> ``is``, ``traning``) are the only code TY001 reads.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Set
from functools import cache
from itertools import compress
from operator import eq
from typing import NamedTuple

from tillint.document import Document

MASK = "\x00"
_LETTER = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F"
_WORD_CHAR = rf"{_LETTER}0-9"
# A token: word characters, joined by single apostrophes, dots, hyphens or slashes. Written as
# runs of one character class, which the regex engine matches faster than one class per step,
# and possessive (``*+``): nothing follows a token that could make the engine give characters
# back, so it need not keep its place in every run (a fifth faster; a test checks the tokens).
TOKEN = rf"[{_WORD_CHAR}][{_WORD_CHAR}_]*+(?:['\u2019.\-/][{_WORD_CHAR}][{_WORD_CHAR}_]*+)*+"
# Splitting at a captured token gives the gaps and the tokens in turn, all in C. (The token
# pattern is compiled only here: each of its large character classes costs half a
# millisecond to compile, which a run over one note pays.)
_TOKEN_PIECES = re.compile(f"({TOKEN})")
_IDENTIFIER_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.DOTALL)
# Pandoc's rule: `$` followed by a non-space opens; `$` after a non-space, not before a digit,
# closes; no blank line in between.
# Bounded, so that many openers with no closer (`$1$1$1...`) stay linear.
_INLINE_MATH = re.compile(r"\$(?=\S)(?:[^$\n\\]|\\.|\n(?![ \t]*\n)){1,2000}?(?<=\S)\$(?!\d)")
# ``\b(?:https?|ftp|file)://\S+|\bwww\.\S+``, the look-behinds being the ``\b``; matched
# only where ``_web_address_starts`` finds that one can start.
_WEB_ADDRESS = re.compile(r"h(?<!\wh)ttps?://\S+|f(?<!\wf)(?:tp|ile)://\S+|w(?<!\ww)ww\.\S+")
# An e-mail address is ``[\w.+-]+@[\w-]+\.[\w.-]+``, read from its ``@``: the domain forwards,
# the local part backwards (matched in the reversed text).
_EMAIL_DOMAIN = re.compile(r"@[\w-]+\.[\w.-]+")
_EMAIL_LOCAL_PART = re.compile(r"[\w.+-]+")
# Character classes that exclude the next delimiter keep every attempt short (no backtracking
# across "(" or "<": `[a](<b` repeated 20,000 times is linear).
_LINK_DESTINATION = re.compile(
    r"\]\(\s*(?:<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\s*"
    r"(?:\"[^\"\n]*\"|'[^'\n]*')?\s*\)"
)
_REFERENCE_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+", re.MULTILINE)
_FOOTNOTE_LABEL = re.compile(r"\[\^[^\]\n]*\]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>|<[a-z][a-z0-9+.\-]*:[^<>\s]*>")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


@cache
def repeated_word() -> re.Pattern[str]:
    """The same word twice in a row, across at most one line break. Compiled on first use:
    most documents never get past ``Prose._may_repeat_a_word``."""
    return re.compile(
        rf"(?<![{_WORD_CHAR}_'\u2019.\-/])([A-Za-z]+)(?=\s)[ \t]*(?:\r?\n[ \t]*)?"
        rf"(?=[A-Za-z])(\1)(?![{_WORD_CHAR}_]|['\u2019.\-/][{_WORD_CHAR}])",
        re.IGNORECASE,
    )


# The letters outside ASCII that ``[A-Za-z]`` matches ignoring case (a test checks the list):
# with none of them, a repeated word is two tokens in a row, equal ignoring case.
_ASCII_LETTERS_IGNORING_CASE = "\u0130\u0131\u017f\u212a"


class Word(NamedTuple):
    """A word as written: its text and offsets in ``doc.text``; ``in_code`` for code parts.

    A named tuple, not a dataclass: a run makes tens of thousands, and a tuple is made faster.
    """

    text: str
    start: int
    end: int
    in_code: bool = False


def apply_mask(text: str, ranges: Iterable[tuple[int, int]]) -> str:
    """``text`` with every character inside ``ranges`` replaced by ``MASK``.

    Ranges may overlap: in order of their starts, each masks what is left of it past the
    ranges before it.
    """
    pieces, position = [], 0
    for start, end in sorted(ranges):
        if end <= position:
            continue
        start = max(start, position)
        pieces.append(text[position:start])
        pieces.append(MASK * (end - start))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _front_matter_ranges(doc: Document, fields: frozenset[str]) -> list[tuple[int, int]]:
    """The front matter, except the values of ``fields`` (single-line scalars)."""
    front = doc.front_matter
    if front is None:
        return []
    end = doc.line_end(front.end_line)
    kept = sorted(
        (scalar.start, scalar.end)
        for key, scalar in doc.front_matter_scalars.items()
        if key in fields
    )
    ranges, position = [], 0
    for start, stop in kept:
        ranges.append((position, start))
        position = stop
    ranges.append((position, end))
    return ranges


def html_comments(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each ``<!-- ... -->``; linear even with many unclosed openers."""
    position = text.find("<!--")
    while position != -1:
        end = text.find("-->", position + 4)
        if end == -1:
            return  # no later comment can close either
        yield position, end + 3
        position = text.find("<!--", end + 3)


def _mask_line_runs(doc: Document, runs: Iterable[tuple[int, int]]) -> str:
    """``doc.text`` with the lines of ``runs`` (first, last) masked, their line endings kept."""
    text, pieces, position = doc.text, [], 0
    for first, last in runs:
        start, end = doc.line_start(first), doc.line_end(last)
        pieces.append(text[position:start])
        pieces.append("\n".join(map(_masked_line, text[start:end].split("\n"))))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _masked_line(line: str) -> str:
    """A line (split at ``\\n``) masked but for the ``\\r`` of a CRLF ending."""
    if line[-1:] == "\r":
        return MASK * (len(line) - 1) + "\r"
    return MASK * len(line)


def _prose_runs(doc: Document) -> Iterator[tuple[int, int]]:
    """The runs of non-prose lines after the front matter (masked field by field)."""
    after_front = doc.front_matter.end_line + 1 if doc.front_matter else 1
    for first, last in doc.non_prose_runs:
        if last >= after_front:
            yield max(first, after_front), last


def _addresses(text: str) -> Iterator[tuple[int, int]]:
    """The spans of web and e-mail addresses in ``text``.

    The same spans as one pattern, ``web|[\\w.+-]+@[\\w-]+\\.[\\w.-]+``, scanning the text
    (a test checks it), without trying it at every letter: web addresses are tried only where
    one can start, e-mail addresses are found from their ``@``, and the two are merged as the
    pattern would take them. At a place where both start, the web address wins (the first
    branch); the scan goes on where a match ends, so an address may start where the one before
    ended, inside its local part (``a@b.c+d@e.f``), and none starts inside a match.
    """
    emails = _emails(text)
    starts = _web_address_starts(text)
    web = _web_address_from(text, starts, 0)
    position = 0
    for local_start, at, end in emails:
        while at > position:
            start = max(position, local_start)
            if web is not None and web.start() <= start:
                yield web.span()
                position = web.end()
                web = _web_address_from(text, starts, position)
                continue
            yield start, end
            position = end
            if web is not None and web.start() < position:
                web = _web_address_from(text, starts, position)
    while web is not None:
        yield web.span()
        web = _web_address_from(text, starts, web.end())


def _web_address_starts(text: str) -> list[int]:
    """Where a web address can start, in order: each holds a ``://`` three to five letters
    (``ftp``, ``http``, ``file``, ``https``) after its start, or starts with ``www.``.

    Neither literal can overlap itself, so each search goes on after the one found.
    """
    starts: list[int] = []
    found = text.find("://")
    while found >= 0:
        starts.extend(range(max(found - 5, 0), found - 2))
        found = text.find("://", found + 3)
    found = text.find("www.")
    if found >= 0:
        while found >= 0:
            starts.append(found)
            found = text.find("www.", found + 4)
        starts.sort()
    return starts


def _web_address_from(text: str, starts: list[int], position: int) -> re.Match[str] | None:
    """The first web address starting at ``position`` or later (``starts``: where one can)."""
    for index in range(bisect_left(starts, position), len(starts)):
        match = _WEB_ADDRESS.match(text, starts[index])
        if match is not None:
            return match
    return None


def _emails(text: str) -> list[tuple[int, int, int]]:
    """(start, ``@``, end) of each e-mail address, its local part as long as it can be."""
    if "@" not in text:
        return []
    backwards = text[::-1]
    emails = []
    for domain in _EMAIL_DOMAIN.finditer(text):
        at = domain.start()
        local = _EMAIL_LOCAL_PART.match(backwards, len(text) - at)
        if local is not None:
            emails.append((at - len(local.group()), at, domain.end()))
    return emails


class Prose:
    """The masked text of one document and the words in it."""

    def __init__(self, doc: Document, fields: frozenset[str]) -> None:
        self.doc = doc
        without_blocks = _mask_line_runs(doc, _prose_runs(doc))
        structural = [*_front_matter_ranges(doc, fields), *doc.code_spans]
        without_code = apply_mask(without_blocks, structural)
        inline = [
            match.span()
            for pattern in (_DISPLAY_MATH, _INLINE_MATH)
            for match in pattern.finditer(without_code)
        ]
        without_math = apply_mask(without_code, inline)
        # The one pattern with no literal to skip ahead to (it tries every position): run it only
        # when it can match.
        references = (_REFERENCE_DEFINITION,) if "]:" in without_math else ()
        markup = list(_addresses(without_math))
        markup.extend(
            match.span()
            for pattern in (
                _LINK_DESTINATION,
                *references,
                _FOOTNOTE_LABEL,
                _HTML_TAG,
                _ENTITY,
            )
            for match in pattern.finditer(without_math)
        )
        markup.extend(html_comments(without_math))
        self.masked = apply_mask(without_math, markup)
        # The masked text cut at its tokens: gap, token, gap, ..., token, gap.
        self._pieces = _TOKEN_PIECES.split(self.masked)
        # The text of every prose token (identifier-like tokens included, unsplit), in order.
        self.token_texts = self._pieces[1::2]
        # Plain attributes, not ``cached_property``s: its first read takes a lock, and a
        # run reads these once or twice for every document.
        self._lowered_token_texts: list[str] | None = None

    @property
    def lowered_token_texts(self) -> list[str]:
        """``token_texts`` in lowercase (read by the repeated-word test and by ``summarize``)."""
        if self._lowered_token_texts is None:
            self._lowered_token_texts = list(map(str.lower, self.token_texts))
        return self._lowered_token_texts

    def words_among(self, texts: Set[str]) -> list[Word]:
        """The prose tokens whose text is in ``texts``, as words, in text order."""
        if not texts:
            return []
        pieces, words = self._pieces, []
        offset, counted = 0, 0  # the offset where ``pieces[counted]`` starts
        chosen = compress(range(1, len(pieces), 2), map(texts.__contains__, self.token_texts))
        for index in chosen:
            offset += sum(map(len, pieces[counted:index]))
            counted = index
            words.append(Word(pieces[index], offset, offset + len(pieces[index])))
        return words

    @property
    def words(self) -> list[Word]:
        """Prose tokens as words (for tools and tests)."""
        return self.words_among(set(self.token_texts))

    def repeated_words(self) -> Iterator[tuple[Word, Word]]:
        """Pairs of the same word twice in a row, across at most one line break."""
        if not self._may_repeat_a_word():
            return
        for match in repeated_word().finditer(self.masked):
            first, second = match.span(1), match.span(2)
            yield (
                Word(match.group(1), *first),
                Word(match.group(2), *second),
            )

    def _may_repeat_a_word(self) -> bool:
        """A quick test, true whenever ``repeated_word()`` can match: two tokens in a row are
        equal ignoring case with only white space between them, or the text has a non-ASCII
        letter the pattern reads as ASCII.

        Tables and lists often have equal tokens in a row, but rarely with white space alone
        between them.
        """
        lowered = self.lowered_token_texts
        gaps_after_tokens = self._pieces[2::2]
        if any(map(str.isspace, compress(gaps_after_tokens, map(eq, lowered, lowered[1:])))):
            return True
        masked = self.masked
        return not masked.isascii() and any(c in masked for c in _ASCII_LETTERS_IGNORING_CASE)

    @property
    def code_texts(self) -> set[str]:
        """Identifier parts of inline code spans (``is_traning`` -> ``is``, ``traning``).

        Read from the spans joined together: one search, where one per span cost more than
        the search itself. Each span opens and closes with a backtick, so no part runs from
        one span into the next.
        """
        text = self.doc.text
        joined = "".join([text[start:end] for start, end in self.doc.code_spans])
        return set(_IDENTIFIER_PART.findall(joined))

    def code_words_among(self, texts: Set[str]) -> list[Word]:
        """The identifier parts of inline code spans whose text is in ``texts``, as words."""
        if not texts:
            return []
        text = self.doc.text
        return [
            Word(m.group(), m.start(), m.end(), in_code=True)
            for start, end in self.doc.code_spans
            for m in _IDENTIFIER_PART.finditer(text, start, end)
            if m.group() in texts
        ]


def identifier_parts(word: Word) -> list[Word]:
    """The lowercase-or-capitalised parts of an identifier word (snake_case, camelCase)."""
    return [
        Word(m.group(), word.start + m.start(), word.start + m.end(), word.in_code)
        for m in _IDENTIFIER_PART.finditer(word.text)
    ]
