"""A loopback HTTP site for link tests, and the LK rules' YAML examples run against it.

``LoopbackSite`` serves scripted answers on 127.0.0.1 only, records every request it gets,
answers at most ``max_requests`` of them (then 599) and never holds a connection longer than
``HANG_LIMIT`` seconds. Link examples with a ``server:`` table (and a ``runner:`` naming this
module, so the generic example test skips them) run online against such a site, with
``{server}`` in the text (and in ``fixed:``/``files:``) replaced by its base URL and
``allow_private`` on unless the example says otherwise; the others run offline.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tillint.catalog import rules_dir
from tillint.config import Settings, validate_family_options
from tillint.engine import run

HANG_LIMIT = 5.0


@dataclass
class Route:
    """A scripted answer. ``status`` may be a list: successive requests get successive codes."""

    status: int | list[int] = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    head: int | None = None  # the status HEAD gets, when it differs
    delay: float = 0.0  # seconds before answering
    hang: bool = False  # never answer (until the site stops or HANG_LIMIT)
    drip: float = 0.0  # seconds between body chunks of 1 KiB

    @classmethod
    def from_yaml(cls, data: dict[str, Any]) -> Route:
        body = data.get("body", "")
        return cls(
            status=data.get("status", 200),
            headers={str(k): str(v) for k, v in (data.get("headers") or {}).items()},
            body=body.encode("utf-8") if isinstance(body, str) else body,
            head=data.get("head"),
        )


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]


class LoopbackSite:
    """A threaded HTTP server on 127.0.0.1 with scripted routes (404 for anything else)."""

    def __init__(self, routes: dict[str, Route], max_requests: int = 200) -> None:
        self.routes = routes
        self.max_requests = max_requests
        self.received: list[Received] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> LoopbackSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def paths(self, method: str | None = None) -> list[str]:
        return [r.path for r in self.received if method is None or r.method == method]

    def answer_for(self, method: str, path: str) -> tuple[Route | None, int]:
        """The route and the status to send now; counts the request."""
        with self._lock:
            route = self.routes.get(path)
            count = self._counts.get(path, 0)
            self._counts[path] = count + 1
        if route is None:
            return None, 404
        if method == "HEAD" and route.head is not None:
            return route, route.head
        statuses = route.status if isinstance(route.status, list) else [route.status]
        return route, statuses[min(count, len(statuses) - 1)]


def _handler_for(site: LoopbackSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def _answer(self, send_body: bool) -> None:
            with site._lock:
                site.received.append(Received(self.command, self.path, dict(self.headers)))
                over = len(site.received) > site.max_requests
                site.in_flight += 1
                site.most_in_flight = max(site.most_in_flight, site.in_flight)
            try:
                self._respond(send_body, over)
            except OSError:
                pass
            finally:
                with site._lock:
                    site.in_flight -= 1

        def _respond(self, send_body: bool, over: bool) -> None:
            route, status = site.answer_for(self.command, self.path)
            if over:
                route, status = None, 599
            if route is not None and route.hang:
                site.stopping.wait(HANG_LIMIT)
                return
            if route is not None and route.delay:
                time.sleep(route.delay)
            body = route.body if route is not None else b""
            self.send_response(status)
            for name, value in (route.headers if route is not None else {}).items():
                self.send_header(name, value)
            if route is None or "Content-Type" not in route.headers:
                self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self._send_body(body, route.drip if route is not None else 0.0)

        def _send_body(self, body: bytes, drip: float) -> None:
            for start in range(0, len(body), 1024 if drip else len(body) or 1):
                if site.stopping.is_set():
                    return
                self.wfile.write(body[start : start + 1024] if drip else body)
                self.wfile.flush()
                if drip:
                    time.sleep(drip)

    return Handler


# --- the rule examples ------------------------------------------------------------------------


def _link_examples() -> Iterator[tuple[str, str, int, dict[str, Any]]]:
    for path in sorted(rules_dir().glob("LK*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind in ("fail", "pass"):
            for index, example in enumerate(data["examples"].get(kind) or []):
                yield data["id"], kind, index, example


def _with_server(value: str, site: LoopbackSite | None) -> str:
    return value.replace("{server}", site.url) if site is not None else value


def run_link_example(
    rule_id: str, example: dict[str, Any], root: Path, site: LoopbackSite | None, fix: bool
) -> list[tuple[int, int]]:
    target = root / example.get("path", "example.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_with_server(example["text"], site), encoding="utf-8")
    for name, content in (example.get("files") or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(_with_server(content, site), encoding="utf-8")
    given = {"allow_private": site is not None, **(example.get("options") or {})}
    settings = Settings(
        root=root,
        selected=frozenset({rule_id}),
        options=validate_family_options({"links": given}, f"{rule_id} example"),
        offline=site is None,
        fix=fix,
        unsafe_fixes=fix,
        jobs=1,
        cache_dir=root / ".tillint_cache",
    )
    result = run([target], settings, cwd=root)
    return [(f.span.line, f.span.column) for f in result.findings if f.rule == rule_id]


@pytest.mark.parametrize(
    ("rule_id", "kind", "index", "example"),
    list(_link_examples()),
    ids=[f"{rule}-{kind}-{index}" for rule, kind, index, _ in _link_examples()],
)
def test_link_rule_example(
    rule_id: str, kind: str, index: int, example: dict[str, Any], tmp_path: Path
) -> None:
    if "server" in example:  # the generic example test leaves it to this module
        assert example.get("runner") == "tests/test_links_examples.py"
    routes = {p: Route.from_yaml(r or {}) for p, r in (example.get("server") or {}).items()}
    expected = [(f["line"], f["column"]) for f in example.get("findings", [])]
    with LoopbackSite(routes, max_requests=20) as site:
        online = site if "server" in example else None
        found = run_link_example(rule_id, example, tmp_path / "check", online, fix=False)
        assert found == (expected if kind == "fail" else [])
        if "fixed" in example:
            run_link_example(rule_id, example, tmp_path / "fix", online, fix=True)
            fixed = (tmp_path / "fix" / example.get("path", "example.md")).read_text("utf-8")
            assert fixed == _with_server(example["fixed"], online)
