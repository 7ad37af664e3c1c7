"""Engine behaviour users notice: caching, sharding, workers, suppressions, discovery."""

from __future__ import annotations

import gc
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_cli, write_file
from tillint import cache, engine
from tillint.cache import ResultCache, run_fingerprint
from tillint.checks import run_corpus_check
from tillint.config import CliOverrides, load_settings
from tillint.discover import find_files
from tillint.engine import corpus_findings, fingerprint_inputs, lint_with_cache, loading_unwatched

BAD = "A claim.[^1] and[^ 2]\n\n[^3]: Unused.\n"


def _tree(root: Path, count: int = 80) -> None:
    for index in range(count):
        folder = root / f"topic{index % 7}"
        folder.mkdir(exist_ok=True)
        text = BAD if index % 3 == 0 else "A claim.[^1]\n\n[^1]: Fine.\n"
        (folder / f"note{index:03}.md").write_text(text, encoding="utf-8")


def _json(*args: str) -> list[dict[str, object]]:
    return list(json.loads(run_cli("check", "--format", "json", *args).output))


def test_warm_run_gives_identical_output_and_sees_changes(in_tmp: Path) -> None:
    _tree(in_tmp)
    cold = run_cli("check", "--format", "concise", ".").output
    assert (in_tmp / ".tillint_cache" / "results.sqlite").is_file()
    assert run_cli("check", "--format", "concise", ".").output == cold
    assert run_cli("check", "--format", "concise", "--no-cache", ".").output == cold
    changed = in_tmp / "topic0" / "note000.md"
    changed.write_text("Now clean.\n", encoding="utf-8")
    warm = run_cli("check", "--format", "concise", ".").output
    assert "topic0/note000.md" not in warm and "topic0/note000.md" in cold


def test_cache_hit_after_touch_uses_content_digest(in_tmp: Path) -> None:
    _tree(in_tmp, 5)
    first = run_cli("check", "--format", "concise", ".").output
    for path in in_tmp.rglob("*.md"):
        os.utime(path, ns=(1, 1))
    assert run_cli("check", "--format", "concise", ".").output == first


def test_a_warm_run_writes_nothing_to_the_cache(in_tmp: Path) -> None:
    _tree(in_tmp, 5)
    run_cli("check", ".")
    database = in_tmp / ".tillint_cache" / "results.sqlite"
    written = database.stat().st_mtime_ns, database.stat().st_size
    os.utime(database, ns=(1, 1))  # any write would move it
    run_cli("check", ".")
    assert (database.stat().st_mtime_ns, database.stat().st_size) == (1, written[1])


def test_a_cache_of_another_schema_is_replaced(in_tmp: Path) -> None:
    _tree(in_tmp, 5)
    expected = run_cli("check", "--format", "concise", ".").output
    database = in_tmp / ".tillint_cache" / "results.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE meta SET value = 'old' WHERE name = 'schema'")
    connection.close()
    result = run_cli("check", "--format", "concise", ".")
    assert "discarded a result cache written by another tillint version" in result.output
    assert run_cli("check", "--format", "concise", ".").output == expected


def test_corrupt_cache_is_discarded_with_one_warning(in_tmp: Path) -> None:
    _tree(in_tmp, 5)
    expected = run_cli("check", "--format", "concise", ".").output
    database = in_tmp / ".tillint_cache" / "results.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.write_bytes(b"this is not a database" * 100)
    result = run_cli("check", "--format", "concise", ".")
    assert result.output.count("discarded a corrupt result cache") == 1
    assert expected in result.output
    assert sqlite3.connect(database).execute("SELECT count(*) FROM results").fetchone()[0] == 5


def test_shards_partition_the_files_and_agree_with_a_full_run(in_tmp: Path) -> None:
    _tree(in_tmp)
    full = _json("--no-cache", ".")
    parts = [_json("--no-cache", "--shard", f"{k}/3", ".") for k in (1, 2, 3)]
    assert all(parts)
    merged = sorted(
        (f for part in parts for f in part),
        key=lambda f: (str(f["path"]), f["line"], f["column"], str(f["rule"])),
    )
    assert merged == full
    assert run_cli("check", "--shard", "4/3", ".").exit_code == 2


def test_shards_sharing_a_warm_cache_report_only_their_own_files(in_tmp: Path) -> None:
    _tree(in_tmp, 30)
    full = _json(".")  # fills the cache with every file's complete result
    parts = [_json("--shard", f"{k}/3", ".") for k in (1, 2, 3)]
    assert sorted(len(part) for part in parts) != [len(full)] * 3
    assert sorted((f for part in parts for f in part), key=json.dumps) == sorted(
        full, key=json.dumps
    )


def test_output_is_identical_for_any_number_of_workers(in_tmp: Path) -> None:
    _tree(in_tmp, 120)
    one = run_cli("check", "--no-cache", "--jobs", "1", "--format", "json", ".").output
    two = run_cli("check", "--no-cache", "--jobs", "2", "--format", "json", ".").output
    assert one == two and len(json.loads(one)) == 120


def test_inline_suppressions(in_tmp: Path) -> None:
    (in_tmp / "a.md").write_text(
        "x[^1]\n"
        "<!-- tillint-disable-next-line FN001 -->\n"
        "y[^2]\n"
        "<!-- tillint-disable undefined-footnote -->\n"
        "z[^3]\n"
        "<!-- tillint-enable FN001 -->\n"
        "w[^4] v[^5] <!-- tillint-disable-line FN -->\n"
        "u[^6]\n"
        "`<!-- tillint-disable -->`\n"
        "t[^7]\n",
        encoding="utf-8",
    )
    lines = [f["line"] for f in _json("a.md")]
    assert lines == [1, 8, 10]
    (in_tmp / "b.md").write_text("<!-- tillint-disable-file -->\nx[^1]\n", encoding="utf-8")
    assert _json("b.md") == []


def test_discovery_honours_gitignore_excludes_and_symlinks(in_tmp: Path) -> None:
    (in_tmp / ".git").mkdir()
    (in_tmp / ".gitignore").write_text("drafts/\n*.tmp.md\n", encoding="utf-8")
    for name in ("posts/a.md", "drafts/b.md", "posts/c.tmp.md", "node_modules/d.md", "e.markdown"):
        (in_tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (in_tmp / name).write_text("x[^1]\n", encoding="utf-8")
    (in_tmp / "posts" / "notes.txt").write_text("x[^1]\n", encoding="utf-8")
    os.symlink(in_tmp / "drafts", in_tmp / "posts" / "linked-dir")
    paths = sorted({str(f["path"]) for f in _json(".")})
    assert paths == ["e.markdown", "posts/a.md"]
    # A file named explicitly is checked whatever the patterns say.
    assert {str(f["path"]) for f in _json("drafts/b.md")} == {"drafts/b.md"}


def test_gitignore_files_apply_from_a_subdirectory_of_the_work_tree(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / ".git").mkdir()
    (in_tmp / ".gitignore").write_text("/posts/secret.md\n", encoding="utf-8")
    (in_tmp / "posts" / "deep").mkdir(parents=True)
    (in_tmp / "posts" / ".gitignore").write_text("deep/*.md\n", encoding="utf-8")
    for name in ("a.md", "secret.md", "deep/b.md", "deep/more/c.md"):
        (in_tmp / "posts" / name).parent.mkdir(parents=True, exist_ok=True)
        (in_tmp / "posts" / name).write_text("x[^1]\n", encoding="utf-8")
    monkeypatch.chdir(in_tmp / "posts")
    assert sorted({str(f["path"]) for f in _json(".")}) == ["a.md", "deep/more/c.md"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_never_opened(in_tmp: Path) -> None:
    os.mkfifo(in_tmp / "pipe.md")
    (in_tmp / "ok.md").write_text("x[^1]\n", encoding="utf-8")
    found = {(str(f["path"]), str(f["rule"])) for f in _json(".")}
    assert found == {("ok.md", "FN001"), ("pipe.md", "TL005")}


def test_cached_link_findings_follow_the_files_they_point_at(in_tmp: Path) -> None:
    (in_tmp / "note.md").write_text(
        "![chart](img/chart.png) and [more](other/notes.md#setup)\n", encoding="utf-8"
    )

    def rules() -> list[tuple[str, int]]:
        findings = _json("--offline", "--select", "LK", "note.md")
        return [(str(f["rule"]), int(str(f["column"]))) for f in findings]

    assert rules() == [("LK003", 10), ("LK003", 36)]
    (in_tmp / "img").mkdir()
    (in_tmp / "img" / "chart.png").write_bytes(b"\x89PNG")
    assert rules() == [("LK003", 36)]  # the image appeared: the cached finding is not reused
    (in_tmp / "other").mkdir()
    notes = in_tmp / "other" / "notes.md"  # not checked itself: its anchors are read from disk
    notes.write_text("# Install\n", encoding="utf-8")
    assert rules() == [("LK004", 36)]
    notes.write_text("# Install\n\n## Setup\n", encoding="utf-8")
    os.utime(notes, ns=(1, 1))  # a different size and mtime: read again
    assert rules() == []
    (in_tmp / "img" / "chart.png").unlink()
    assert rules() == [("LK003", 10)]


def test_cached_link_findings_follow_the_documents_they_point_at(in_tmp: Path) -> None:
    (in_tmp / "note.md").write_text("[other](other.md) and [top](/top.md)\n", encoding="utf-8")

    def rules() -> list[tuple[str, int]]:
        findings = _json("--offline", "--select", "LK", ".")
        return [(str(f["rule"]), int(str(f["column"]))) for f in findings]

    assert rules() == [("LK003", 9), ("LK003", 29)]
    (in_tmp / "other.md").write_text("# Other\n", encoding="utf-8")
    (in_tmp / "top.md").write_text("# Top\n", encoding="utf-8")
    assert rules() == []  # the targets are documents now: not probed, yet not stale
    (in_tmp / "other.md").unlink()
    assert rules() == [("LK003", 9)]


def test_a_change_that_leaves_a_familys_summaries_alone_reuses_its_cross_file_findings(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_file(in_tmp, "a.md", "# A\n\nSee [setup](b.md#setup).\n")
    write_file(in_tmp, "b.md", "# B\n")
    rerun: list[str] = []

    def recording(family: str, *args: object) -> object:
        rerun.append(family)
        return run_corpus_check(family, *args)  # type: ignore[arg-type]

    def rules() -> list[tuple[str, str]]:
        rerun.clear()
        return [(str(f["path"]), str(f["rule"])) for f in _json("--offline", "--select", "LK", ".")]

    monkeypatch.setattr(engine, "run_corpus_check", recording)
    assert rules() == [("a.md", "LK004")] and rerun == ["links"]
    write_file(in_tmp, "b.md", "# B\n\nA new paragraph, no link, no heading.\n")
    assert rules() == [("a.md", "LK004")] and rerun == []  # same link summaries: reused
    assert rules() == [("a.md", "LK004")] and rerun == []  # and again, by the documents
    write_file(in_tmp, "b.md", "# B\n\nA new paragraph, no link, no heading.\n\n## Setup\n")
    assert rules() == [] and rerun == ["links"]  # b.md's anchors changed
    (in_tmp / "b.md").unlink()
    assert rules() == [("a.md", "LK003")] and rerun == ["links"]


def test_summaries_lost_to_a_concurrent_run_are_computed_again(in_tmp: Path) -> None:
    (in_tmp / "a.md").write_text("[b](b.md#missing)\n", encoding="utf-8")
    (in_tmp / "b.md").write_text("# Title\n", encoding="utf-8")
    settings = load_settings([in_tmp], CliOverrides(select=["LK004"], offline=True))
    assert settings.cache_dir is not None
    files = find_files([in_tmp], settings).files
    fingerprint = run_fingerprint(settings, fingerprint_inputs(settings))
    writer = ResultCache(settings.cache_dir, fingerprint)
    lint_with_cache(files, settings, in_tmp, writer, None)
    writer.close()
    reader = ResultCache(settings.cache_dir, fingerprint)  # rows read, summaries not yet
    with sqlite3.connect(settings.cache_dir / "results.sqlite") as other:
        other.execute("UPDATE summaries SET fingerprint = 'another run', summary = x''")
    results = lint_with_cache(files, settings, in_tmp, reader, None)
    found = corpus_findings(results, settings)
    reader.close()
    assert [(f.path, f.rule, f.span.column) for f in found] == [("a.md", "LK004", 5)]


def test_results_are_written_in_batches_while_the_run_goes_on(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b", "c"):
        write_file(in_tmp, f"{name}.md", f"# {name}\n")
    monkeypatch.setattr(cache, "WRITE_BATCH", 2)
    settings = load_settings([in_tmp], CliOverrides(offline=True))
    assert settings.cache_dir is not None
    files = find_files([in_tmp], settings).files
    writer = ResultCache(settings.cache_dir, run_fingerprint(settings, []))
    lint_with_cache(files, settings, in_tmp, writer, None)

    database = settings.cache_dir / "results.sqlite"

    def written() -> list[str]:
        with sqlite3.connect(database) as other:
            return sorted(key for (key,) in other.execute("SELECT key FROM results"))

    assert written() == ["a.md", "b.md"]  # a full batch, before the run ends
    writer.close()
    assert written() == ["a.md", "b.md", "c.md"]


def test_results_loaded_from_the_cache_are_kept_from_the_collector_until_the_run_ends(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_file(in_tmp, "a.md", "# A\n\nSee [b](b.md).\n")
    write_file(in_tmp, "b.md", "# B\n")
    assert run_cli("check", "--offline", ".").exit_code == 0
    frozen_while_checking: list[int] = []

    def counting(*args: object) -> object:
        frozen_while_checking.append(gc.get_freeze_count())
        return run_corpus_check(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "run_corpus_check", counting)
    write_file(in_tmp, "b.md", "# B changed\n")  # the cross-file summaries are read again
    assert run_cli("check", "--offline", ".").exit_code == 0
    assert frozen_while_checking and min(frozen_while_checking) > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_the_collector_is_paused_while_loading_and_enabled_again_after_a_failure() -> None:
    try:
        with pytest.raises(RuntimeError), loading_unwatched():
            assert not gc.isenabled()
            raise RuntimeError("a check failed")
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_run_in_worker_processes_leaves_nothing_frozen(in_tmp: Path) -> None:
    _tree(in_tmp, 60)  # enough files for the worker pool
    assert run_cli("check", "--jobs", "2", "--no-cache", ".").exit_code == 1
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_cache_restored_in_another_checkout_resolves_links_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "first"
    write_file(first, "tillint.toml", "")
    write_file(first, "notes/a.md", "[b](b.md), [setup](../guide.md#setup), ![c](c.png)\n")
    write_file(first, "notes/b.md", "# B\n")
    write_file(first, "notes/c.png", "")
    write_file(first, "guide.md", "# Guide\n\n## Setup\n")
    monkeypatch.chdir(first)
    assert _json("--offline", "--select", "LK", ".") == []
    second = tmp_path / "second"  # actions/cache restores the cache in another directory
    shutil.copytree(first, second, copy_function=shutil.copy)  # new mtimes: digests compared
    shutil.rmtree(first)
    monkeypatch.chdir(second)
    assert _json("--offline", "--select", "LK", ".") == []
    (second / "notes" / "b.md").unlink()
    found = _json("--offline", "--select", "LK", ".")
    assert [(f["path"], f["rule"], f["column"]) for f in found] == [("notes/a.md", "LK003", 5)]
