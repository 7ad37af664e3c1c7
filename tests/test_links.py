"""The links family offline: local files, routes, anchors, malformed links, exact positions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS, FIXTURE, REPO, run_cli, write_file
from tillint.checks.links_document import malformed_reason
from tillint.checks.links_extract import extract_links, github_slug, gitlab_slug
from tillint.document import Document


def _rows(*args: str | Path) -> list[tuple[str, str, int, int]]:
    result = run_cli("check", "--format", "json", "--select", "LK", *args)
    assert result.exit_code in (0, 1), result.output
    return [(f["path"], f["rule"], f["line"], f["column"]) for f in json.loads(result.output)]


def _messages(*args: str | Path) -> list[str]:
    result = run_cli("check", "--format", "json", "--select", "LK", *args)
    return [str(f["message"]) for f in json.loads(result.output)]


def test_fixture_offline_reports_only_the_missing_image(in_tmp: Path) -> None:
    assert _rows("--offline", FIXTURE) == [(str(FIXTURE), "LK003", 105, 8)]
    assert _messages("--offline", FIXTURE) == [
        "no such image `../img/21-11-14-2.png` next to this file"
    ]


def test_offline_run_never_imports_requests(in_tmp: Path) -> None:
    (in_tmp / "a.md").write_text("[x](https://example.invalid/)\n", encoding="utf-8")
    code = (
        "import sys; from tillint.cli import main\n"
        "try: main(['check', '--offline', '--select', 'LK', 'a.md'])\n"
        "except SystemExit: pass\n"
        "assert 'requests' not in sys.modules, 'requests imported offline'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=in_tmp,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert "All checks passed!" in done.stdout


# Every LK003/LK004/LK007 finding on the real corpus, checked by hand: relative links written
# from a subdirectory as if from the root, misspelled file names, links without `.md`, a
# heading renamed (`### NextAuth.js` slugs to `nextauthjs`) and an empty target.
CORPUS_FINDINGS = [
    ("README.md", "LK004", 69, 17),
    ("README.md", "LK003", 2084, 37),
    ("bash/edit-the-current-command-prompt.md", "LK003", 17, 39),
    ("git/highlight-small-change-on-single-line.md", "LK003", 41, 30),
    ("git/list-all-authors-on-git-repository.md", "LK003", 35, 8),
    ("go/access-go-docs-offline.md", "LK003", 6, 27),
    ("heroku/check-ruby-version-for-production-app.md", "LK003", 28, 15),
    ("javascript/support-nested-matching-in-custom-jest-matchers.md", "LK003", 3, 25),
    ("nextjs/define-url-redirects-in-the-next-config.md", "LK003", 3, 37),
    ("postgres/compute-the-md5-hash-of-a-string.md", "LK003", 21, 32),
    ("python/another-way-to-mark-keyword-only-dataclass-fields.md", "LK003", 4, 8),
    ("rails/count-the-number-of-records-by-attribute.md", "LK003", 4, 7),
    ("rails/rescue-from-with-a-separate-method.md", "LK003", 3, 39),
    ("rails/set-statement-timeout-for-all-postgres-connections.md", "LK003", 4, 23),
    ("reason/compile-reason-with-an-ocaml-package-using-dune.md", "LK003", 4, 7),
    ("sed/reference-the-full-match-in-the-replacement.md", "LK003", 14, 11),
    ("unix/fix-shim-path-after-asdf-upgrade.md", "LK003", 3, 36),
    ("unix/format-and-display-small-amounts-of-columnar-data.md", "LK003", 4, 11),
    ("unix/get-word-count-for-all-files-in-git-repo.md", "LK007", 3, 53),
    ("unix/list-txt-dns-records-for-a-domain.md", "LK003", 41, 17),
    ("unix/manually-pass-two-git-files-to-delta.md", "LK003", 4, 8),
    ("unix/see-where-asdf-gets-current-tool-version.md", "LK003", 4, 7),
]


def test_corpus_offline_finds_exactly_the_real_dead_links(in_tmp: Path) -> None:
    config = in_tmp / "tillint.toml"
    config.write_text(f'[links]\nroot = "{CORPUS}"\n', encoding="utf-8")
    rows = _rows("--offline", "--config", config, CORPUS)
    assert [(Path(p).relative_to(CORPUS).as_posix(), *rest) for p, *rest in rows] == [
        (path, rule, line, column) for path, rule, line, column in CORPUS_FINDINGS
    ]


def test_positions_in_lists_quotes_references_footnotes_and_crlf(in_tmp: Path) -> None:
    text = (
        "---\r\ntitle: t\r\n---\r\n"
        "- item [a](missing-a.md)\r\n"
        "  - nested 한국어 ![b](missing-b.png)\r\n"
        "> quote [c][ref] and [c again][ref]\r\n"
        "\r\n"
        "[ref]: ./missing-ref.md\r\n"
        "\r\n"
        "Note[^1] and `[code](missing-code.md)`.\r\n"
        "\r\n"
        "[^1]: See [d](missing-d.md).\r\n"
        "\r\n"
        "```\r\n[e](missing-e.md)\r\n```\r\n"
        '<img src="missing-f.png"> [![g](missing-g.svg)](missing-h.md)\r\n'
    )
    write_file(in_tmp, "doc.md", text)
    assert _rows("--offline", "doc.md") == [
        ("doc.md", "LK003", 4, 12),
        ("doc.md", "LK003", 5, 21),
        ("doc.md", "LK003", 8, 8),
        ("doc.md", "LK003", 12, 15),
        ("doc.md", "LK003", 17, 11),
        ("doc.md", "LK003", 17, 33),
        ("doc.md", "LK003", 17, 49),
    ]


def test_destinations_with_parentheses_escapes_and_angle_brackets_are_placed_exactly() -> None:
    text = (
        "[a](x(y)z) [b](p\\)q) [c](<s t>) [d](u\\\\v) `[e](code)`\n"
        '<https://auto.example/> <me@example.com> [f]( w "title")\n'
    )
    links = extract_links(Document.from_text(text), [])
    assert [(text[link.start : link.end], link.target) for link in links if link.exact] == [
        ("x(y)z", "x(y)z"),
        ("p\\)q", "p)q"),
        ("<s t>", "s%20t"),
        ("u\\\\v", "u%5Cv"),
        ("https://auto.example/", "https://auto.example/"),
        ("me@example.com", "mailto:me@example.com"),
        ("w", "w"),
    ]


def test_the_same_target_in_two_table_cells_is_reported_in_each(in_tmp: Path) -> None:
    table = "| a | b |\n| --- | --- |\n| [x](gone.md) | [y](gone.md) `c` | `d` |\n"
    write_file(in_tmp, "t.md", table)
    assert _rows("--offline", "t.md") == [("t.md", "LK003", 3, 7), ("t.md", "LK003", 3, 22)]


def test_html_links_in_table_cells_are_found_once() -> None:
    row = '| <a href="a.md">x</a> | <a href="b.md">y</a> |'
    doc = Document.from_text(f"| a | b |\n| --- | --- |\n{row}\n")
    found = [(link.target, link.span.column) for link in extract_links(doc, [])]
    assert found == [("a.md", row.index("a.md") + 1), ("b.md", row.index("b.md") + 1)]


def test_root_absolute_links_and_site_routes(in_tmp: Path) -> None:
    write_file(in_tmp, "git/merge.md", "# Merge\n\n## Fast forward\n")
    post = '---\npath: "/cheatsheet/21-04-26/"\n---\n# Post\n## Setup\n'
    write_file(in_tmp, "blog/post.md", post)
    write_file(in_tmp, "blog/other.md", "---\nslug: my-post\n---\n# Other\n")
    write_file(
        in_tmp,
        "index.md",
        "[a](/git/merge.md#fast-forward) [b](/cheatsheet/21-04-26/#setup) [c](/posts/my-post/)\n"
        "[d](/git/rebase.md) [e](/cheatsheet/21-04-27/) [f](/cheatsheet/21-04-26/#nope)\n"
        "[g](/git/merge.md#slow) [h](git/) [i](git/merge.md?plain=1#fast-forward)\n",
    )
    assert _rows("--offline", ".") == [
        ("index.md", "LK003", 2, 5),
        ("index.md", "LK003", 2, 25),
        ("index.md", "LK004", 2, 52),
        ("index.md", "LK004", 3, 5),
    ]
    messages = _messages("--offline", ".")
    assert messages[0] == (
        "no such file `/git/rebase.md` under the root and no document declares that route"
    )
    assert messages[2] == "no heading or anchor `#nope` in blog/post.md"
    assert messages[3] == "no heading or anchor `#slow` in git/merge.md"


def test_root_option_moves_root_absolute_links(in_tmp: Path) -> None:
    write_file(in_tmp, "docs/git/merge.md", "# Merge\n")
    write_file(in_tmp, "docs/index.md", "[a](/git/merge.md)\n")
    assert _rows("--offline", "docs") == [("docs/index.md", "LK003", 1, 5)]
    (in_tmp / "tillint.toml").write_text('[links]\nroot = "docs"\n', encoding="utf-8")
    assert _rows("--offline", "docs") == []


def test_anchors_same_file_other_file_and_unchecked_targets(in_tmp: Path) -> None:
    write_file(in_tmp, "other.md", "# Other\n\n## 설치 방법\n\n<div id='box'></div>\n")
    write_file(in_tmp, "script.py", "print()\n")
    write_file(
        in_tmp,
        "doc.md",
        "# Intro\n\n## Intro\n\n"
        "[a](#intro-1) [b](#intro-2) [c](other.md#설치-방법) [d](other.md#box)\n"
        "[e](other.md#%EC%84%A4%EC%B9%98-%EB%B0%A9%EB%B2%95) [f](other.md#gone)\n"
        "[g](#user-content-intro) [h](script.py#L10) [i](#) [j](#Intro)\n",
    )
    assert _rows("--offline", "doc.md", "other.md") == [
        ("doc.md", "LK004", 5, 19),
        ("doc.md", "LK004", 6, 57),
    ]
    assert _messages("--offline", "doc.md") == [
        "no heading or anchor `#intro-2` in this file",
        "no heading or anchor `#gone` in other.md",
    ]


def test_malformed_links(in_tmp: Path) -> None:
    write_file(
        in_tmp,
        "doc.md",
        "[a]() [b](htps://x.org) [c](http://[bad/) [d](mailto:a@b.org) [e](<>)\n",
    )
    assert _rows("--offline", "doc.md") == [
        ("doc.md", "LK007", 1, 5),
        ("doc.md", "LK007", 1, 11),
        ("doc.md", "LK007", 1, 29),
        ("doc.md", "LK007", 1, 67),
    ]
    assert _messages("--offline", "doc.md")[1] == "unknown scheme `htps:` in `htps://x.org`"


def test_web_urls_are_malformed_only_for_what_their_host_and_port_say() -> None:
    schemes = frozenset({"mailto"})
    fine = [
        "https://example.org",
        "http://a-b.example.org/p?q#f",
        "https://u@x.org/",
        "https://x.org:8080",
    ]
    assert [malformed_reason(url, schemes) for url in fine] == [None] * len(fine)
    assert [
        malformed_reason(url, schemes)
        for url in ("http:///path", "https://x.org:0/", "https://x%20y.org/", "https://x.org:99999")
    ] == [
        "bad URL `http:///path`: no host",
        "bad URL `https://x.org:0/`: no host",
        "bad URL `https://x%20y.org/`: `x%20y.org` is not a host name",
        "bad URL `https://x.org:99999`: Port out of range 0-65535",
    ]


def test_offline_says_nothing_about_external_links(in_tmp: Path) -> None:
    write_file(in_tmp, "doc.md", "[a](https://example.invalid/404) <http://10.0.0.1/>\n")
    assert _rows("--offline", "doc.md") == []


def test_excludes_by_target_and_by_file(in_tmp: Path) -> None:
    write_file(in_tmp, "doc.md", "[a](missing.md) [b](drafts/x.md)\n")
    write_file(in_tmp, "drafts/todo.md", "[c](nowhere.md)\n")
    (in_tmp / "tillint.toml").write_text(
        '[links]\nexclude = ["^drafts/"]\nexclude_files = ["^drafts/"]\n', encoding="utf-8"
    )
    assert _rows("--offline", ".") == [("doc.md", "LK003", 1, 5)]


def test_slugs_follow_github_and_gitlab() -> None:
    assert github_slug("Set up (macOS) & Linux") == "set-up-macos--linux"
    assert github_slug("🧩 ML library") == "-ml-library"
    assert github_slug("설치 방법 v2.0") == "설치-방법-v20"
    assert github_slug("snake_case-Name") == "snake_case-name"
    assert gitlab_slug("Set up (macOS) & Linux") == "set-up-macos-linux"


def test_ascii_slugs_keep_what_the_unicode_categories_keep() -> None:
    every_ascii = "".join(map(chr, range(128)))
    # The ASCII text is slugged in one pass; "é" sends it down the general, per-letter path.
    assert github_slug(every_ascii) == github_slug(every_ascii + "é")[:-1]


def test_unknown_anchor_style_is_an_error(in_tmp: Path) -> None:
    (in_tmp / "tillint.toml").write_text('[links]\nanchor_style = "bitbucket"\n', "utf-8")
    write_file(in_tmp, "doc.md", "# A\n")
    result = run_cli("check", "--offline", "--select", "LK", "doc.md")
    assert result.exit_code == 2
    assert "anchor_style" in result.output
