"""Typo rules (TY): known misspellings, unknown words, LanguageTool matches, repeated words.

How the builtin engine decides (measured and tuned on ``../shared/corpus``, see
``bench/typos.py``):

1. Only prose is read (``typos_prose``); inline code only for TY001, at identifier parts.
2. A token with a digit, an inner dot or a leading ``/ ~ . $ @ # _`` is a version, number,
   dotted name, path or variable: skipped. snake_case and camelCase tokens are identifiers:
   only their parts are looked up, and only in the misspelling list (TY001). ALL-CAPS words
   (and their plurals) are acronyms: skipped. Words with non-English letters are skipped,
   except an English word glued to Korean mojibake (``modaility\u00ec\u2122\u20ac``).
3. TY001: the word is in codespell's list of known misspellings.
4. TY002 candidates: words of at least ``min_length`` letters below Zipf 2.0 in wordfreq's
   large English list, not in the project's vocabulary. A candidate is reported only if the
   knowledge base uses it in fewer than ``corpus_min_files`` files (cross-file) and it is one
   edit (two for long words) from a word that is much more likely: at least 100 times more
   frequent in English, or used more often in the knowledge base, or, for an unknown word of
   eight or more letters, any word of the English list.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tillint.checks import CheckContext
from tillint.checks.typos_lexicon import common_words, frequencies, match_case, misspellings
from tillint.checks.typos_neighbours import Evidence, NearbyWords, evidence, suggestions
from tillint.checks.typos_prose import Prose, Word, identifier_parts
from tillint.checks.typos_vocabulary import Vocabulary, project_vocabulary
from tillint.document import Document
from tillint.finding import Finding, Span

if TYPE_CHECKING:
    from tillint.config import Settings

KNOWN_ZIPF = 2.0
_KNOWN_FREQUENCY = 10 ** (KNOWN_ZIPF - 9)
MISSPELLING, UNKNOWN_WORD, LANGUAGETOOL, REPEATED_WORD = "TY001", "TY002", "TY003", "TY004"
_SKIP_AFTER = frozenset("/~.$@#_\\")
_MOJIBAKE_LEAD = "\u00ea\u00eb\u00ec\u00ed"  # cp1252 faces of Hangul's UTF-8 lead bytes
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_ACRONYM = re.compile(r"[A-Z]{2,}s?")
_LINE_GAP = re.compile(r"[ \t]*(?:\r?\n[ \t]*)?")
# Grammatical doublings ("I know that that is", "she had had enough").
_ALLOWED_REPEATS = frozenset({"that", "had", "bye", "blah", "ha", "so"})
# ``check_corpus`` reads only the summaries and the options: its findings may be reused.
CORPUS_CACHEABLE = True


@dataclass(frozen=True)
class Candidate:
    """A TY002 candidate, ready to become a finding once the corpus has been counted."""

    word: str
    span: Span
    source_line: str
    evidence: Evidence  # what the English lexicon says, so the corpus phase needs no lexicon


@dataclass
class TypoSummary:
    """Per document: rare words with their counts, and the TY002 candidates."""

    rare_words: Counter[str] = field(default_factory=Counter)
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class ClassifiedWord:
    """A word to look up: ``word`` is the dictionary form, ``identifier`` means TY001 only."""

    word: Word
    lookup: str
    identifier: bool


def prepare(settings: Settings) -> None:
    """Load the dictionaries in the parent process, so forked workers share them."""
    common_words()
    frequencies()
    misspellings()


def _words_file(settings: Settings) -> Path:
    options = settings.family_options("typos")
    return settings.root / str(options.get("words_file") or ".tillint-words.txt")


def fingerprint_inputs(settings: Settings) -> list[Path]:
    """The words file: its words decide which findings each document gets."""
    return [_words_file(settings)]


def vocabulary(ctx: CheckContext) -> Vocabulary:
    """The project's words: the ``words`` option plus the words file."""
    words = tuple(ctx.options.get("words") or ())
    return project_vocabulary(words, _words_file(ctx.settings))


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
    parts = re.split(r"([-/])", text)
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


# Token as written -> whether it is uncommon (below KNOWN_ZIPF or a known misspelling). The
# lexicon is fixed for the process, so verdicts hold across documents; bounded all the same.
_uncommon_verdicts: dict[str, bool] = {}
_MAX_VERDICTS = 200_000


def _is_uncommon(text: str, typos: Mapping[str, Any]) -> bool:
    verdict = _uncommon_verdicts.get(text)
    if verdict is None:
        if len(_uncommon_verdicts) >= _MAX_VERDICTS:
            _uncommon_verdicts.clear()
        lowered = text.lower()
        verdict = not is_known(lowered) or lowered in typos
        _uncommon_verdicts[text] = verdict
    return verdict


def _uncommon_tokens(prose: Prose, typos: Mapping[str, Any]) -> Iterator[Word]:
    verdicts = _uncommon_verdicts
    for match in prose.tokens():
        text = match.group()
        # The fast path: most tokens are common English words seen before.
        if verdicts.get(text) is False or not _is_uncommon(text, typos):
            continue
        yield Word(text, match.start(), match.end())
    yield from prose.code_words


@dataclass(frozen=True)
class Analysis:
    """One document's prose and its uncommon words, computed once for check and summarize."""

    doc: Document
    prose: Prose
    words: list[ClassifiedWord]  # words below KNOWN_ZIPF or on the misspelling list


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


def check(doc: Document, ctx: CheckContext) -> Iterator[Finding]:
    """TY001 (known misspellings), TY004 (repeated words) and, when configured, TY003."""
    if not doc.text:
        return
    analysis = analyse(doc, ctx)
    accepted = vocabulary(ctx)
    typos = misspellings()
    if ctx.enabled(MISSPELLING):
        for item in analysis.words:
            if item.lookup not in typos or item.word.text in accepted:
                continue
            if item.identifier and len(item.lookup) < 4:
                continue
            yield _misspelling(doc, item)
    if ctx.enabled(REPEATED_WORD):
        yield from repeated_words(doc, analysis.prose)
    if ctx.enabled(LANGUAGETOOL) and ctx.options.get("engine") == "languagetool":
        from tillint.checks.typos_languagetool import languagetool_findings

        yield from languagetool_findings(doc, analysis.prose, ctx, accepted)


def _misspelling(doc: Document, item: ClassifiedWord) -> Finding:
    entry = misspellings()[item.lookup]
    corrections = [match_case(item.word.text, c) for c in entry.corrections]
    listed = ", ".join(f"`{c}`" for c in corrections)
    where = " in code" if item.word.in_code else ""
    fix = None
    if entry.fixable:
        edit = doc.edit(item.word.start, item.word.end, corrections[0])
        # Renaming an identifier inside code may not match the real API: not safe.
        fix = doc.fix("unsafe" if item.word.in_code else "safe", edit)
    return doc.finding(
        MISSPELLING,
        item.word.start,
        item.word.end,
        f"`{item.word.text}`{where} is a known misspelling of {listed}",
        fix=fix,
    )


def repeated_words(doc: Document, prose: Prose) -> Iterator[Finding]:
    """TY004: the same word twice in a row, also across one line break (not a blank line)."""
    for previous, current in prose.repeated_words():
        if current.text.lower() in _ALLOWED_REPEATS:
            continue
        fix = doc.fix("safe", doc.edit(previous.end, current.end, ""))
        yield doc.finding(
            REPEATED_WORD,
            current.start,
            current.end,
            f"`{current.text}` is repeated; remove the second one",
            fix=fix,
        )


def summarize(doc: Document, ctx: CheckContext) -> TypoSummary:
    """Rare words of the document with counts, and its TY002 candidates."""
    summary = TypoSummary()
    builtin = ctx.options.get("engine", "builtin") == "builtin"
    if not doc.text or not builtin or not ctx.enabled(UNKNOWN_WORD):
        return summary
    typos = misspellings()
    accepted = vocabulary(ctx)
    min_length = int(ctx.options.get("min_length", 4))
    analysis = analyse(doc, ctx)
    nearby = NearbyWords(text.lower() for text in set(analysis.prose.token_texts()))
    for item in analysis.words:
        if item.lookup in typos:
            continue
        summary.rare_words[item.lookup] += 1
        if item.identifier or len(item.lookup) < min_length or item.word.text in accepted:
            continue
        found = evidence(item.lookup, nearby(item.lookup))
        if found is None:
            continue
        span = doc.span(item.word.start, item.word.end)
        line = doc.line_text(span.line)
        summary.candidates.append(Candidate(item.word.text, span, line, found))
    return summary


def check_corpus(summaries: Mapping[str, Any], ctx: CheckContext) -> Iterator[Finding]:
    """TY002: candidates the knowledge base uses in too few files and that look like typos."""
    files: Counter[str] = Counter()
    uses: Counter[str] = Counter()
    for summary in summaries.values():
        files.update(summary.rare_words.keys())
        uses.update(summary.rare_words)
    min_files = int(ctx.options.get("corpus_min_files", 2))
    verdicts: dict[Evidence, list[str]] = {}
    for path, summary in summaries.items():
        for candidate in summary.candidates:
            if files[candidate.evidence.word] >= min_files:
                continue
            if candidate.evidence not in verdicts:
                verdicts[candidate.evidence] = suggestions(candidate.evidence, uses)
            found = verdicts[candidate.evidence]
            if found:
                yield _unknown_word(path, candidate, found)


def _unknown_word(path: str, candidate: Candidate, found: list[str]) -> Finding:
    listed = ", ".join(f"`{match_case(candidate.word, s)}`" for s in found)
    return Finding(
        path=path,
        span=candidate.span,
        rule=UNKNOWN_WORD,
        message=f"unknown word `{candidate.word}`; did you mean {listed}?",
        source_line=candidate.source_line,
    )
