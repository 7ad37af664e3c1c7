"""The HTTP link prober: each URL asked once, politely, safely, within a deadline.

- One ``requests.Session`` (``trust_env=False``: no proxies, netrc or credentials from the
  environment) with a connection pool; a global worker limit and a per-host limit.
- HEAD first; GET when HEAD is refused (403, 405, 501) or when the page's anchors are needed,
  then at most 64 KiB of the body is read.
- Redirects are followed by hand (at most 5, loops detected) so every hop is checked and a
  chain of permanent redirects can be reported with its final URL.
- Retries with exponential backoff for connection errors, 429 and 5xx, honouring a capped
  ``Retry-After``; a timeout is retried once at most; a total deadline bounds each URL.
- Every connection resolves the host itself and refuses private, loopback, link-local, CGNAT,
  ULA, multicast and reserved addresses at connect time, so redirects, DNS rebinding and
  spellings such as ``2130706433`` or ``[::ffff:127.0.0.1]`` are covered. ``allow_private``
  lifts that (intranets, tests).
"""

from __future__ import annotations

import email.utils
import ipaddress
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from tillint import __version__

USER_AGENT = f"tillint/{__version__} (+https://github.com/tillint/tillint)"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BODY_LIMIT = 64 * 1024
MAX_REDIRECTS = 5
HEAD_REFUSED = frozenset({403, 405, 501})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
BROKEN_STATUSES = frozenset({404, 410})
_ANCHOR = re.compile(r"""\s(?:id|name)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
Resolver = Callable[..., list[tuple[Any, ...]]]

OK = "ok"
REDIRECTED = "redirected"
BROKEN = "broken"
UNREACHABLE = "unreachable"
BLOCKED = "blocked"


@dataclass(frozen=True)
class ProbeOptions:
    """How to ask: limits and timeouts in seconds (see ``rules/LK001.yaml`` for defaults)."""

    timeout: float = 20.0  # total deadline per URL, retries and redirects included
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 10.0
    max_concurrency: int = 32
    max_per_host: int = 4
    allow_private: bool = False
    headers: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # URL prefix -> headers
    progress: bool = False


@dataclass(frozen=True)
class ProbeResult:
    """What came back for one URL. ``no_answer``: nothing on the network answered at all."""

    url: str
    outcome: str  # ok, redirected, broken, unreachable, blocked
    detail: str = ""
    status: int | None = None
    final_url: str | None = None
    anchors: frozenset[str] | None = None
    no_answer: bool = False
    anchors_complete: bool = True  # False when the page was longer than the 64 KiB read


class ConnectFailure(Exception):
    """No connection: ``kind`` is blocked, dns, refused, timeout or unreachable."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def is_public_address(address: str) -> bool:
    """Whether an IP address is globally routable (and so may be connected to by default)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


class _GuardedConnection(HTTPConnection):
    """Resolves, checks and connects itself, so the checked address is the one used."""

    allow_private = False
    resolver: Resolver = socket.getaddrinfo

    def _new_conn(self) -> socket.socket:
        host, port = self._dns_host, self.port
        try:
            infos = type(self).resolver(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise ConnectFailure("dns", f"DNS name {host} does not resolve ({exc})") from exc
        allowed = [i for i in infos if self.allow_private or is_public_address(i[4][0])]
        if not allowed:
            address = infos[0][4][0] if infos else "?"
            raise ConnectFailure("blocked", f"{host} is a private or reserved address ({address})")
        failure = ConnectFailure("unreachable", f"cannot connect to {host}")
        for family, kind, proto, _, address in allowed:
            sock = socket.socket(family, kind, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                if isinstance(self.timeout, (int, float)):
                    sock.settimeout(self.timeout)
                sock.connect(address)
                return sock
            except TimeoutError:
                sock.close()
                raise ConnectFailure("timeout", f"connecting to {host} timed out") from None
            except ConnectionRefusedError:
                sock.close()
                failure = ConnectFailure("refused", f"connection to {host} refused")
            except OSError as exc:
                sock.close()
                failure = ConnectFailure("unreachable", f"cannot connect to {host}: {exc}")
        raise failure


class _GuardedHTTPSConnection(_GuardedConnection, HTTPSConnection):
    pass


def _guarded_adapter(options: ProbeOptions, resolver: Resolver, pool_size: int) -> HTTPAdapter:
    settings = {"allow_private": options.allow_private, "resolver": staticmethod(resolver)}
    http_conn = type("Conn", (_GuardedConnection,), settings)
    https_conn = type("TLSConn", (_GuardedHTTPSConnection,), settings)
    http_pool = type("Pool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
    https_pool = type("TLSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})
    adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=options.max_per_host)
    adapter.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}
    return adapter


@dataclass
class _Answer:
    """One attempt's end: a final status (after redirects) or a connection failure."""

    status: int | None = None
    reason: str = ""
    method: str = "HEAD"
    failure: str | None = None  # ConnectFailure kind, read-timeout, deadline, redirects, tls
    message: str = ""
    final_url: str | None = None
    permanent: bool = False
    anchors: frozenset[str] | None = None
    anchors_complete: bool = True
    retry_after: float | None = None


@dataclass
class _Deadline:
    end: float

    def left(self) -> float:
        return self.end - time.monotonic()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _anchors_of(body: bytes, encoding: str | None) -> frozenset[str]:
    text = body.decode(encoding or "utf-8", "replace")
    found = {match.group(1) for match in _ANCHOR.finditer(text)}
    return frozenset(found | {a.removeprefix("user-content-") for a in found})


@dataclass
class LinkProber:
    """Probes URLs concurrently; ``requests_made`` counts every HTTP request sent."""

    options: ProbeOptions = field(default_factory=ProbeOptions)
    resolver: Resolver = socket.getaddrinfo
    requests_made: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()  # set when the run is interrupted
        self._host_limits: dict[str, threading.Semaphore] = {}
        self._session = requests.Session()
        self._session.trust_env = False
        self._session.max_redirects = MAX_REDIRECTS
        adapter = _guarded_adapter(self.options, self.resolver, self.options.max_concurrency)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def close(self) -> None:
        self._session.close()

    def probe_all(self, wanted: Sequence[tuple[str, bool]]) -> Iterator[ProbeResult]:
        """Probe each (url, want_anchors) once; yields results as they complete."""
        if not wanted:
            return
        workers = max(1, min(self.options.max_concurrency, len(wanted)))
        pool = ThreadPoolExecutor(workers, thread_name_prefix="tillint-link")
        finished = False
        try:
            futures = [pool.submit(self.probe, url, anchors) for url, anchors in wanted]
            failures = 0
            for done, future in enumerate(as_completed(futures), 1):
                result = future.result()
                failures += result.outcome not in (OK, REDIRECTED)
                self._show_progress(done, len(wanted), failures)
                yield result
            finished = True
        finally:
            # Interrupted (Ctrl-C, or the caller stopped): no new attempt, no retry wait.
            if not finished:
                self._stopping.set()
            pool.shutdown(wait=finished, cancel_futures=not finished)
            if self.options.progress:
                sys.stderr.write("\r\x1b[K")

    def _show_progress(self, done: int, total: int, failures: int) -> None:
        if self.options.progress:
            sys.stderr.write(f"\rlinks: {done}/{total} checked, {failures} failing")
            sys.stderr.flush()

    def probe(self, url: str, want_anchors: bool = False) -> ProbeResult:
        """Ask one URL (without fragment) until it answers, fails for good or time is up."""
        deadline = _Deadline(time.monotonic() + self.options.timeout)
        answer = self._ask_with_retries(url, want_anchors, deadline)
        return self._result(url, answer)

    def _host_limit(self, url: str) -> threading.Semaphore:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            return self._host_limits.setdefault(
                host, threading.Semaphore(self.options.max_per_host)
            )

    def _ask_with_retries(self, url: str, want_anchors: bool, deadline: _Deadline) -> _Answer:
        method = "GET" if want_anchors else "HEAD"
        attempt, timeouts = 0, 0
        while not self._stopping.is_set():
            # The host's slot is held per attempt, not while waiting to retry.
            with self._host_limit(url):
                answer = self._follow(url, method, want_anchors, deadline)
            if method == "HEAD" and answer.status in HEAD_REFUSED:
                method = "GET"
                continue
            transient = answer.failure in ("refused", "unreachable", "read-timeout", "timeout")
            if answer.status is not None:
                transient = answer.status == 429 or 500 <= answer.status < 600
            if answer.failure in ("read-timeout", "timeout"):
                timeouts += 1
            if not transient or attempt >= self.options.retries or timeouts > 1:
                return answer
            delay = self.options.backoff * 2**attempt
            if answer.retry_after is not None:
                delay = max(delay, min(answer.retry_after, self.options.max_retry_after))
            if delay >= deadline.left() or self._stopping.wait(delay):
                return answer
            attempt += 1
        return _Answer(failure="deadline", method=method)

    def _headers_for(self, url: str) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
        for prefix, extra in self.options.headers:
            if url.startswith(prefix):
                headers.update(extra)
        return headers

    def _follow(self, url: str, method: str, want_body: bool, deadline: _Deadline) -> _Answer:
        seen = {url}
        permanent = True
        for _ in range(MAX_REDIRECTS + 1):
            answer = self._request(url, method, want_body, deadline)
            location = answer.final_url
            if answer.status not in REDIRECTS or not location:
                answer.final_url = url if len(seen) > 1 else None
                answer.permanent = permanent and len(seen) > 1
                return answer
            permanent = permanent and answer.status in PERMANENT_REDIRECTS
            method = "GET" if answer.status == 303 else method
            url = urljoin(url, location)
            if url in seen:
                return _Answer(failure="redirects", message=f"redirect loop at {url}")
            seen.add(url)
        return _Answer(failure="redirects", message=f"more than {MAX_REDIRECTS} redirects")

    def _request(self, url: str, method: str, want_body: bool, deadline: _Deadline) -> _Answer:
        left = deadline.left()
        if left <= 0:
            return _Answer(failure="deadline", method=method)
        timeout = (min(self.options.connect_timeout, left), min(self.options.read_timeout, left))
        with self._lock:
            self.requests_made += 1
        try:
            response = self._session.request(
                method,
                url,
                headers=self._headers_for(url),
                allow_redirects=False,
                stream=True,
                timeout=timeout,
            )
        except ConnectFailure as exc:
            return _Answer(failure=exc.kind, message=str(exc), method=method)
        except requests.Timeout:
            return _Answer(failure="read-timeout", method=method)
        except requests.exceptions.SSLError as exc:
            return _Answer(failure="tls", message=f"TLS error: {exc}", method=method)
        except requests.RequestException as exc:
            return _Answer(failure="unreachable", message=type(exc).__name__, method=method)
        with response:
            answer = _Answer(response.status_code, response.reason or "", method)
            answer.final_url = response.headers.get("Location")
            answer.retry_after = _retry_after(response.headers.get("Retry-After"))
            content_type = response.headers.get("Content-Type", "html")
            if want_body and response.ok and "html" in content_type.lower():
                answer.anchors, answer.anchors_complete = self._read_anchors(response, deadline)
            return answer

    def _read_anchors(
        self, response: requests.Response, deadline: _Deadline
    ) -> tuple[frozenset[str], bool]:
        """The ids and names in the first 64 KiB, and whether that was the whole body."""
        body = b""
        complete = False
        try:
            while len(body) < BODY_LIMIT and deadline.left() > 0 and not self._stopping.is_set():
                chunk = response.raw.read1(BODY_LIMIT - len(body))
                if not chunk:
                    complete = True
                    break
                body += chunk
        except (requests.RequestException, OSError, ValueError):
            pass
        return _anchors_of(body, response.encoding), complete

    def _result(self, url: str, answer: _Answer) -> ProbeResult:
        if answer.status is None:
            return self._failure_result(url, answer)
        asked = f"after {answer.method}"
        detail = f"{answer.status} {answer.reason} {asked}".replace("  ", " ")
        if answer.status < 300:
            outcome = REDIRECTED if answer.permanent else OK
            final = answer.final_url if answer.permanent else None
            return ProbeResult(
                url,
                outcome,
                detail,
                answer.status,
                final,
                answer.anchors,
                anchors_complete=answer.anchors_complete,
            )
        outcome = BROKEN if answer.status in BROKEN_STATUSES else UNREACHABLE
        return ProbeResult(url, outcome, detail, answer.status, answer.final_url)

    def _failure_result(self, url: str, answer: _Answer) -> ProbeResult:
        kind = answer.failure or "unreachable"
        if kind == "blocked":
            return ProbeResult(url, BLOCKED, answer.message)
        if kind == "dns" or kind == "refused":
            return ProbeResult(url, BROKEN, answer.message, no_answer=kind == "dns")
        if kind == "redirects":
            return ProbeResult(url, BROKEN, answer.message)
        if kind == "tls":  # the server answered, but not with a certificate we can trust
            return ProbeResult(url, UNREACHABLE, answer.message)
        if kind in ("read-timeout", "deadline"):
            limit = f"{self.options.timeout:g} s"
            return ProbeResult(url, UNREACHABLE, f"no answer within {limit} ({answer.method})")
        return ProbeResult(url, UNREACHABLE, answer.message or kind, no_answer=True)
