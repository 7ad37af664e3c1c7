"""The front matter family through the CLI: the fixture, presets, routes, schemas, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FIXTURE, run_cli, write_file

POST = (
    '---\ntitle: "A post"\ndate: "2021-04-26"\ntemplate: "post"\npath: "/posts/a/"\n---\n\nBody.\n'
)


def _config(root: Path, body: str) -> None:
    (root / "tillint.toml").write_text(f"[frontmatter]\n{body}\n", encoding="utf-8")


def _rows(*args: str | Path) -> list[tuple[str, str, int, int]]:
    result = run_cli("check", "--format", "json", "--no-cache", *args)
    return [(f["path"], f["rule"], f["line"], f["column"]) for f in json.loads(result.output)]


def test_fixture_passes_the_lumen_preset(in_tmp: Path) -> None:
    _config(in_tmp, 'schema = "lumen"')
    shutil.copyfile(FIXTURE, in_tmp / "til-ai-ml.md")
    result = run_cli("check", "--select", "FM", "--no-cache", "til-ai-ml.md")
    assert result.exit_code == 0, result.output


def test_two_copies_of_a_post_give_fm007_on_both(in_tmp: Path) -> None:
    shutil.copyfile(FIXTURE, in_tmp / "a.md")
    shutil.copyfile(FIXTURE, in_tmp / "b.md")
    result = run_cli("check", "--select", "FM", "--format", "json", "--no-cache", ".")
    assert result.exit_code == 1
    findings = json.loads(result.output)
    assert [(f["path"], f["rule"], f["line"], f["column"]) for f in findings] == [
        ("a.md", "FM007", 6, 1),
        ("b.md", "FM007", 6, 1),
    ]
    assert "also the route of b.md:6" in findings[0]["message"]
    assert "also the route of a.md:6" in findings[1]["message"]


def test_fm007_is_the_same_with_worker_processes_and_shards(in_tmp: Path) -> None:
    for index in range(60):
        write_file(in_tmp, f"posts/p{index:02d}.md", POST.replace("/posts/a/", f"/posts/{index}/"))
    write_file(in_tmp, "posts/p07.md", POST.replace("/posts/a/", "/posts/3"))
    expected = [
        ("posts/p03.md", "FM007", 5, 1),
        ("posts/p07.md", "FM007", 5, 1),
    ]
    assert _rows("--select", "FM007", "--jobs", "1", ".") == expected
    assert _rows("--select", "FM007", "--jobs", "2", ".") == expected
    shards = [_rows("--select", "FM007", "--shard", f"{k}/3", ".") for k in (1, 2, 3)]
    assert sorted(row for shard in shards for row in shard) == expected


def test_route_keys_option(in_tmp: Path) -> None:
    _config(in_tmp, 'route_keys = ["url"]')
    write_file(in_tmp, "a.md", "---\nurl: /x/\npath: /same/\n---\n")
    write_file(in_tmp, "b.md", "---\nurl: /x\npath: /same/\n---\n")
    assert _rows("--select", "FM", ".") == [("a.md", "FM007", 2, 1), ("b.md", "FM007", 2, 1)]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
def test_no_finding_on_the_til_corpus(in_tmp: Path) -> None:
    _config(in_tmp, "")
    result = run_cli("check", "--select", "FM", "--no-cache", CORPUS)
    assert result.exit_code == 0, result.output[:2000]


def test_globs_choose_the_schema_per_folder(in_tmp: Path) -> None:
    _config(
        in_tmp,
        'schemas = {"content/posts/**" = "lumen", "content/blog/**" = "astro-blog"}',
    )
    write_file(in_tmp, "content/posts/2021/a.md", "---\ntitle: A\ntemplate: posts\n---\n")
    write_file(in_tmp, "content/blog/b.md", "---\ntitle: B\ntemplate: posts\n---\n")
    write_file(in_tmp, "notes/c.md", "---\ntemplate: posts\n---\n")
    assert _rows("--select", "FM", ".") == [
        ("content/blog/b.md", "FM003", 1, 1),  # description missing
        ("content/blog/b.md", "FM003", 1, 1),  # pubDate missing
        ("content/blog/b.md", "FM005", 3, 1),  # template is not an Astro key
        ("content/posts/2021/a.md", "FM003", 3, 1),
    ]


def test_messages_name_the_key_and_the_expectation(in_tmp: Path) -> None:
    _config(in_tmp, 'schema = "lumen"')
    write_file(in_tmp, "a.md", "---\ntitle: A\ntemplate: posts\ndraft: 'no'\ntags: [x, 3]\n---\n")
    result = run_cli("check", "--select", "FM003", "--format", "json", "--no-cache", "a.md")
    messages = [f["message"] for f in json.loads(result.output)]
    assert messages == [
        'template: expected one of "post", "page", got "posts"',
        'draft: expected a boolean, got "no"',
        "tags[1]: expected a string, got 3",
    ]


def test_a_missing_schema_file_is_a_usage_error(in_tmp: Path) -> None:
    _config(in_tmp, 'schema = "schemas/missing.yaml"')
    write_file(in_tmp, "a.md", "---\ntitle: A\n---\n")
    result = run_cli("check", "--select", "FM", "--no-cache", "a.md")
    assert result.exit_code == 2
    assert "schemas/missing.yaml" in result.output


def test_a_schema_file_naming_itself_in_the_front_matter(in_tmp: Path) -> None:
    write_file(in_tmp, "schemas/note.json", json.dumps({"type": "object", "required": ["title"]}))
    write_file(in_tmp, "notes/a.md", "---\n$schema: ../schemas/note.json\ndate: x\n---\n")
    write_file(in_tmp, "notes/b.md", "---\n$schema: nowhere.yaml\n---\n")
    assert _rows("--select", "FM", ".") == [
        ("notes/a.md", "FM003", 1, 1),
        ("notes/b.md", "FM003", 2, 1),
    ]


def test_no_python_tag_is_ever_executed(in_tmp: Path) -> None:
    marker = in_tmp / "pwned"
    write_file(
        in_tmp,
        "a.md",
        f'---\nx: !!python/object/apply:os.system ["touch {marker}"]\n---\n',
    )
    assert _rows("--select", "FM", "a.md") == [("a.md", "FM002", 2, 4)]
    assert not marker.exists()


def test_bom_and_crlf_positions(in_tmp: Path) -> None:
    _config(in_tmp, 'schema = "lumen"')
    text = "---\r\ntitle: 한국어 제목\r\ntemplate: posts\r\ntitle: again\r\n...\r\n\r\nBody.\r\n"
    (in_tmp / "a.md").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert _rows("--select", "FM", "a.md") == [
        ("a.md", "FM004", 2, 1),
        ("a.md", "FM003", 3, 1),
        ("a.md", "FM004", 4, 1),
    ]


def test_explain_fm003_documents_how_to_write_a_schema() -> None:
    result = run_cli("explain", "FM003")
    assert result.exit_code == 0
    assert "Writing a schema" in result.output
    assert "required: [title, date, template]" in result.output
    assert "[tool.tillint.frontmatter]" in result.output
