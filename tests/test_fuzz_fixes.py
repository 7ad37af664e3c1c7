"""Property tests (hypothesis) of the parser, every offline rule and the fix writer.

Documents are generated from blocks that trip every family: front matter (with impossible
dates and odd YAML), dated entries in and out of order, footnotes (malformed, unused,
undefined), links (relative, anchored, broken), mojibake, typos, deep nesting; joined with LF
or CRLF, with or without a BOM. Every run selects ALL rules, offline, and applies unsafe fixes.

Invariants:
- checking never raises and never reports ``TL001 internal-error``;
- one round of fixes changes bytes only inside the edited spans, keeps the BOM and, in a CRLF
  file, never adds a bare LF;
- after ``--fix --unsafe-fixes``, fixing again changes nothing, and re-linting reports no
  finding that still offers a fix.

Bounded for CI: ``FUZZ_EXAMPLES`` examples per property (default 40; about 30 s for the whole
module on one core); set ``TILLINT_FUZZ_EXAMPLES`` to run longer locally.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tillint.catalog import load_catalog
from tillint.config import Settings, validate_family_options
from tillint.document import UTF8_BOM, Document
from tillint.engine import INTERNAL_ERROR, lint_document, run
from tillint.finding import Edit
from tillint.fix import accepted_fixes, applicable_fixes, apply_fixes, inserted_text

FUZZ_EXAMPLES = int(os.environ.get("TILLINT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
KOREAN = "새롭게 알게 된 지식 중에서 하나의 포스팅으로 만들기에는 부담스러운 내용들을 모아둡니다."

words = st.sampled_from(
    ["note", "the", "teh", "recieve", "graph", "tensor", "함수", "학습", "MAML", "its", "it's"]
)
sentences = st.lists(words, min_size=1, max_size=8).map(lambda ws: " ".join(ws) + ".")
dates = st.builds(
    lambda y, m, d, sep: f"{y:04}{sep}{m:02}{sep}{d:02}",
    st.integers(2019, 2027),
    st.integers(0, 13),
    st.integers(0, 32),
    st.sampled_from(["-", ".", "/"]),
)


def _mojibake(text: str, lossy: bool) -> str:
    return text.encode("utf-8").decode("cp1252", "ignore" if lossy else "replace")


front_matter = st.builds(
    lambda title, day, extra: f"---\ntitle: {title}\ndate: {day}\n{extra}---\n",
    st.sampled_from(['"TIL"', "TIL: odd", "'quoted'", '"' + _mojibake(KOREAN, True) + '"']),
    dates,
    st.sampled_from(["", "tags: [a, b]\n", "draft: yes\n", "tags: [a\n", "x: &a [1]\ny: *a\n"]),
)
valid_dates = st.dates(date(2019, 1, 1), date(2026, 12, 31)).map(lambda d: d.strftime("%Y.%m.%d"))
blocks = st.one_of(
    sentences,
    st.builds(lambda w, d, s: f"##### {w}\n\n*{d}*\n\n{s}", words, valid_dates, sentences),
    st.builds(lambda d, s: f"## {d}\n\n{s}", dates, sentences),
    st.builds(lambda d, s: f"*{d}*\n\n{s}", dates, sentences),
    st.builds(
        lambda s, label: f"{s}[^{label}]", sentences, st.sampled_from(["1", "2", " 7", "a b"])
    ),
    st.builds(
        lambda label, s: f"[^{label}]: {s}", st.sampled_from(["1", "2", " 7", "x"]), sentences
    ),
    st.builds(
        lambda text, target: f"[{text}]({target})",
        words,
        st.sampled_from(["./other.md", "other.md#part", "#heading", "/abs.md", "<a b.md>", ""]),
    ),
    st.builds(_mojibake, st.just(KOREAN), st.booleans()),
    st.sampled_from(["```\ncode [^ 7] teh\n```", "> quoted teh", "- item\n  - nested", "***"]),
    st.sampled_from(["> " * 25 + "deep", "\u200b\u00a0zero width", "tab\there", "# Heading"]),
)
documents = st.builds(
    lambda front, body, crlf, bom: (
        (UTF8_BOM if bom else b"")
        + ((front or "") + "\n\n".join(body) + "\n")
        .replace("\n", "\r\n" if crlf else "\n")
        .encode()
    ),
    st.one_of(st.none(), front_matter),
    st.lists(blocks, min_size=1, max_size=12),
    st.booleans(),
    st.booleans(),
)


def _settings(root: Path, fix: bool = False) -> Settings:
    return Settings(
        root=root,
        selected=frozenset(load_catalog()),
        options=validate_family_options({}, "fuzz"),
        offline=True,
        fix=fix,
        unsafe_fixes=fix,
        jobs=1,
        today=date(2026, 11, 24),
        cache_dir=None,
    )


def _write(root: Path, raw: bytes) -> Path:
    (root / "other.md").write_text("# Part\n\nText.\n", encoding="utf-8")
    path = root / "note.md"
    path.write_bytes(raw)
    return path


def _outside_spans_unchanged(before: str, after: str, edits: list[Edit], newline: str) -> bool:
    """Whether ``after`` is ``before`` with only the edited spans replaced, in order."""
    position, cursor = 0, 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        kept = before[position : edit.start]
        if after[cursor : cursor + len(kept)] != kept:
            return False
        cursor += len(kept) + len(inserted_text(edit.content, newline))
        position = edit.end
    return after[cursor:] == before[position:]


@FUZZ
@given(raw=documents)
def test_checking_never_crashes(raw: bytes, tmp_path: Path) -> None:
    path = _write(tmp_path, raw)
    result = run([path], _settings(tmp_path), cwd=tmp_path)
    assert not [f for f in result.findings if f.rule == INTERNAL_ERROR], result.findings


@FUZZ
@given(raw=documents)
def test_one_round_of_fixes_touches_only_the_edited_spans(raw: bytes, tmp_path: Path) -> None:
    doc = Document(tmp_path / "note.md", "note.md", raw)
    findings = lint_document(doc, _settings(tmp_path)).findings
    fixes = applicable_fixes(findings, unsafe=True)
    for fix in fixes:
        assert all(0 <= e.start <= e.end <= len(doc.text) for e in fix.edits), fix
    fixed, applied = apply_fixes(doc.text, fixes, doc.newline)
    accepted = accepted_fixes(fixes)
    assert applied == len(accepted)
    edits = [edit for fix in accepted for edit in fix.edits]
    assert _outside_spans_unchanged(doc.text, fixed, edits, doc.newline)
    if "\r\n" in raw.decode("utf-8", "replace") and b"\n" not in raw.replace(b"\r\n", b""):
        assert "\n" not in fixed.replace("\r\n", ""), "a bare LF in a CRLF file"


@FUZZ
@given(raw=documents)
def test_fixing_is_idempotent_and_leaves_nothing_fixable(raw: bytes, tmp_path: Path) -> None:
    path = _write(tmp_path, raw)
    run([path], _settings(tmp_path, fix=True), cwd=tmp_path)
    once = path.read_bytes()
    assert once.startswith(UTF8_BOM) == raw.startswith(UTF8_BOM)
    again = run([path], _settings(tmp_path, fix=True), cwd=tmp_path)
    assert path.read_bytes() == once
    assert again.fixes_applied == 0
    relinted = run([path], replace(_settings(tmp_path), unsafe_fixes=True), cwd=tmp_path)
    still_fixable = [f for f in relinted.findings if f.fix is not None]
    assert not still_fixable, still_fixable
