"""Interrupts and kills never leave a partial file: Ctrl-C exits 130 with a summary, a second
Ctrl-C exits at once, SIGKILL in the middle of a write leaves the old or the new file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).absolute().parents[1]
BAD = "A claim.[^7]\n\n[^ 7]: The source.\n"
FIXED = "A claim.[^7]\n\n[^7]: The source.\n"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")


def _start(directory: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    command = [sys.executable, "-m", "tillint", "check", "--no-cache", "--format", "concise"]
    return subprocess.Popen(
        [*command, *args],
        cwd=directory,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.002)
    return False


def _temporary_files(directory: Path) -> list[Path]:
    return list(directory.rglob(".*.tmp"))


def test_ctrl_c_during_fixing_exits_130_and_leaves_whole_files(tmp_path: Path) -> None:
    (tmp_path / "tillint.toml").write_text('select = ["FN003"]\n', encoding="utf-8")
    notes = [tmp_path / f"n{i:04}.md" for i in range(1500)]
    for note in notes:
        note.write_text(BAD, encoding="utf-8")
    proc = _start(tmp_path, "--fix", "-j", "1", ".")
    assert _wait_for(lambda: notes[0].read_text(encoding="utf-8") == FIXED, 60)
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    _, stderr = proc.communicate(timeout=15)
    assert time.monotonic() - started < 5
    assert proc.returncode == 130, stderr
    assert b"Interrupted:" in stderr and b"Traceback" not in stderr
    contents = {note.read_text(encoding="utf-8") for note in notes}
    assert contents <= {BAD, FIXED}
    assert not _temporary_files(tmp_path)


def test_sigkill_in_the_middle_of_a_write_leaves_old_or_new_file(tmp_path: Path) -> None:
    (tmp_path / "tillint.toml").write_text('select = ["FN003"]\n', encoding="utf-8")
    filler = "A plain line of prose.\n" * 2000
    original = ((filler + "\n" + BAD + "\n") * 50).encode("utf-8")  # 2.3 MB, 50 fixes
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "tillint.toml").write_text('select = ["FN003"]\n', encoding="utf-8")
    (reference / "big.md").write_bytes(original)
    _start(reference, "--fix", "big.md").communicate(timeout=120)
    fixed = (reference / "big.md").read_bytes()
    assert fixed != original
    target = tmp_path / "big.md"
    outcomes = set()
    for delay in (0.0, 0.001, 0.005, 0.02):
        target.write_bytes(original)
        proc = _start(tmp_path, "--fix", "big.md")
        caught = _wait_for(
            lambda p=proc: bool(_temporary_files(tmp_path)) or p.poll() is not None, 120
        )
        time.sleep(delay)
        proc.kill()
        proc.communicate(timeout=30)
        data = target.read_bytes()
        assert caught and data in (original, fixed), f"partial file after kill at +{delay}s"
        outcomes.add(data == fixed)
        for leftover in _temporary_files(tmp_path):
            leftover.unlink()  # a killed process cannot clean up; the original is intact
    assert False in outcomes, "never killed before the rename: the test proves nothing"


class _SlowHandler(BaseHTTPRequestHandler):
    """Answers every request after a long pause, like a server that hangs."""

    def do_HEAD(self) -> None:
        time.sleep(20)
        self.send_response(200)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _link_checking_run(directory: Path, base: str) -> subprocess.Popen[bytes]:
    config = (
        'select = ["LK"]\n[links]\nallow_private = true\ntimeout = 30.0\nretries = 0\n'
        "cache = false\n"
    )
    (directory / "tillint.toml").write_text(config, encoding="utf-8")
    links = "".join(f"[l{i}]({base}/page{i})\n\n" for i in range(200))
    (directory / "links.md").write_text(links, encoding="utf-8")
    proc = _start(directory, "links.md")
    time.sleep(3)  # let the probes start
    assert proc.poll() is None
    return proc


def test_second_ctrl_c_exits_at_once(tmp_path: Path, slow_server: str) -> None:
    proc = _link_checking_run(tmp_path, slow_server)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    proc.communicate(timeout=10)
    assert time.monotonic() - started < 1.5
    assert proc.returncode == 130


def test_ctrl_c_during_link_checking_exits_within_seconds(tmp_path: Path, slow_server: str) -> None:
    proc = _link_checking_run(tmp_path, slow_server)
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    try:
        _, stderr = proc.communicate(timeout=8)
    finally:
        proc.kill()
    assert time.monotonic() - started < 3
    assert proc.returncode == 130
    assert b"Interrupted:" in stderr and b"Traceback" not in stderr
