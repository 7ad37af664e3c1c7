"""The parsed ``Document``: code spans and the lines that are not prose."""

from __future__ import annotations

from tillint.document import Document


def _spans(text: str) -> list[str]:
    doc = Document.from_text(text)
    return [doc.text[start:end] for start, end in doc.code_spans]


def test_a_code_span_closes_at_the_next_run_of_its_length() -> None:
    assert _spans("a ``x ` y`` and `z`\n") == ["``x ` y``", "`z`"]


def test_unclosed_and_escaped_backticks_open_no_span() -> None:
    assert _spans("a ``` b `c` \\` d ``e\n") == ["`c`"]


def test_many_backtick_runs_stay_correct() -> None:
    text = "".join("e" + "`" * (i % 7 + 1) for i in range(200)) + "\n"
    spans = _spans(text)
    assert spans[0] == "`e``e```e````e`````e``````e```````e`"
    assert len(spans) == 25
