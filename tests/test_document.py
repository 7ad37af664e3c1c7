"""The parsed ``Document``: code spans and the lines that are not prose."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.token import Token

from tests.conftest import FIXTURE, SHARED
from tillint.checks.links_extract import _heading_text
from tillint.document import Document
from tillint.markdown import parser

# Real documents of every corpus (every 25th file, in path order) and the reference fixture.
_REAL = [FIXTURE, *sorted((SHARED / "corpus").rglob("*.md"))[::25]]


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


def test_non_prose_runs_join_adjacent_blocks() -> None:
    doc = Document.from_text(
        "---\na: 1\n---\n<div>\n</div>\ntext\n\n```\ncode\n```\n    indented\n"
    )
    assert doc.non_prose_runs == [(1, 6), (8, 11)]  # an HTML block ends at a blank line
    lines = {line for first, last in doc.non_prose_runs for line in range(first, last + 1)}
    assert lines == doc.non_prose_lines


def test_a_lone_carriage_return_ends_a_line_as_markdown_it_reads_it() -> None:
    doc = Document.from_text("# Title\r\rtext\r\n`code`\n")
    assert [doc.line_text(line) for line in range(1, doc.line_count + 1)] == [
        "# Title",
        "",
        "text",
        "`code`",
        "",
    ]
    assert doc.newline == "\r"
    opened = [(t.type, t.map) for t in doc.tokens if t.type.endswith("_open")]
    assert opened == [("heading_open", [0, 1]), ("paragraph_open", [2, 4])]


def test_code_spans_of_a_table_row_are_listed_once() -> None:
    doc = Document.from_text("| a | b |\n| --- | --- |\n| `x` | `y` |\n")
    row = doc.line_start(3)
    assert doc.code_spans == [(row + 2, row + 5), (row + 8, row + 11)]


def _parsed_whole(text: str) -> list[Token]:
    """A parse with every core rule: the inline children filled in at once."""
    whole = parser.__wrapped__()
    whole.enable(["inline", "text_join"])
    return [token for token in whole.parse(text) if token.type == "inline"]


def _as_dicts(tokens: list[Token]) -> list[dict[str, object]]:
    return [token.as_dict() for token in tokens]


@pytest.mark.parametrize("path", _REAL, ids=lambda path: path.name)
def test_inline_children_parsed_on_demand_equal_a_whole_parse(path: Path) -> None:
    doc = Document.from_text(path.read_text(encoding="utf-8", errors="replace"))
    inline = [token for token in doc.tokens if token.type == "inline"]
    whole = _parsed_whole(doc.text)
    assert [_as_dicts(doc.children(token)) for token in inline] == [
        _as_dicts(token.children or []) for token in whole
    ]


@pytest.mark.parametrize(
    "heading",
    [
        "# Plain words, digits 42 and (punctuation)!",
        "# Escaped \\. dot",
        "# With `code`",
        "# With ~~strike~~ and *emphasis* and snake_case",
        "# A [link](x.md) and ![image](y.png)",
        "# An <span>inline</span> tag and an &amp; entity",
        "# A note[^1]\n\n[^1]: Source.",
        "Setext\nheading\n=====",
    ],
)
def test_heading_text_is_the_text_of_its_inline_children(heading: str) -> None:
    doc = Document.from_text(heading + "\n")
    token = next(token for token in doc.tokens if token.type == "inline")
    whole = _parsed_whole(doc.text)[0].children or []
    written = "".join(
        " " if child.type in ("softbreak", "hardbreak") else child.content
        for child in whole
        if child.type in ("text", "code_inline", "softbreak", "hardbreak")
    )
    assert _heading_text(doc, token) == written


# Destinations markdown-it's normalizeLink leaves alone, and those it changes or might: each
# must come out of tillint's parser exactly as markdown-it's own function makes it.
_DESTINATIONS = [
    *("", "#anchor", "/til/a.md#x", "a%20b.md", "file.md?q=1&r=2", "./a:b", "(x)'y'"),
    *("https://example.com", "https://Example.COM:8080/a/b?c=d#e", "http://a.b/x'y(z)"),
    *("https://ex.com?q", "https://a-b.c/%7Euser/%e2%80%99", "https://a.b:99"),
    *("https://x.y:/p", "https://exa_mple.com/", "https://例え.jp/", "HTTPS://EXAMPLE.COM"),
    *("//example.com/x", "mailto:a@b.c", "../a b.md", "100%.md", "%zz", "javascript:x()"),
    *("https://user@host/x", "https://example.com./", "https://[::1]/x", "C:\\x", " x"),
    *("https://x.y#frag%2", "https:x", "a:b", "https://café.fr", "https://x.y/é"),
    "https://" + "a" * 64 + ".com",
    "https://" + ".".join(["a" * 60] * 5),
]


@pytest.mark.parametrize("destination", _DESTINATIONS)
def test_link_destinations_are_normalized_as_markdown_it_does(destination: str) -> None:
    from markdown_it.common.normalize_url import normalizeLink

    assert parser().normalizeLink(destination) == normalizeLink(destination)


def test_destinations_normalization_would_keep_are_not_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from markdown_it import MarkdownIt

    asked: list[str] = []
    monkeypatch.setattr(MarkdownIt, "normalizeLink", lambda self, url: asked.append(url) or url)
    kept = ["/til/a.md#x", "https://github.com/a/b?tab=1#L2", "../x%20y.md", "#top"]
    assert [parser().normalizeLink(url) for url in kept] == kept
    assert parser().normalizeLink("https://例え.jp/") == "https://例え.jp/"
    assert asked == ["https://例え.jp/"]


def _targets_from_children(doc: Document, token: Token) -> list[tuple[str, bool]]:
    return [
        (str(child.attrs["href"]), False)
        if child.type == "link_open"
        else (str(child.attrs["src"]), True)
        for child in doc.children(token)
        if child.type in ("link_open", "image")
    ]


def _targets_agree(text: str) -> bool:
    doc = Document.from_text(text)
    inline = [token for token in doc.tokens if token.type == "inline"]
    return all(doc.link_targets(token) == _targets_from_children(doc, token) for token in inline)


@pytest.mark.parametrize("path", _REAL, ids=lambda path: path.name)
def test_link_targets_read_from_plain_text_equal_those_parsed(path: Path) -> None:
    assert _targets_agree(path.read_text(encoding="utf-8", errors="replace"))


def test_link_targets_agree_with_the_parse_on_random_text() -> None:
    import random

    rng = random.Random(9)

    def pick(usual: list[str], rare: list[str]) -> str:
        return rng.choice(rare if rng.random() < 0.1 else usual)

    words = (
        ["a", "*b*", "é", "", "_c_", "!", "(", ")", "~~d~~", "\n"],
        ["`", "\\", "<i>", "&amp;"],
    )
    labels = ([""], ["^", "[", "]", "`"])
    destinations = (["x.md", "https://e.com/a", "%2", "ü", "", "#f", "x.md#a"], ["javascript:x"])
    destinations[1].extend(["DATA:y", "a(b)", "a(b", "<c d>", "x.md 't'", "[^1]", "\\)", "&amp;"])

    def link() -> str:
        label = pick(*labels) + pick(*words) + pick(*words)
        label = "^1" if rng.random() < 0.03 else label  # a footnote reference, when defined
        return f"{pick(['', '!'], ['^'])}[{label}]({pick(*destinations)})"

    def text() -> str:
        parts = [part for _ in range(3) for part in (pick(*words), link())]
        return " ".join(parts) + "\n\n[^1]: A footnote.\n"

    texts = [text() for _ in range(4000)]
    assert [text for text in texts if not _targets_agree(text)] == []


@pytest.mark.parametrize(
    ("content", "plain"),
    [
        (
            "See [a *b*](x.md) and ![c](https://e.com/i.png).",
            [("x.md", False), ("https://e.com/i.png", True)],
        ),
        ("[é](ü.md#ß) and [](<>)", None),  # "<": an autolink or HTML could hide a bracket
        ("[a](x.md) [b]", None),  # a bracket that is not a plain link: a reference?
        ("[a](x.md 'title')", None),
        ("[a](x(1).md)", None),
        ("[a](x.md) `[b](y.md)`", None),
        ("[a](x.md) \\[b](y.md)", None),
        ("[a](x&amp;y.md)", None),
        ("[^1](x.md)", [("x.md", False)]),
        ("^[note](x.md)", None),
        ("[a](javascript:alert(1))", None),
        ("[a](JavaScript:x)", None),
        ("[a](ü.md)", [("%C3%BC.md", False)]),
    ],
)
def test_only_text_whose_brackets_are_plain_links_skips_the_parse(
    content: str, plain: list[tuple[str, bool]] | None
) -> None:
    from tillint.markdown import plain_links

    assert plain_links(content) == plain
