"""One document's links: what they are (``link_kind``), malformed links (LK007), same-file
``#fragments`` (LK004), and the summary the cross-file checks get (``document_summary``, in
plain tuples: see ``LinkSummary``).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Collection, Iterator
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from tillint.checks import CheckContext
from tillint.checks.links_extract import (
    GITHUB_ID_PREFIX,
    Link,
    extract_anchors,
    extract_links,
    front_matter_values,
)
from tillint.checks.links_options import LinkOptions, link_options
from tillint.discover import relative_posix
from tillint.document import Document
from tillint.finding import Finding, Span

_BAD_HOST_CHARACTER = re.compile(r"[\s%<>\"{}|\\^`\[\]]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# Fragments that are not element ids: SPA routes (#/x, #!x) and text fragments (#:~:text=).
_NOT_AN_ID = ("/", "!", ":~:")
# A web URL whose host is only host name characters, right before its path, query, fragment or
# end: the usual link, which ``urlsplit`` would accept (no user, port, brackets or spaces).
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?:[/?#]|\Z)")
# check() and summarize() see the same Document: extract its links and anchors once.
_extracted: weakref.WeakKeyDictionary[Document, list[Link]] = weakref.WeakKeyDictionary()
_anchors: weakref.WeakKeyDictionary[Document, frozenset[str]] = weakref.WeakKeyDictionary()


# A link as a summary holds it, in plain values: whenever one document changed, every
# document's summary is unpickled again, and tuples of strings and numbers unpickle many times
# faster than dataclasses. (target, kind, start, end, exact, line, column, end_line, end_column,
# source_line): ``Link``'s fields, its span flattened (see ``link_record``, ``record_link``).
LinkRecord = tuple[str, str, int, int, bool, int, int, int, int, str]

# What the cross-file checks need from one document, in plain tuples too: (the document's
# path relative to the project root, as the result cache keys it, so that a cache restored in
# another checkout resolves links there; its local links to files, images and routes; its
# external links; its anchors sorted; its front matter route values (``path``, ``slug``)).
# Its display path is its key in the summaries ``check_corpus`` gets.
LinkSummary = tuple[
    str, tuple[LinkRecord, ...], tuple[LinkRecord, ...], tuple[str, ...], tuple[str, ...]
]


def link_record(link: Link) -> LinkRecord:
    """The link as a summary holds it."""
    span = link.span
    return (
        link.target,
        link.kind,
        link.start,
        link.end,
        link.exact,
        span.line,
        span.column,
        span.end_line,
        span.end_column,
        link.source_line,
    )


def record_link(record: LinkRecord) -> Link:
    """The link a summary's record stands for (built only where a finding needs it)."""
    target, kind, start, end, exact, line, column, end_line, end_column, source_line = record
    span = Span(line, column, end_line, end_column)
    return Link(target, start, end, span, source_line, exact, kind)


@lru_cache(maxsize=4096)
def link_kind(target: str) -> str:
    """``fragment``, ``external`` (http/https), ``scheme`` (any other scheme) or ``local``.

    Cached: a document's check and its summary ask it of every link."""
    if target.startswith("#"):
        return "fragment"
    if target.startswith("//"):
        return "external"
    scheme = _SCHEME.match(target)
    if scheme is None:
        return "local"
    return "external" if scheme.group(1).lower() in ("http", "https") else "scheme"


def split_fragment(target: str) -> tuple[str, str]:
    """(target without fragment, decoded fragment)."""
    base, _, fragment = target.partition("#")
    return base, unquote(fragment)


def anchor_found(fragment: str, anchors: Collection[str]) -> bool:
    """Whether ``#fragment`` lands somewhere: exact, case-insensitive, ``top`` or an SPA route."""
    if not fragment or fragment.startswith(_NOT_AN_ID) or fragment.lower() == "top":
        return True
    wanted = fragment.removeprefix(GITHUB_ID_PREFIX)
    return wanted in anchors or wanted.casefold() in {a.casefold() for a in anchors}


def links_of(doc: Document, options: LinkOptions) -> list[Link]:
    """The document's links (extracted once per document), minus excluded targets."""
    links = _extracted.get(doc)
    if links is None:
        links = extract_links(doc, options.front_matter_url_keys)
        _extracted[doc] = links
    if not options.exclude:
        return list(links)
    return [link for link in links if not options.excluded_target(link.target)]


def anchors_of(doc: Document, options: LinkOptions) -> frozenset[str]:
    """The document's anchors (extracted once per document)."""
    anchors = _anchors.get(doc)
    if anchors is None:
        anchors = _anchors[doc] = extract_anchors(doc, options.anchor_style)
    return anchors


def malformed_reason(target: str, schemes: frozenset[str], written: str = "") -> str | None:
    """Why a link target cannot work, or None. ``written``: the target as the author wrote it."""
    problem = _target_problem(target, schemes)
    if problem is None:
        return None
    before, after = problem
    return before if after is None else f"{before}{written or target}{after}"


@lru_cache(maxsize=4096)
def _target_problem(target: str, schemes: frozenset[str]) -> tuple[str, str | None] | None:
    """``malformed_reason`` as the text before and after the written target (None after: the
    reason does not quote it). Cached: a document's check and its summary ask of every link."""
    if not target.strip():
        return "empty link target", None
    kind = link_kind(target)
    if kind == "scheme":
        scheme = target.split(":", 1)[0]
        if scheme.lower() not in schemes:
            return f"unknown scheme `{scheme}:` in `", "`"
        return None
    if kind != "external" or _PLAIN_WEB_URL.match(target):
        return None
    try:
        parts = urlsplit(target if not target.startswith("//") else "https:" + target)
        port = parts.port
    except ValueError as exc:
        return "bad URL `", f"`: {exc}"
    if not parts.hostname or (port is not None and port == 0):
        return "bad URL `", "`: no host"
    if _BAD_HOST_CHARACTER.search(parts.hostname):
        return "bad URL `", f"`: `{parts.hostname}` is not a host name"
    return None


def document_findings(doc: Document, ctx: CheckContext) -> list[Finding]:
    """LK007 (malformed links) and LK004 for same-file fragments of one document.

    A reference definition used several times is reported once, at its destination.
    """
    options = link_options(ctx)
    if options.excluded_file(doc.display_path):
        return []
    return list(dict.fromkeys(_local_findings(doc, options)))


def _local_findings(doc: Document, options: LinkOptions) -> Iterator[Finding]:
    links = links_of(doc, options)
    anchors = anchors_of(doc, options) if links else frozenset()
    for link in links:
        written = doc.text[link.start : link.end] if link.exact else link.target
        reason = malformed_reason(link.target, options.schemes, written)
        if reason is not None:
            yield doc.finding("LK007", link.start, link.end, reason)
        elif link_kind(link.target) == "fragment":
            fragment = split_fragment(link.target)[1]
            if not anchor_found(fragment, anchors):
                message = f"no heading or anchor `#{fragment}` in this file"
                yield doc.finding("LK004", link.start, link.end, message)


def document_summary(doc: Document, ctx: CheckContext) -> LinkSummary:
    """The document's cross-file links, anchors and routes (see ``LinkSummary``)."""
    options = link_options(ctx)
    by_kind: dict[str, list[LinkRecord]] = {"local": [], "external": []}
    if not options.excluded_file(doc.display_path):
        for link in links_of(doc, options):
            records = by_kind.get(link_kind(link.target))
            if records is not None and not malformed_reason(link.target, options.schemes):
                records.append(link_record(link))
    routes = tuple(value for value, _, _ in front_matter_values(doc, options.route_keys))
    return (
        relative_posix(doc.path, ctx.settings.root),
        tuple(by_kind["local"]),
        tuple(by_kind["external"]),
        tuple(sorted(anchors_of(doc, options))),
        routes,
    )
