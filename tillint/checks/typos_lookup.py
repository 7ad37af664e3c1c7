"""The words of one document the builtin typo engine looks up (steps 1 and 2 of ``typos``).

Every prose token is judged as written, once per process: most are common English words; a
rare one (below ``KNOWN_ZIPF``, or a known misspelling) is split into the words to look up
(``token_words``) and its rare words are kept. Only tokens with rare words are located in the
text, where their place may still rule them out (``classify``). The result is computed once
per document and shared by ``check`` and ``summarize``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from tillint.checks.typos import KNOWN_ZIPF
from tillint.checks.typos_lexicon import (
    MisspellingList,
    common_words,
    frequencies,
    misspellings,
)
from tillint.checks.typos_prose import Prose, Word, identifier_parts

if TYPE_CHECKING:
    from tillint.checks import CheckContext
    from tillint.document import Document

_KNOWN_FREQUENCY = 10 ** (KNOWN_ZIPF - 9)
_SKIP_AFTER = frozenset("/~.$@#_\\")
_MOJIBAKE_LEAD = "\u00ea\u00eb\u00ec\u00ed"  # cp1252 faces of Hangul's UTF-8 lead bytes
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_ACRONYM = re.compile(r"[A-Z]{2,}s?")
_JOINERS = re.compile(r"([-/])")


class ClassifiedWord(NamedTuple):
    """A word to look up: ``word`` is the dictionary form, ``identifier`` means TY001 only.

    A named tuple, as ``Word`` is (made for every uncommon word of every document).
    """

    word: Word
    lookup: str
    identifier: bool


class Analysis(NamedTuple):
    """One document's prose and its uncommon words, computed once for check and summarize."""

    doc: Document
    prose: Prose
    words: list[ClassifiedWord]  # words below KNOWN_ZIPF or on the misspelling list
    misspelt: set[str]  # the lookups of ``words`` on the misspelling list


def prose_of(doc: Document, ctx: CheckContext) -> Prose:
    fields = frozenset(ctx.options.get("fields") or ("title", "description"))
    return Prose(doc, fields)


def classify(doc: Document, token: Word) -> Iterator[ClassifiedWord]:
    """Split a token into words to look up, dropping numbers, paths, acronyms and the like."""
    if token.in_code:
        yield ClassifiedWord(token, token.text.lower(), identifier=True)
        return
    yield from _placed(doc, token, token_words(token.text))


def _placed(doc: Document, token: Word, words: Iterable[TokenWord]) -> Iterator[ClassifiedWord]:
    """``words`` of a prose token at their offsets, unless the token's place rules it out."""
    if token.start > 0 and doc.text[token.start - 1] in _SKIP_AFTER:
        return
    if _in_expression(doc.text, token):
        return
    for offset, text, lookup, identifier in words:
        start = token.start + offset
        yield ClassifiedWord(Word(text, start, start + len(text)), lookup, identifier)


class TokenWord(NamedTuple):
    """A word to look up in a prose token, by its offset in the token."""

    offset: int
    text: str
    lookup: str
    identifier: bool


def token_words(token: str) -> list[TokenWord]:
    """The words to look up in a prose token, wherever it stands (see ``classify``)."""
    if "." in token or any(map(str.isdigit, token)):
        return []
    if "_" in token:
        return _identifier_words(Word(token, 0, len(token)))
    words, offset = [], 0
    parts = _JOINERS.split(token) if "-" in token or "/" in token else [token]
    for part in parts:
        text = _english_part(part)
        start, offset = offset, offset + len(part)
        if text is None or (len(parts) > 1 and len(text) < 4):
            continue  # "add-ons", "and/or": short parts of joined words are not looked up
        if _CAMEL.search(text):
            words.extend(_identifier_words(Word(text, start, start + len(text))))
        elif not _ACRONYM.fullmatch(text):
            lookup = text.lower().replace("\u2019", "'")
            words.append(TokenWord(start, text, lookup, False))
    return words


def _identifier_words(word: Word) -> list[TokenWord]:
    return [TokenWord(p.start, p.text, p.text.lower(), True) for p in identifier_parts(word)]


def _in_expression(text: str, token: Word) -> bool:
    """``nway\\*kshot``: a word joined to an escaped ``*`` is a formula, not prose."""
    return text[token.start - 2 : token.start] == "\\*" or text[token.end : token.end + 2] == "\\*"


def _english_part(part: str) -> str | None:
    """The part of a token without a possessive ``'s`` (it starts where the part does); None
    when it is not an English word."""
    if len(part) < 2 or part in "-/":
        return None
    if not part.isascii():
        cut = next(i for i, c in enumerate(part) if not c.isascii())
        if cut < 3 or part[cut] not in _MOJIBAKE_LEAD:
            return None
        part = part[:cut]
    if part[-2:] in ("'s", "\u2019s"):
        part = part[:-2]
    return part


def is_known(word: str) -> bool:
    """Whether a lowercase word is at least ``KNOWN_ZIPF`` frequent in English.

    Most words are in the small list of common words; only the others load the large list.
    """
    return word in common_words() or frequencies().get(word, 0.0) >= _KNOWN_FREQUENCY


# Token as written -> its words below KNOWN_ZIPF or misspelt (none when the token itself is
# common), and the tokens that have some; the same for the identifier parts of inline code,
# as the parts seen and those uncommon. The lexicon is fixed for the process, so they hold
# across documents; bounded all the same.
_rare_words_of: dict[str, tuple[TokenWord, ...]] = {}
_tokens_with_rare_words: set[str] = set()
_code_parts_seen: set[str] = set()
_uncommon_code_parts: set[str] = set()
_MAX_TOKENS = 200_000


def _is_uncommon(text: str, typos: MisspellingList) -> bool:
    lowered = text.lower()
    return not is_known(lowered) or lowered in typos


def _uncommon(texts: list[str], typos: MisspellingList) -> list[str]:
    """The ``texts`` that are uncommon (``_is_uncommon``), in order, with set look-ups first."""
    lowered = list(map(str.lower, texts))
    misspelt, common = typos.among(lowered), common_words()
    return [
        text
        for text, word in zip(texts, lowered, strict=True)
        if word in misspelt or (word not in common and not is_known(word))
    ]


def _forget_when_full() -> None:
    """Start the tokens and code parts seen afresh once either holds ``_MAX_TOKENS``.

    Called before a document's tokens are compared with them, never in between: a token
    seen before must still be there when its document's rare words are collected.
    """
    if max(len(_rare_words_of), len(_code_parts_seen)) >= _MAX_TOKENS:
        _rare_words_of.clear()
        _tokens_with_rare_words.clear()
        _code_parts_seen.clear()
        _uncommon_code_parts.clear()


def _learn(tokens: Iterable[str], typos: MisspellingList) -> None:
    """Record the rare words of prose tokens not seen before."""
    tokens = list(tokens)
    if not tokens:
        return
    _rare_words_of.update(dict.fromkeys(tokens, ()))
    for token in _uncommon(tokens, typos):
        rare = tuple(w for w in token_words(token) if _is_uncommon(w.lookup, typos))
        if rare:
            _rare_words_of[token] = rare
            _tokens_with_rare_words.add(token)


def _uncommon_code_parts_among(parts: set[str], typos: MisspellingList) -> set[str]:
    """The uncommon ``parts`` of inline code, judging only those not seen before."""
    new = parts.difference(_code_parts_seen)
    if new:
        _uncommon_code_parts.update(_uncommon(list(new), typos))
        _code_parts_seen.update(new)
    return parts.intersection(_uncommon_code_parts)


def _rare_words(prose: Prose, typos: MisspellingList) -> list[ClassifiedWord]:
    """Words below KNOWN_ZIPF or misspelt, in prose tokens (in text order), then in code."""
    _forget_when_full()
    texts = set(prose.token_texts)
    # Set operations first: most tokens are common English words seen before.
    _learn(texts.difference(_rare_words_of), typos)
    words = [
        item
        for token in prose.words_among(texts.intersection(_tokens_with_rare_words))
        for item in _placed(prose.doc, token, _rare_words_of[token.text])
    ]
    if prose.doc.code_spans:
        in_code = _uncommon_code_parts_among(prose.code_texts, typos)
        code_words = prose.code_words_among(in_code)
        words.extend(ClassifiedWord(w, w.text.lower(), True) for w in code_words)
    return words


_last_analysis: list[Analysis] = []


def analyse(doc: Document, ctx: CheckContext) -> Analysis:
    """The document's prose and uncommon words (the last document's are kept)."""
    if _last_analysis and _last_analysis[0].doc is doc:
        return _last_analysis[0]
    prose = prose_of(doc, ctx)
    typos = misspellings()
    words = _rare_words(prose, typos)
    misspelt = typos.among({item.lookup for item in words})
    _last_analysis[:] = [Analysis(doc, prose, words, misspelt)]
    return _last_analysis[0]
