"""The words of one document the builtin typo engine looks up (steps 1 and 2 of ``typos``).

Every prose token is first judged as written, once per process: most are common English
words, and only the rare ones (below ``KNOWN_ZIPF``, or known misspellings) are located in the
text and split into the words to look up (``classify``). The result is computed once per
document and shared by ``check`` and ``summarize``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tillint.checks.typos import KNOWN_ZIPF
from tillint.checks.typos_lexicon import common_words, frequencies, misspellings
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


@dataclass(frozen=True)
class ClassifiedWord:
    """A word to look up: ``word`` is the dictionary form, ``identifier`` means TY001 only."""

    word: Word
    lookup: str
    identifier: bool


@dataclass(frozen=True)
class Analysis:
    """One document's prose and its uncommon words, computed once for check and summarize."""

    doc: Document
    prose: Prose
    words: list[ClassifiedWord]  # words below KNOWN_ZIPF or on the misspelling list


def prose_of(doc: Document, ctx: CheckContext) -> Prose:
    fields = frozenset(ctx.options.get("fields") or ("title", "description"))
    return Prose(doc, fields)


def classify(doc: Document, token: Word) -> Iterator[ClassifiedWord]:
    """Split a token into words to look up, dropping numbers, paths, acronyms and the like."""
    if token.in_code:
        yield ClassifiedWord(token, token.text.lower(), identifier=True)
        return
    text = token.text
    if token.start > 0 and doc.text[token.start - 1] in _SKIP_AFTER:
        return
    if "." in text or any(c.isdigit() for c in text) or _in_expression(doc.text, token):
        return
    if "_" in text:
        yield from (ClassifiedWord(p, p.text.lower(), True) for p in identifier_parts(token))
        return
    offset = token.start
    parts = _JOINERS.split(text)
    for part in parts:
        word = _english_part(Word(part, offset, offset + len(part)))
        offset += len(part)
        if word is None or (len(parts) > 1 and len(word.text) < 4):
            continue  # "add-ons", "and/or": short parts of joined words are not looked up
        if _CAMEL.search(word.text):
            yield from (ClassifiedWord(p, p.text.lower(), True) for p in identifier_parts(word))
        elif not _ACRONYM.fullmatch(word.text):
            yield ClassifiedWord(word, word.text.lower().replace("\u2019", "'"), False)


def _in_expression(text: str, token: Word) -> bool:
    """``nway\\*kshot``: a word joined to an escaped ``*`` is a formula, not prose."""
    return text[token.start - 2 : token.start] == "\\*" or text[token.end : token.end + 2] == "\\*"


def _english_part(part: Word) -> Word | None:
    """The part without a possessive ``'s``; None when it is not an English word."""
    text = part.text
    if len(text) < 2 or text in "-/":
        return None
    if not text.isascii():
        cut = next(i for i, c in enumerate(text) if not c.isascii())
        if cut < 3 or text[cut] not in _MOJIBAKE_LEAD:
            return None
        text = text[:cut]
    if text[-2:] in ("'s", "\u2019s"):
        text = text[:-2]
    return Word(text, part.start, part.start + len(text), part.in_code)


def is_known(word: str) -> bool:
    """Whether a lowercase word is at least ``KNOWN_ZIPF`` frequent in English.

    Most words are in the small list of common words; only the others load the large list.
    """
    return word in common_words() or frequencies().get(word, 0.0) >= _KNOWN_FREQUENCY


# Tokens as written that are common English words and no known misspelling. The lexicon is
# fixed for the process, so the verdicts hold across documents; bounded all the same.
_common_tokens: set[str] = set()
_MAX_COMMON_TOKENS = 200_000


def _is_uncommon(text: str, typos: Mapping[str, Any]) -> bool:
    lowered = text.lower()
    if not is_known(lowered) or lowered in typos:
        return True
    if len(_common_tokens) >= _MAX_COMMON_TOKENS:
        _common_tokens.clear()
    _common_tokens.add(text)
    return False


def _uncommon_tokens(prose: Prose, typos: Mapping[str, Any]) -> list[Word]:
    """Prose tokens in text order, then code words: those below KNOWN_ZIPF or misspelt."""
    in_prose = _uncommon(set(prose.token_texts), typos)
    in_code = _uncommon(set(prose.code_texts), typos)
    return [*prose.words_among(in_prose), *prose.code_words_among(in_code)]


def _uncommon(texts: set[str], typos: Mapping[str, Any]) -> set[str]:
    # A set difference first: most tokens are common English words seen before.
    return {text for text in texts.difference(_common_tokens) if _is_uncommon(text, typos)}


_last_analysis: list[Analysis] = []


def analyse(doc: Document, ctx: CheckContext) -> Analysis:
    """The document's prose and uncommon words (the last document's are kept)."""
    if _last_analysis and _last_analysis[0].doc is doc:
        return _last_analysis[0]
    prose = prose_of(doc, ctx)
    typos = misspellings()
    words = []
    for token in _uncommon_tokens(prose, typos):
        for item in classify(doc, token):
            if not is_known(item.lookup) or item.lookup in typos:
                words.append(item)
    _last_analysis[:] = [Analysis(doc, prose, words)]
    return _last_analysis[0]
