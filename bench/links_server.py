"""Loopback HTTP hosts for the link benchmark: scripted behaviours, fixed latency, counters.

Each ``BenchHost`` is a threaded server on 127.0.0.1 (its own port, so tillint sees it as its
own host). Every answer waits ``latency`` seconds first. Behaviours: ``ok`` (HTML with ids),
``404``, ``410``, ``429once`` (429 with ``Retry-After: 1``, then ok), ``500once``, ``head405``
(HEAD refused, GET ok), ``redirect`` (301 to an ok page), ``503`` (always) and ``hang`` (never
answers until the host stops).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _QuietServer(ThreadingHTTPServer):
    """Many connections at once (a deep accept queue); clients hanging up is no error."""

    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@dataclass
class Behaviour:
    kind: str
    ids: tuple[str, ...] = ()
    target: str = ""  # where ``redirect`` points


@dataclass
class HostStats:
    requests: int = 0
    by_path: dict[str, int] = field(default_factory=dict)


class BenchHost:
    """One loopback host; ``routes`` may be filled after ``url`` is known (before requests)."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.routes: dict[str, Behaviour] = {}
        self.stats = HostStats()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.server = _QuietServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def reset_stats(self) -> None:
        with self.lock:
            self.stats = HostStats()

    def count(self, path: str) -> int:
        """Record one request; returns how many came before it for this path."""
        with self.lock:
            self.stats.requests += 1
            before = self.stats.by_path.get(path, 0)
            self.stats.by_path[path] = before + 1
            return before


def _page(ids: tuple[str, ...]) -> bytes:
    body = "".join(f"<h2 id='{i}'>{i}</h2><p>text</p>" for i in ids)
    return f"<!doctype html><html><body>{body}</body></html>".encode()


def _handler(host: BenchHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _answer(self, head: bool) -> None:
            before = host.count(self.path)
            behaviour = host.routes.get(self.path, Behaviour("404"))
            if behaviour.kind == "hang":
                host.stopping.wait(120)
                return
            time.sleep(host.latency)
            status, headers, body = _respond(behaviour, head, before)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)
            except OSError:
                pass

    return Handler


def _respond(behaviour: Behaviour, head: bool, before: int) -> tuple[int, dict[str, str], bytes]:
    kind = behaviour.kind
    ok: tuple[int, dict[str, str], bytes] = (200, {}, _page(behaviour.ids))
    if kind in ("404", "410", "503"):
        return int(kind), {}, b""
    if kind == "429once" and before == 0:
        return 429, {"Retry-After": "1"}, b""
    if kind == "500once" and before == 0:
        return 500, {}, b""
    if kind == "head405" and head:
        return 405, {}, b""
    if kind == "redirect":
        return 301, {"Location": behaviour.target}, b""
    return ok
