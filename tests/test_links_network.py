"""External links against real HTTP servers on 127.0.0.1 (never any other address).

Loopback is refused by default, so every test that expects an answer turns ``allow_private``
on; the tests of blocking leave it off and prove that the server received nothing.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.test_links_examples import LoopbackSite, Route
from tillint.checks import links_external
from tillint.services.http import USER_AGENT, LinkProber, ProbeOptions

FAST = {"allow_private": True, "timeout": 3.0, "backoff": 0.02, "retries": 2, "cache": False}


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


def _check(root: Path, text: str, **options: Any) -> list[dict[str, Any]]:
    """Run the LK rules online over ``doc.md`` holding ``text``; the findings as JSON."""
    config = "[links]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in {**FAST, **options}.items())
    (root / "tillint.toml").write_text(config, encoding="utf-8")
    (root / "doc.md").write_text(text, encoding="utf-8")
    result = run_cli("check", "--format", "json", "--select", "LK", "doc.md")
    assert result.exit_code in (0, 1), result.output
    return list(json.loads(result.output))


def _column(line: str, needle: str) -> int:
    return line.index(needle) + 1


def _rows(findings: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    return [(f["rule"], f["line"], f["column"]) for f in findings]


def test_statuses_become_the_right_rules(in_tmp: Path) -> None:
    routes = {
        "/ok": Route(200),
        "/gone": Route(404),
        "/removed": Route(410),
        "/down": Route(503),
        "/secret": Route(403),
        "/head-refused": Route(200, head=405),
    }
    with LoopbackSite(routes, max_requests=30) as site:
        lines = ["ok", "gone", "removed", "down", "secret", "head-refused"]
        text = "".join(f"[{name}]({site.url}/{name})\n" for name in lines)
        findings = _check(in_tmp, text)
    assert _rows(findings) == [
        ("LK001", 2, 8),
        ("LK001", 3, 11),
        ("LK002", 4, 8),
        ("LK002", 5, 10),
    ]
    messages = [f["message"] for f in findings]
    assert messages[0] == f"`{site.url}/gone`: 404 Not Found after HEAD"
    assert messages[2] == f"`{site.url}/down`: 503 Service Unavailable after HEAD"
    assert messages[3] == f"`{site.url}/secret`: 403 Forbidden after GET"
    assert [f["severity"] for f in findings] == ["error", "error", "warning", "warning"]
    assert site.paths("HEAD").count("/down") == 3  # two retries
    assert site.paths().count("/head-refused") == 2  # HEAD 405, then GET
    assert sorted(site.paths("GET")) == ["/head-refused", "/secret"]


def test_each_url_is_asked_once_whatever_the_uses(in_tmp: Path) -> None:
    page = b"<h2 id='one'>One</h2><a name='two'></a><h2 id='user-content-three'>3</h2>"
    with LoopbackSite({"/page": Route(200, body=page)}, max_requests=10) as site:
        (in_tmp / "other.md").write_text(f"[again]({site.url}/page#one)\n", encoding="utf-8")
        text = (
            f"[a]({site.url}/page) [b]({site.url}/page#one) [c]({site.url}/page#two)\n"
            f"[d]({site.url}/page#three) [e]({site.url}/page#four) [f][r]\n\n"
            f"[r]: {site.url}/page#one\n"
        )
        findings = _check(in_tmp, text)
    assert site.paths() == ["/page"]  # one GET: some fragment needed the body
    assert _rows(findings) == [("LK004", 2, _column(text.splitlines()[1], f"{site.url}/page#four"))]
    assert findings[0]["message"] == f"no anchor `#four` in the page at `{site.url}/page`"


def test_retries_transient_answers_and_honours_retry_after(in_tmp: Path) -> None:
    routes = {
        "/flaky": Route([500, 200]),
        "/busy": Route([429, 200], headers={"Retry-After": "1"}),
    }
    with LoopbackSite(routes, max_requests=10) as site:
        started = time.monotonic()
        findings = _check(in_tmp, f"[a]({site.url}/flaky) [b]({site.url}/busy)\n")
        elapsed = time.monotonic() - started
    assert findings == []
    assert sorted(site.paths()) == ["/busy", "/busy", "/flaky", "/flaky"]
    assert 0.9 <= elapsed < 3.0


def test_retry_after_is_capped(in_tmp: Path) -> None:
    routes = {"/busy": Route([429, 200], headers={"Retry-After": "3600"})}
    with LoopbackSite(routes, max_requests=10) as site:
        started = time.monotonic()
        findings = _check(in_tmp, f"[a]({site.url}/busy)\n", max_retry_after=0.2)
        assert time.monotonic() - started < 2.0
    assert findings == []


def test_permanent_redirect_chain_is_reported_and_fixed(in_tmp: Path) -> None:
    routes = {
        "/a": Route(301, headers={"Location": "/b"}),
        "/b": Route(308, headers={"Location": "/c"}),
        "/c": Route(200, body=b"<p id='x'></p>"),
        "/temp": Route(302, headers={"Location": "/c"}),
    }
    with LoopbackSite(routes, max_requests=30) as site:
        text = f"[a]({site.url}/a#x) and [t]({site.url}/temp)\n"
        findings = _check(in_tmp, text)
        assert _rows(findings) == [("LK005", 1, 5)]
        assert findings[0]["message"] == (
            f"`{site.url}/a` redirects permanently to `{site.url}/c` (200 OK after GET)"
        )
        result = run_cli("check", "--select", "LK005", "--fix", "--unsafe-fixes", "doc.md")
        assert result.exit_code == 0, result.output
    assert (in_tmp / "doc.md").read_text("utf-8") == (
        f"[a]({site.url}/c#x) and [t]({site.url}/temp)\n"
    )


def test_redirect_loops_and_long_chains_are_broken(in_tmp: Path) -> None:
    routes = {"/loop1": Route(302, headers={"Location": "/loop2"})}
    routes["/loop2"] = Route(302, headers={"Location": "/loop1"})
    for hop in range(7):
        routes[f"/hop{hop}"] = Route(301, headers={"Location": f"/hop{hop + 1}"})
    routes["/hop7"] = Route(200)
    with LoopbackSite(routes, max_requests=30) as site:
        findings = _check(in_tmp, f"[a]({site.url}/loop1)\n[b]({site.url}/hop0)\n")
    assert _rows(findings) == [("LK001", 1, 5), ("LK001", 2, 5)]
    assert "redirect loop" in findings[0]["message"]
    assert "more than 5 redirects" in findings[1]["message"]
    assert site.paths().count("/hop6") == 0


def test_a_hanging_server_costs_one_deadline(in_tmp: Path) -> None:
    with LoopbackSite({"/hang": Route(hang=True), "/ok": Route(200)}, max_requests=10) as site:
        started = time.monotonic()
        findings = _check(
            in_tmp, f"[a]({site.url}/hang) [b]({site.url}/ok)\n", timeout=1.0, read_timeout=0.6
        )
        elapsed = time.monotonic() - started
    assert _rows(findings) == [("LK002", 1, 5)]
    assert findings[0]["message"] == f"`{site.url}/hang`: no answer within 1 s (HEAD)"
    assert elapsed < 2.5
    assert site.paths().count("/hang") <= 2  # a timeout is retried once at most


def test_a_slow_body_is_cut_at_the_deadline(in_tmp: Path) -> None:
    body = b"<p>" + b"x" * 60_000 + b"<h2 id='end'></h2>"
    with LoopbackSite({"/slow": Route(200, body=body, drip=0.05)}, max_requests=5) as site:
        started = time.monotonic()
        findings = _check(in_tmp, f"[a]({site.url}/slow#end)\n", timeout=1.0)
        assert time.monotonic() - started < 3.0
    assert findings == []  # the page was not read to the end: unknown, not missing


def test_only_64_kib_of_a_page_is_read(in_tmp: Path) -> None:
    early = b"<h2 id='early'></h2>" + b"x" * 200_000 + b"<h2 id='late'></h2>"
    with LoopbackSite({"/big": Route(200, body=early)}, max_requests=5) as site:
        prober = LinkProber(ProbeOptions(allow_private=True, timeout=3.0))
        result = prober.probe(f"{site.url}/big", want_anchors=True)
        prober.close()
    assert result.anchors is not None and "early" in result.anchors
    assert "late" not in result.anchors and not result.anchors_complete


def test_refused_connection_is_broken(in_tmp: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with LoopbackSite({"/ok": Route(200)}) as site:
        text = f"[a](http://127.0.0.1:{port}/x) [b]({site.url}/ok)\n"
        findings = _check(in_tmp, text, retries=1)
    assert _rows(findings) == [("LK001", 1, 5)]
    assert "refused" in findings[0]["message"]


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "2130706433", "0x7f000001", "[::ffff:127.0.0.1]", "localhost"]
)
def test_loopback_is_blocked_by_default_in_every_spelling(in_tmp: Path, host: str) -> None:
    with LoopbackSite({"/": Route(200)}) as site:
        findings = _check(in_tmp, f"[a](http://{host}:{site.port}/)\n", allow_private=False)
    assert _rows(findings) == [("LK006", 1, 5)]
    assert site.received == []


def _fake_resolver(table: dict[str, str]) -> Any:
    def resolve(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (table[host], port))]

    return resolve


def _use_resolver(monkeypatch: pytest.MonkeyPatch, table: dict[str, str]) -> None:
    def make(options: ProbeOptions) -> LinkProber:
        return LinkProber(options, resolver=_fake_resolver(table))

    monkeypatch.setattr(links_external, "make_prober", make)


def test_redirect_to_a_private_address_is_blocked_at_connect_time(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend 127.0.0.1 is public; `internal.test` resolves to 10.0.0.7, never connected to.
    monkeypatch.setattr("tillint.services.http.is_public_address", lambda a: a == "127.0.0.1")
    _use_resolver(monkeypatch, {"public.test": "127.0.0.1", "internal.test": "10.0.0.7"})
    with LoopbackSite({"/go": Route(302, headers={"Location": "http://internal.test/x"})}) as site:
        findings = _check(in_tmp, f"[a](http://public.test:{site.port}/go)\n", allow_private=False)
    assert _rows(findings) == [("LK006", 1, 5)]
    assert "10.0.0.7" in findings[0]["message"]
    assert site.paths() == ["/go"]


def test_unknown_host_is_broken_when_the_network_works(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_resolver(monkeypatch, {"up.test": "127.0.0.1"})
    with LoopbackSite({"/": Route(200)}) as site:
        text = f"[a](http://up.test:{site.port}/) [b](http://nxdomain.test/)\n"
        findings = _check(in_tmp, text)
    assert _rows(findings) == [("LK001", 1, _column(text, "http://nxdomain.test/"))]
    assert "does not resolve" in findings[0]["message"]


def test_network_down_is_said_once(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use_resolver(monkeypatch, {})
    text = "[a](https://one.test/) [b](https://two.test/x)\n[c](https://three.test/)\n"
    findings = _check(in_tmp, text)
    assert _rows(findings) == [("LK002", 1, 5)]
    assert findings[0]["message"].startswith(
        "the network looks unreachable: none of the 3 external URLs answered"
    )


def test_requests_are_honest_and_carry_no_environment_credentials(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILLINT_TEST_TOKEN", "s3cret")
    with LoopbackSite({"/proxy": Route(200)}) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        routes = {"/api/x": Route(302, headers={"Location": "/other"}), "/other": Route(200)}
        with LoopbackSite(routes) as site:
            headers = {f"{site.url}/api/": {"Authorization": "Bearer ${TILLINT_TEST_TOKEN}"}}
            findings = _check(in_tmp, f"[a]({site.url}/api/x)\n", headers=headers)
    assert findings == []
    assert proxy.received == []
    first, second = site.received
    assert first.headers["User-Agent"] == USER_AGENT and USER_AGENT.startswith("tillint/")
    assert "text/html" in first.headers["Accept"]
    assert first.headers["Authorization"] == "Bearer s3cret"
    assert "Authorization" not in second.headers  # not for another prefix, even on redirect


def test_accepted_statuses_and_excluded_urls(in_tmp: Path) -> None:
    with LoopbackSite({"/robots-hate-us": Route(999)}) as site:
        text = f"[a]({site.url}/robots-hate-us) [b]({site.url}/skip-me)\n"
        findings = _check(in_tmp, text, accept={"/robots-hate-us$": [999]}, exclude=["skip-me"])
    assert findings == []
    assert site.paths() == ["/robots-hate-us"]


def test_per_host_concurrency_is_limited(in_tmp: Path) -> None:
    routes = {f"/p{i}": Route(200, delay=0.1) for i in range(8)}
    with LoopbackSite(routes, max_requests=20) as site:
        text = "".join(f"[{i}]({site.url}/p{i})\n" for i in range(8))
        findings = _check(in_tmp, text, max_per_host=2)
    assert findings == []
    assert site.most_in_flight <= 2


def test_cache_answers_the_second_run_within_its_lifetime(in_tmp: Path) -> None:
    routes = {"/ok": Route(200), "/gone": Route(404), "/flaky": Route(503)}
    with LoopbackSite(routes, max_requests=30) as site:
        text = f"[a]({site.url}/ok) [b]({site.url}/gone) [c]({site.url}/flaky)\n"
        first = _check(in_tmp, text, cache=True, retries=0)
        asked = len(site.received)
        second = _check(in_tmp, text, cache=True, retries=0)
        again = site.paths()[asked:]
        expired = _check(in_tmp, text, cache=True, retries=0, cache_ok_seconds=0)
    expected = [
        ("LK001", 1, _column(text, f"{site.url}/gone")),
        ("LK002", 1, _column(text, f"{site.url}/flaky")),
    ]
    assert _rows(first) == _rows(second) == _rows(expired) == expected
    assert again == ["/flaky"]  # transient answers are never cached
    assert sorted(site.paths()[asked + 1 :]) == ["/flaky", "/ok"]


def test_corrupt_cache_is_replaced(in_tmp: Path) -> None:
    cache = in_tmp / ".tillint_cache" / "links"
    cache.mkdir(parents=True)
    (cache / "links.sqlite3").write_bytes(b"not a database at all" * 100)
    with LoopbackSite({"/gone": Route(404)}) as site:
        findings = _check(in_tmp, f"[a]({site.url}/gone)\n", cache=True)
    assert _rows(findings) == [("LK001", 1, 5)]


def test_stopping_early_does_not_wait_for_slow_urls() -> None:
    routes = {"/hang": Route(hang=True), "/ok": Route(200)}
    with LoopbackSite(routes) as site:
        prober = LinkProber(ProbeOptions(allow_private=True, timeout=10.0, read_timeout=10.0))
        results = prober.probe_all([(f"{site.url}/hang", False), (f"{site.url}/ok", False)])
        first = next(results)
        started = time.monotonic()
        results.close()  # what an interrupted run does
        prober.close()
        assert time.monotonic() - started < 1.0
    assert first.outcome == "ok"


def test_front_matter_footnotes_images_and_html_are_asked_but_code_never(in_tmp: Path) -> None:
    routes = {p: Route(404) for p in ("/fm", "/fn", "/img.png", "/html", "/code", "/fence")}
    with LoopbackSite(routes) as site:
        text = (
            f"---\nurl: {site.url}/fm\n---\n"
            f"Text[^1] ![i]({site.url}/img.png) `[c]({site.url}/code)`\n\n"
            f"```\n[f]({site.url}/fence)\n```\n\n"
            f'<a href="{site.url}/html">x</a>\n\n'
            f"[^1]: A note: <{site.url}/fn>\n"
        )
        findings = _check(in_tmp, text)
    assert [(f["rule"], f["line"]) for f in findings] == [
        ("LK001", 2),
        ("LK001", 4),
        ("LK001", 10),
        ("LK001", 12),
    ]
    assert sorted(site.paths()) == ["/fm", "/fn", "/html", "/img.png"]
