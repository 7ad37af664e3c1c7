"""Command-line behaviour: exit codes, formats, selection, configuration errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli, write_file

BAD = "A claim.[^1]\n"
CLEAN = "A claim.[^1]\n\n[^1]: Source.\n"


def test_exit_codes(in_tmp: Path) -> None:
    write_file(in_tmp, "clean.md", CLEAN)
    assert run_cli("check", "clean.md").exit_code == 0
    write_file(in_tmp, "bad.md", BAD)
    assert run_cli("check", ".").exit_code == 1
    assert run_cli("check", "--exit-zero", ".").exit_code == 0
    assert run_cli("check", "missing.md").exit_code == 2


def test_concise_output_is_ruff_style(in_tmp: Path) -> None:
    write_file(in_tmp, "notes/bad.md", BAD)
    result = run_cli("check", "--format", "concise", "--quiet", ".")
    assert result.output == "notes/bad.md:1:9: FN001 footnote reference `[^1]` has no definition\n"


def test_full_output_has_source_and_caret(in_tmp: Path) -> None:
    write_file(in_tmp, "bad.md", "한국어 claim[^1]\n")
    lines = run_cli("check", "bad.md").output.splitlines()
    assert lines[:4] == [
        "bad.md:1:10: FN001 footnote reference `[^1]` has no definition",
        "  |",
        "1 | 한국어 claim[^1]",
        "  | " + " " * 12 + "^^^^",
    ]
    assert lines[-1] == "Found 1 finding."


def test_json_fields(in_tmp: Path) -> None:
    write_file(in_tmp, "bad.md", "x[^ 1]\n\n[^1]: y\n")
    data = json.loads(run_cli("check", "--format", "json", "bad.md").output)
    first = data[0]
    assert set(first) == {
        "path", "line", "column", "end_line", "end_column", "rule", "name",
        "severity", "message", "fix",
    }  # fmt: skip
    assert (first["rule"], first["name"], first["severity"]) == (
        "FN003",
        "malformed-footnote-label",
        "error",
    )
    assert first["fix"] == {
        "applicability": "safe",
        "edits": [{"line": 1, "column": 4, "end_line": 1, "end_column": 6, "content": "1"}],
    }


def test_selection_by_prefix_alias_and_ignore(in_tmp: Path) -> None:
    write_file(in_tmp, "bad.md", "x[^1] y[^ 2]\n\n[^3]: z\n")

    def rules(*args: str) -> list[str]:
        out = run_cli("check", "--format", "json", *args, "bad.md").output
        return [f["rule"] for f in json.loads(out)]

    assert rules() == ["FN001", "FN003", "FN002"]
    assert rules("--select", "undefined-footnote") == ["FN001"]
    assert rules("--select", "FN", "--ignore", "FN00") == []
    assert rules("--select", "FN", "--ignore", "FN00", "--extend-select", "FN002") == ["FN002"]
    assert rules("--ignore", "unused-footnote,FN003") == ["FN001"]


def test_unknown_selector_is_a_usage_error(in_tmp: Path) -> None:
    result = run_cli("check", "--select", "XX9", ".")
    assert result.exit_code == 2
    assert "unknown rule selector 'XX9'" in result.output


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("selectt = ['FN']\n", "unknown option 'selectt'"),
        ("[footnotes]\nstrict = true\n", "unknown option 'strict' in [footnotes]"),
        ("select = ['NOPE']\n", "unknown rule selector 'NOPE'"),
        ("fail-level = 'fatal'\n", "'fail-level' must be one of"),
    ],
)
def test_bad_configuration_exits_2(in_tmp: Path, config: str, message: str) -> None:
    write_file(in_tmp, "tillint.toml", config)
    write_file(in_tmp, "a.md", CLEAN)
    result = run_cli("check", "a.md")
    assert result.exit_code == 2
    assert message in result.output


def test_pyproject_config_found_walking_up(in_tmp: Path) -> None:
    (in_tmp / "tillint.toml").unlink()
    write_file(in_tmp, "pyproject.toml", "[tool.tillint]\nignore = ['FN001']\n")
    write_file(in_tmp, "content/deep/bad.md", BAD)
    assert run_cli("check", "content/deep").exit_code == 0


def test_per_file_ignores(in_tmp: Path) -> None:
    write_file(in_tmp, "tillint.toml", "[per-file-ignores]\n'drafts/*' = ['FN']\n")
    write_file(in_tmp, "drafts/bad.md", BAD)
    write_file(in_tmp, "posts/bad.md", BAD)
    out = run_cli("check", "--format", "concise", "--quiet", ".").output
    assert out.splitlines() == [
        "posts/bad.md:1:9: FN001 footnote reference `[^1]` has no definition"
    ]


def test_statistics(in_tmp: Path) -> None:
    write_file(in_tmp, "bad.md", "x[^1] y[^2]\n\n[^ 3]: z\n")
    lines = run_cli("check", "--statistics", ".").output.splitlines()
    assert lines == [
        "     2  FN001      undefined-footnote",
        "     1  FN003  [*] malformed-footnote-label",
    ]


def test_output_file(in_tmp: Path) -> None:
    write_file(in_tmp, "bad.md", BAD)
    result = run_cli("check", "--format", "json", "--output-file", "out.json", ".")
    assert result.exit_code == 1 and result.output == ""
    assert json.loads((in_tmp / "out.json").read_text(encoding="utf-8"))[0]["rule"] == "FN001"


def test_rules_and_explain() -> None:
    listing = run_cli("rules").output
    assert "FN003   malformed-footnote-label" in listing
    explained = run_cli("explain", "FN003").output
    assert "## What it does" in explained and "## Fix safety" in explained
    assert run_cli("explain", "malformed-footnote-label").output == explained
    assert run_cli("explain", "ZZ999").exit_code == 2


def test_no_color_when_not_a_tty_and_no_traceback_on_broken_pipe(in_tmp: Path) -> None:
    for i in range(200):
        write_file(in_tmp, f"f{i:03}.md", BAD)
    proc = subprocess.run(
        f"{sys.executable} -m tillint check --format concise . | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.stdout == "f000.md:1:9: FN001 footnote reference `[^1]` has no definition\n"
    assert "Traceback" not in proc.stderr
    assert "\x1b[" not in proc.stdout


def test_the_command_writes_everything_before_its_fast_exit(in_tmp: Path) -> None:
    for i in range(300):
        write_file(in_tmp, f"f{i:03}.md", BAD)
    command = [sys.executable, "-m", "tillint", "check", "--format", "json"]
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    found = subprocess.run(
        [*command, "."], capture_output=True, text=True, timeout=120, env=buffered
    )
    assert found.returncode == 1 and len(json.loads(found.stdout)) == 300
    write_file(in_tmp, "clean/a.md", "Fine.\n")
    clean = subprocess.run([*command, "clean"], capture_output=True, text=True, timeout=60)
    assert (clean.returncode, clean.stdout) == (0, "[]\n")
    usage = subprocess.run([*command, "--no-such-option"], capture_output=True, text=True)
    assert usage.returncode == 2 and "No such option" in usage.stderr


def test_control_characters_never_reach_the_terminal(in_tmp: Path) -> None:
    write_file(in_tmp, "evil\x1b[2J.md", "bidi \u202e here[^1] and \x1b[31m\n")
    for fmt in ("full", "concise"):
        out = run_cli("check", "--select", "FN", "--format", fmt, ".").output
        assert "\x1b" not in out and "\u202e" not in out
        assert "evil\\x1b[2J.md:1:12: FN001" in out


# Modules a run over one plain note has no use for, once the derived word lists are kept in
# the user cache: each costs milliseconds of every pre-commit run.
_NOT_FOR_ONE_NOTE = (
    "concurrent.futures",
    "ftfy",
    "gzip",
    "hashlib",
    "jsonschema",
    "msgpack",
    "multiprocessing",
    "requests",
    "wcwidth",
    "wordfreq",
    "yaml",
)
_LIST_HEAVY_MODULES = f"""
import sys
from tillint.cli import main
try:
    main(["check", "--offline", "a.md"])
except SystemExit:
    pass
print(*[name for name in {_NOT_FOR_ONE_NOTE!r} if name in sys.modules])
"""


def test_checking_one_note_imports_no_module_it_does_not_use(in_tmp: Path) -> None:
    write_file(in_tmp, "a.md", "# A note\n\nWith a tpyo, a `code span` and a [link](a.md).\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(in_tmp / "user-cache")}
    printed = []
    for _ in range(2):  # the first run derives the word lists
        shutil.rmtree(in_tmp / ".tillint_cache", ignore_errors=True)
        done = subprocess.run(
            [sys.executable, "-c", _LIST_HEAVY_MODULES],
            cwd=in_tmp,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        printed.append(done.stdout.splitlines())
    assert "a.md:3:8: TY001 `tpyo` is a known misspelling of `typo`" in printed[1]
    assert printed[1][-1] == ""
