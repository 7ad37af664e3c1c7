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

from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from tillint.checks import per_settings

if TYPE_CHECKING:
    from tillint.checks import CheckContext
    from tillint.checks.typos_lookup import ClassifiedWord
    from tillint.checks.typos_neighbours import EvidenceRow
    from tillint.checks.typos_prose import Prose
    from tillint.checks.typos_vocabulary import Vocabulary
    from tillint.config import Settings
    from tillint.document import Document
    from tillint.finding import Finding

    # A TY002 candidate, ready to become a finding once the corpus has been counted: the word,
    # its span (line, column, end line, end column), its line, and what the English lexicon
    # says (so the corpus phase needs no lexicon).
    CandidateRow: TypeAlias = tuple[str, tuple[int, int, int, int], str, EvidenceRow]
    # Per document: rare words with their counts, and the TY002 candidates. Plain data, so
    # that the cache pickles and unpickles it fast (a run unpickles every file's summary).
    TypoSummary: TypeAlias = tuple[dict[str, int], tuple[CandidateRow, ...]]

# The heavy modules (lexicon, prose, neighbours) are imported where they are used: a run that
# finds every file in the cache imports this module only to ask what it depends on.

KNOWN_ZIPF = 2.0
MISSPELLING, UNKNOWN_WORD, LANGUAGETOOL, REPEATED_WORD = "TY001", "TY002", "TY003", "TY004"
# Grammatical doublings ("I know that that is", "she had had enough").
_ALLOWED_REPEATS = frozenset({"that", "had", "bye", "blah", "ha", "so"})
# ``check_corpus`` reads only the summaries and the options: its findings may be reused.
CORPUS_CACHEABLE = True


def prepare(settings: Settings) -> None:
    """Load the packed word lists in the parent process, so forked workers share them.

    Only the packed lists, a few milliseconds: each worker builds its own sets and dict once
    it has asked enough to make that pay (``tillint.checks.typos_packed``).
    """
    from tillint.checks.typos_lexicon import common_words, frequencies, misspellings

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
    return _vocabulary_of(ctx.settings)


@per_settings
def _vocabulary_of(settings: Settings) -> Vocabulary:
    from tillint.checks.typos_vocabulary import project_vocabulary

    words = tuple(settings.family_options("typos").get("words") or ())
    return project_vocabulary(words, _words_file(settings))


def check(doc: Document, ctx: CheckContext) -> Iterator[Finding]:
    """TY001 (known misspellings), TY004 (repeated words) and, when configured, TY003."""
    if not doc.text:
        return
    from tillint.checks.typos_lookup import analyse

    analysis = analyse(doc, ctx)
    accepted = vocabulary(ctx)
    if ctx.enabled(MISSPELLING):
        for item in analysis.words:
            if item.lookup not in analysis.misspelt or item.word.text in accepted:
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
    from tillint.checks.typos_lexicon import match_case, misspellings

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
    builtin = ctx.options.get("engine", "builtin") == "builtin"
    if not doc.text or not builtin or not ctx.enabled(UNKNOWN_WORD):
        return {}, ()
    from tillint.checks.typos_lookup import analyse
    from tillint.checks.typos_neighbours import NearbyWords, evidence

    analysis = analyse(doc, ctx)
    if not analysis.words:
        return {}, ()
    accepted = vocabulary(ctx)
    min_length = int(ctx.options.get("min_length", 4))
    nearby = NearbyWords(lambda: analysis.prose.lowered_token_texts)
    rare_words: dict[str, int] = {}
    candidates: list[CandidateRow] = []
    for item in analysis.words:
        if item.lookup in analysis.misspelt:
            continue
        rare_words[item.lookup] = rare_words.get(item.lookup, 0) + 1
        if item.identifier or len(item.lookup) < min_length or item.word.text in accepted:
            continue
        found = evidence(item.lookup, nearby)
        if found is not None:
            span = doc.span(item.word.start, item.word.end)
            where = (span.line, span.column, span.end_line, span.end_column)
            candidates.append((item.word.text, where, doc.line_text(span.line), found.row()))
    return rare_words, tuple(candidates)


def check_corpus(summaries: Mapping[str, TypoSummary], ctx: CheckContext) -> Iterator[Finding]:
    """TY002: candidates the knowledge base uses in too few files and that look like typos."""
    from tillint.checks.typos_neighbours import Evidence, suggestions

    files: Counter[str] = Counter()
    uses: Counter[str] = Counter()
    for rare_words, _ in summaries.values():
        files.update(rare_words.keys())
        uses.update(rare_words)
    min_files = int(ctx.options.get("corpus_min_files", 2))
    verdicts: dict[EvidenceRow, list[str]] = {}
    for path, (_, candidates) in summaries.items():
        for candidate in candidates:
            found = candidate[3]
            if files[found[0]] >= min_files:  # an evidence row starts with its word
                continue
            if found not in verdicts:
                verdicts[found] = suggestions(Evidence(*found), uses)
            if verdicts[found]:
                yield _unknown_word(path, candidate, verdicts[found])


def _unknown_word(path: str, candidate: CandidateRow, found: list[str]) -> Finding:
    from tillint.checks.typos_lexicon import match_case
    from tillint.finding import Finding, Span

    word, where, source_line, _ = candidate
    listed = ", ".join(f"`{match_case(word, s)}`" for s in found)
    return Finding(
        path=path,
        span=Span(*where),
        rule=UNKNOWN_WORD,
        message=f"unknown word `{word}`; did you mean {listed}?",
        source_line=source_line,
    )
