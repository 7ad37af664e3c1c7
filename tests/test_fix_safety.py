"""The fix writer never loses a byte: mode, symlinks, BOM and line endings are kept, a file that
changed since it was checked is not written, an interrupted write leaves the original."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tillint.config import CliOverrides, load_settings
from tillint.engine import check_once, fix_files
from tillint.finding import Edit, Fix, Span
from tillint.fix import FileChangedError, apply_fixes, write_atomically

BAD = "A claim.[^7]\n\n[^ 7]: The source.\n"
FIXED = "A claim.[^7]\n\n[^7]: The source.\n"


def _fix(*args: str) -> None:
    run_cli("check", "--select", "FN003", "--fix", *args)


def test_mode_is_kept_and_a_symlink_stays_a_symlink(in_tmp: Path) -> None:
    real = in_tmp / "real.md"
    real.write_text(BAD, encoding="utf-8")
    real.chmod(0o640)
    link = in_tmp / "link.md"
    link.symlink_to("real.md")
    _fix("link.md")
    assert link.is_symlink() and os.readlink(link) == "real.md"
    assert real.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_bom_and_crlf_are_kept(in_tmp: Path) -> None:
    note = in_tmp / "note.md"
    note.write_bytes(b"\xef\xbb\xbf" + BAD.replace("\n", "\r\n").encode("utf-8"))
    _fix("note.md")
    assert note.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode("utf-8")


def test_a_newline_inserted_into_a_crlf_file_is_crlf() -> None:
    text = "one\r\ntwo\r\n"
    edit = Edit(5, 5, "inserted\n", Span(2, 1, 2, 1))
    fixed, applied = apply_fixes(text, [Fix("safe", (edit,))], "\r\n")
    assert (fixed, applied) == ("one\r\ninserted\r\ntwo\r\n", 1)


def test_a_file_changed_after_checking_is_not_written(in_tmp: Path) -> None:
    note = in_tmp / "note.md"
    note.write_text(BAD, encoding="utf-8")
    settings = load_settings([in_tmp], CliOverrides(select=["FN003"], fix=True))
    checked = check_once([str(note)], settings, in_tmp)
    edited = BAD + "\nAn edit made by the author meanwhile.\n"
    note.write_text(edited, encoding="utf-8")
    applied, problems = fix_files([str(note)], checked, settings, in_tmp)
    assert applied == 0
    assert problems == ["note.md: file changed on disk since it was checked; not fixed"]
    assert note.read_text(encoding="utf-8") == edited


def test_write_refuses_when_the_bytes_differ(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("now\n", encoding="utf-8")
    with pytest.raises(FileChangedError):
        write_atomically(note, "fixed\n", False, b"then\n")
    assert note.read_text(encoding="utf-8") == "now\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_write_never_opens_a_fifo_for_a_blocking_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    started = time.monotonic()
    with pytest.raises(FileChangedError, match="no longer a regular file"):
        write_atomically(pipe, "fixed\n", False, b"")
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError])
def test_an_interrupted_write_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: type[BaseException]
) -> None:
    note = tmp_path / "note.md"
    note.write_text(BAD, encoding="utf-8")

    def fail(*args: object) -> None:
        raise failure

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(failure):
        write_atomically(note, FIXED, False, BAD.encode("utf-8"))
    assert note.read_text(encoding="utf-8") == BAD
    assert [p.name for p in tmp_path.iterdir()] == ["note.md"]


def test_many_edits_apply_in_linear_time() -> None:
    text = "ab" * 200_000
    span = Span(1, 1, 1, 2)
    fixes = [Fix("safe", (Edit(i, i + 1, "A", span),)) for i in range(0, len(text), 2)]
    started = time.monotonic()
    fixed, applied = apply_fixes(text, fixes)
    assert (fixed, applied) == ("Ab" * 200_000, 200_000)
    assert time.monotonic() - started < 5  # quadratic would take hours


def test_overlapping_fixes_wait_for_the_next_round() -> None:
    first = Fix("safe", (Edit(0, 3, "xyz", Span(1, 1, 1, 4)),))
    overlapping = Fix("safe", (Edit(2, 4, "--", Span(1, 3, 1, 5)),))
    same_point = Fix("safe", (Edit(4, 4, "!", Span(1, 5, 1, 5)), Edit(4, 4, "?", Span(1, 5, 1, 5))))
    assert apply_fixes("abcdef", [overlapping, first]) == ("xyzdef", 1)
    assert apply_fixes("abcdef", [same_point]) == ("abcd!?ef", 1)


def test_a_file_with_classic_mac_line_endings_is_checked_and_fixed_in_place(in_tmp: Path) -> None:
    note = in_tmp / "note.md"
    note.write_bytes(BAD.replace("\n", "\r").encode("utf-8"))
    result = run_cli("check", "--select", "FN", "--format", "concise", "note.md")
    assert [line.split(" ", 2)[:2] for line in result.output.splitlines()[:2]] == [
        ["note.md:1:9:", "FN001"],
        ["note.md:3:1:", "FN003"],
    ]
    _fix("note.md")
    assert note.read_bytes() == FIXED.replace("\n", "\r").encode("utf-8")


def test_an_interrupt_as_the_temporary_file_is_created_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = tmp_path / "note.md"
    note.write_bytes(b"old\n")
    real_open = os.open

    def open_then_interrupt(path: str, flags: int, mode: int = 0o777) -> int:
        fd = real_open(path, flags, mode)
        if flags & os.O_CREAT:  # the temporary file: Ctrl-C right after it was made
            os.close(fd)
            raise KeyboardInterrupt
        return fd

    monkeypatch.setattr(os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(note, "new\n", False, b"old\n")
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.md"]
    assert note.read_bytes() == b"old\n"
