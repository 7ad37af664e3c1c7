"""External links: each unique URL (fragment stripped) asked once, answers turned into findings.

Answers come from the link cache when still valid, else from the prober service; both are
built by ``make_prober``/``make_cache`` so tests can replace them. ``requests`` is imported
only here, and only when there is something to probe.

When every probed URL failed without any answer from the network (DNS failures, unreachable
networks, connect timeouts), the network is taken to be down: one LK002 finding says so, on
the first external link, and no link is reported (nor cached) as broken.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tillint.checks.links_document import anchor_found, split_fragment
from tillint.checks.links_extract import Link
from tillint.checks.links_options import LinkOptions
from tillint.finding import Edit, Finding, Fix

if TYPE_CHECKING:
    from tillint.services.http import LinkProber, ProbeOptions, ProbeResult
    from tillint.services.link_cache import LinkCache

Use = tuple[str, Link]  # a link and the display path of its document


def probe_options(options: LinkOptions) -> ProbeOptions:
    """The prober's settings from the family options."""
    from tillint.services.http import ProbeOptions

    return ProbeOptions(
        timeout=float(options.value("timeout")),
        connect_timeout=float(options.value("connect_timeout")),
        read_timeout=float(options.value("read_timeout")),
        retries=int(options.value("retries")),
        backoff=float(options.value("backoff")),
        max_retry_after=float(options.value("max_retry_after")),
        max_concurrency=max(1, int(options.value("max_concurrency"))),
        max_per_host=max(1, int(options.value("max_per_host"))),
        allow_private=bool(options.value("allow_private")),
        headers=options.headers,
        progress=sys.stderr.isatty(),
    )


def make_prober(options: ProbeOptions) -> LinkProber:
    """The prober service (replaced by a fake in some tests)."""
    from tillint.services.http import LinkProber

    return LinkProber(options)


def make_cache(options: LinkOptions, cache_dir: Path | None) -> LinkCache | None:
    """The persistent link cache, or None when caching is off or there is no cache dir."""
    if cache_dir is None or not options.value("cache"):
        return None
    from tillint.services.link_cache import CacheLifetimes, LinkCache

    lifetimes = CacheLifetimes(
        ok=float(options.value("cache_ok_seconds")),
        broken=float(options.value("cache_broken_seconds")),
    )
    return LinkCache(cache_dir / "links", lifetimes)


def _fetch_url(target: str) -> str:
    base = split_fragment(target)[0]
    return "https:" + base if base.startswith("//") else base


def _wants_anchors(target: str, options: LinkOptions) -> bool:
    fragment = split_fragment(target)[1]
    return options.check_remote_anchors and not anchor_found(fragment, frozenset())


def _answers(
    wanted: dict[str, bool], options: LinkOptions, cache_dir: Path | None
) -> tuple[dict[str, ProbeResult], list[ProbeResult]]:
    """(answer per URL, the fresh ones) from the cache, then from the network."""
    cache = make_cache(options, cache_dir)
    answers: dict[str, ProbeResult] = {}
    try:
        if cache is not None:
            for url, want_anchors in wanted.items():
                cached = cache.get(url, want_anchors)
                if cached is not None:
                    answers[url] = cached
        missing = [(url, anchors) for url, anchors in sorted(wanted.items()) if url not in answers]
        fresh = _probe(missing, options)
        if cache is not None and not _network_down(fresh):
            cache.put(fresh)
    finally:
        if cache is not None:
            cache.close()
    answers.update((result.url, result) for result in fresh)
    return answers, fresh


def _probe(missing: list[tuple[str, bool]], options: LinkOptions) -> list[ProbeResult]:
    if not missing:
        return []
    prober = make_prober(probe_options(options))
    try:
        return list(prober.probe_all(_interleave_hosts(missing)))
    finally:
        prober.close()


def _interleave_hosts(wanted: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Round-robin over hosts, so workers waiting on one host's limit don't idle the rest."""
    by_host: dict[str, list[tuple[str, bool]]] = {}
    for item in wanted:
        by_host.setdefault(urlsplit(item[0]).netloc.lower(), []).append(item)
    queues = list(by_host.values())
    ordered: list[tuple[str, bool]] = []
    for index in range(max(len(q) for q in queues)):
        ordered.extend(q[index] for q in queues if index < len(q))
    return ordered


def _network_down(fresh: Sequence[ProbeResult]) -> bool:
    return bool(fresh) and all(result.no_answer for result in fresh)


def _finding(use: Use, rule: str, message: str, fix: Fix | None = None) -> Finding:
    shown, link = use
    return Finding(
        path=shown,
        span=link.span,
        rule=rule,
        message=message,
        fix=fix,
        source_line=link.source_line,
    )


def _redirect_fix(link: Link, final_url: str) -> Fix | None:
    if not link.exact:
        return None
    fragment = link.target.partition("#")[2]
    content = final_url + (f"#{fragment}" if fragment and "#" not in final_url else "")
    return Fix("unsafe", (Edit(link.start, link.end, content, link.span),))


def _findings_for(use: Use, answer: ProbeResult, options: LinkOptions) -> Iterator[Finding]:
    url = answer.url
    if options.accepts(url, answer.status):
        return
    said = f"`{url}`: {answer.detail}"
    if answer.outcome == "broken":
        yield _finding(use, "LK001", said)
    elif answer.outcome == "unreachable":
        yield _finding(use, "LK002", said)
    elif answer.outcome == "blocked":
        hint = "set allow_private = true in [tool.tillint.links] to check intranet links"
        yield _finding(use, "LK006", f"`{url}` was not asked: {answer.detail}; {hint}")
    elif answer.outcome == "redirected" and answer.final_url:
        fix = _redirect_fix(use[1], answer.final_url)
        message = f"`{url}` redirects permanently to `{answer.final_url}` ({answer.detail})"
        yield _finding(use, "LK005", message, fix)
    if answer.outcome in ("ok", "redirected") and answer.anchors is not None:
        fragment = split_fragment(use[1].target)[1]
        if not anchor_found(fragment, answer.anchors) and answer.anchors_complete:
            yield _finding(use, "LK004", f"no anchor `#{fragment}` in the page at `{url}`")


def check_external_links(
    uses: Sequence[Use], options: LinkOptions, cache_dir: Path | None
) -> list[Finding]:
    """LK001, LK002, LK004, LK005 and LK006 for every use of every external URL."""
    wanted: dict[str, bool] = {}
    for _, link in uses:
        url = _fetch_url(link.target)
        wanted[url] = wanted.get(url, False) or _wants_anchors(link.target, options)
    answers, fresh = _answers(wanted, options, cache_dir)
    if _network_down(fresh):
        first = min(uses, key=lambda use: (use[0], use[1].span))
        first_failure = min(fresh, key=lambda result: result.url).detail
        message = (
            f"the network looks unreachable: none of the {len(fresh)} external URLs "
            f"answered (first failure: {first_failure}); external links were not checked"
        )
        return [_finding(first, "LK002", message)]
    findings: list[Finding] = []
    for use in uses:
        findings.extend(_findings_for(use, answers[_fetch_url(use[1].target)], options))
    return findings
