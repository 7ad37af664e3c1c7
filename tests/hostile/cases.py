"""Hostile inputs: each case builds files in a directory and says what tillint must do.

Every case runs the real CLI in a subprocess with a timeout (``run_case``), over every rule
(``--select ALL --offline``). Whatever the input, the run must end in time, without a
traceback, with a JSON report, exit code 0 or 1, and no ``TL001 internal-error``; ``rules``
lists rule ids the report must contain, ``secret`` a string it must never contain.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).absolute().parents[2]
SECRET = "TOP-SECRET-0xDEADBEEF"
MIB = 1024 * 1024


@dataclass(frozen=True)
class HostileCase:
    """One hostile input: ``build`` writes it under a directory and returns the CLI paths."""

    name: str
    build: Callable[[Path], list[str]]
    rules: frozenset[str] = frozenset()
    secret: str | None = None
    needs: str = ""  # "fifo", "symlink" or "non-root": skipped where unavailable
    config: str = ""  # extra tillint.toml content
    timeout: float = 60.0
    extra_args: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Outcome:
    """What one run of the CLI did."""

    exit_code: int
    seconds: float
    findings: list[dict[str, object]]
    stderr: str

    @property
    def rule_counts(self) -> Counter[str]:
        return Counter(str(f["rule"]) for f in self.findings)


def _write(directory: Path, name: str, data: bytes | str) -> list[str]:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return [name]


def _file(name: str, data: bytes | str) -> Callable[[Path], list[str]]:
    return lambda directory: _write(directory, name, data)


def _sparse(directory: Path) -> list[str]:
    """A 100 MB file, created instantly (sparse): reading it would be the bug."""
    with open(directory / "huge.md", "wb") as handle:
        handle.truncate(100 * MIB)
    return ["huge.md"]


def _png() -> bytes:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
    return header + bytes((i * 37 + 11) % 256 for i in range(4096))


def _symlink_outside(directory: Path) -> list[str]:
    outside = directory.parent / f"{directory.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.md").write_text(f"{SECRET}\n[^1]\n", encoding="utf-8")
    os.symlink(outside / "secret.md", directory / "stolen.md")
    os.symlink("../" + f"{directory.name}-outside/secret.md", directory / "relative.md")
    _write(directory, "ok.md", "A fine note.\n")
    return ["."]


def _symlink_loop(directory: Path) -> list[str]:
    os.symlink("b.md", directory / "a.md")
    os.symlink("a.md", directory / "b.md")
    os.symlink("self.md", directory / "self.md")
    os.symlink(".", directory / "loopdir")
    return ["."]


def _dangling(directory: Path) -> list[str]:
    os.symlink("missing.md", directory / "dangling.md")
    return [".", "dangling.md"]


def _fifo(directory: Path) -> list[str]:
    os.mkfifo(directory / "pipe.md")
    _write(directory, "ok.md", "A fine note.\n")
    return [".", "pipe.md"]


def _unreadable(directory: Path) -> list[str]:
    _write(directory, "locked.md", "secret\n")
    (directory / "locked.md").chmod(0)
    return ["."]


def _directory_named_md(directory: Path) -> list[str]:
    _write(directory, "x.md/inner.md", "Inside a directory named x.md.\n")
    return [".", "x.md"]


def _control_file_name(directory: Path) -> list[str]:
    _write(directory, "evil\n::error file=x::owned\x1b[2J.md", "text\n")
    return ["."]


def _empty_and_bom_only(directory: Path) -> list[str]:
    return _write(directory, "empty.md", b"") + _write(directory, "bom.md", b"\xef\xbb\xbf")


def _front(yaml_text: str) -> str:
    return f"---\n{yaml_text}---\n\n# Note\n\nBody.\n"


ALIAS_BOMB = "".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
        *(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
            for i in range(8)
        ),
        "title: *i\n",
    ]
)
PYTHON_TAG = (
    "title: !!python/object/apply:os.system [\"touch PWNED\"]\ndate: !!python/name:os.getcwd ''\n"
)
BAD_DATES = "date: 2024-02-30\nupdated: 2024-13-45\nother: 0000-00-00\n"


def _nested_list_lines(depth: int) -> str:
    return "".join("  " * level + "- item\n" for level in range(depth))


def _pathological(pattern: str, repeat: int) -> str:
    return pattern * repeat + "\n"


# The markdown-it / commonmark pathological inputs, about 100 KB each.
PATHOLOGICAL = {
    "nested-strong-emph": "*a **a " * 5000 + "b" + " a** a*" * 5000 + "\n",
    "many-emph-closers": _pathological("a_ ", 30000),
    "many-link-closers": _pathological("a]", 50000),
    "many-link-openers": _pathological("[a", 50000),
    "mismatched-openers-closers": _pathological("*a_ ", 25000),
    "link-openers-emph-closers": _pathological("[ a_", 25000),
    "pattern-paren-bracket": _pathological("[ (](", 20000),
    "nested-brackets": "[" * 30000 + "a" + "]" * 30000 + "\n",
    "unclosed-image-openers": _pathological("![", 50000),
    "unclosed-cdata": _pathological("a <![CDATA[", 10000),
    "unclosed-comment": _pathological("a <!--", 20000),
    "unclosed-processing": _pathological("a <?", 25000),
    "backslash-in-link": "[" + "\\" * 100000 + "\n",
    "unclosed-link-destinations": _pathological("[a](<b", 20000),
    "many-references": "".join(f"[r{i}]: /u{i}\n" for i in range(5000)) + "[r1] " * 5000,
    "backtick-runs": "".join("e" + "`" * (i % 100) for i in range(2000)) + "\n",
    "wide-table": "|a" * 20000 + "\n" + "|-" * 20000 + "\n" + "|b" * 20000 + "\n",
    "many-footnote-refs": "x[^a]" * 20000 + "\n\n[^a]: note\n",
    "many-links": "".join(f"[l{i}](./n{i}.md#h{i}) " for i in range(8000)) + "\n",
    "deep-nested-list-one-line": "- " * 20000 + "a\n",
}

# Inputs some rule family is still too slow on (reported to its owner; see the reasons).
CASES: list[HostileCase] = [
    HostileCase("invalid-utf8", _file("bad.md", b"caf\xe9 au lait\n\xff\xfe\xfd end\n")),
    HostileCase(
        "utf16-with-bom", _file("u16.md", "\ufeff# Title\n\nText [^1].\n".encode("utf-16"))
    ),
    HostileCase("utf16-without-bom", _file("u16.md", "# Title\n\nText.\n".encode("utf-16-le"))),
    HostileCase("nul-byte", _file("nul.md", b"# Title\n\nA \x00 NUL [^1] byte.\n\x00\x00\n")),
    HostileCase("png-renamed-md", _file("image.md", _png())),
    HostileCase("100mb-file", _sparse, rules=frozenset({"TL003"}), timeout=20),
    HostileCase(
        "10mb-line",
        _file("line.md", "word " * (2 * MIB) + "\n"),
        rules=frozenset({"TL003"}),
        timeout=20,
    ),
    HostileCase(
        "4mb-line-under-cap",
        _file("line.md", "# T\n\n" + "The quick brown fox jumps. " * (150 * 1024) + "\n"),
        timeout=120,
    ),
    HostileCase(
        "blockquotes-5000-deep",
        _file("bq.md", "Intro.\n\n" + "> " * 5000 + "hidden text\n\nAfter.\n"),
        rules=frozenset({"TL004"}),
    ),
    HostileCase(
        "lists-1000-deep",
        _file("list.md", "Intro.\n\n" + _nested_list_lines(1000) + "\nAfter.\n"),
        rules=frozenset({"TL004"}),
    ),
    HostileCase("yaml-alias-bomb", _file("bomb.md", _front(ALIAS_BOMB))),
    HostileCase("yaml-python-tags", _file("tags.md", _front(PYTHON_TAG))),
    HostileCase("yaml-impossible-dates", _file("dates.md", _front(BAD_DATES))),
    HostileCase("yaml-deep-flow", _file("deep.md", _front("a: " + "[" * 5000 + "]" * 5000 + "\n"))),
    HostileCase("cr-only-line-endings", _file("cr.md", "# T\r\rA [^1] b.\r\r[^2]: x\r")),
    HostileCase(
        "empty-and-bom-only", lambda d: _write(d, "e.md", b"") + _write(d, "b.md", b"\xef\xbb\xbf")
    ),
    HostileCase(
        "symlink-outside-root",
        _symlink_outside,
        rules=frozenset({"TL005"}),
        secret=SECRET,
        needs="symlink",
    ),
    HostileCase("symlink-loop", _symlink_loop, rules=frozenset({"TL005"}), needs="symlink"),
    HostileCase("dangling-symlink", _dangling, rules=frozenset({"TL005"}), needs="symlink"),
    HostileCase("fifo", _fifo, rules=frozenset({"TL005"}), needs="fifo", timeout=20),
    HostileCase("unreadable-file", _unreadable, rules=frozenset({"TL002"}), needs="non-root"),
    HostileCase("directory-named-x.md", _directory_named_md),
    HostileCase("control-chars-in-file-name", _control_file_name, needs="symlink"),
    *(
        HostileCase(f"pathological-{name}", _file("p.md", text), timeout=60)
        for name, text in PATHOLOGICAL.items()
    ),
]


def unavailable(case: HostileCase) -> str | None:
    """Why a case cannot run on this machine, or None."""
    if case.needs == "fifo" and not hasattr(os, "mkfifo"):
        return "needs FIFOs"
    if case.needs == "symlink" and os.name == "nt":
        return "needs POSIX symlinks and file names"
    if case.needs == "non-root" and (os.name == "nt" or os.geteuid() == 0):
        return "permissions do not stop root (test_engine_errors.py covers it in-process)"
    return None


def run_case(case: HostileCase, directory: Path) -> Outcome:
    """Build the case in ``directory`` and run the CLI over it; raises on timeout."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "tillint.toml").write_text(case.config, encoding="utf-8")
    paths = case.build(directory)
    command = [sys.executable, "-m", "tillint", "check", "--select", "ALL", "--offline"]
    command += ["--no-cache", "--format", "json", *case.extra_args, *paths]
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    started = time.perf_counter()
    proc = subprocess.run(
        command,
        cwd=directory,
        env=env,
        capture_output=True,
        timeout=case.timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    seconds = time.perf_counter() - started
    stdout = proc.stdout.decode("utf-8", "replace")
    findings = json.loads(stdout) if stdout.strip() else []
    return Outcome(proc.returncode, seconds, findings, proc.stderr.decode("utf-8", "replace"))
