"""Local targets across the corpus: files, images, site routes and their anchors.

A relative link (``../img/a.png``, ``other.md``) is resolved from the linking document's
directory; a root-absolute one (``/git/foo.md``) from the ``root`` option (default: the
directory of the configuration file), the way GitHub renders it. A root-absolute link that
names no file may still be a site route declared in some document's front matter (``path``
or ``slug``; a slug matches the route's last segment). Fragments into Markdown files are
checked against that file's heading slugs and anchors; a Markdown file outside the checked
set is read (at most ``MAX_TARGET_BYTES``) to learn them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tillint.checks.links_document import (
    LinkRecord,
    LinkSummary,
    anchor_found,
    record_link,
    split_fragment,
)
from tillint.checks.links_extract import extract_anchors
from tillint.checks.links_options import LinkOptions
from tillint.document import Document
from tillint.finding import Finding

MARKDOWN_SUFFIXES = (".md", ".markdown")
Probe = Callable[..., Any]  # CheckContext.probe: (path, *, content=False) -> path_state
MAX_TARGET_BYTES = 5 * 1024 * 1024
Routed = tuple[str, tuple[str, ...]]  # the display path and anchors of a document with a route


def _route_key(value: str) -> str:
    return "/" + value.strip().strip("/")


class _Corpus:
    """Lookups over every summary: anchors by document file, documents by route and by slug."""

    def __init__(
        self, summaries: Mapping[str, LinkSummary], options: LinkOptions, probe: Probe
    ) -> None:
        self.options = options
        self.probe = probe
        self.root = options.root.absolute()
        self.anchors_by_file = {file: anchors for file, _, _, anchors, _ in summaries.values()}
        self.verdicts: dict[tuple[str, str, str], tuple[str, str] | None] = {}
        self.by_route: dict[str, Routed] = {}
        self.by_slug: dict[str, Routed] = {}
        for shown, (_, _, _, anchors, routes) in summaries.items():
            for route in routes:
                self.by_route.setdefault(_route_key(route), (shown, anchors))
                if "/" not in route.strip().strip("/"):
                    self.by_slug.setdefault(route.strip().strip("/"), (shown, anchors))

    def route(self, path: str) -> Routed | None:
        key = _route_key(path)
        found = self.by_route.get(key)
        if found is None and key != "/":
            found = self.by_slug.get(key.rsplit("/", 1)[-1])
        return found

    def anchors_of(self, file: str) -> Collection[str] | None:
        anchors = self.anchors_by_file.get(file)
        if anchors is not None:
            return anchors
        state = self.probe(file, content=True)
        return _anchors_of_file(file, self.options.anchor_style, state)

    def kind_of(self, file: str) -> str:
        """ "dir", "file" or "missing", recorded as a probe (the findings depend on it)."""
        return str(self.probe(file))  # without ``content``, a probe sees one of these words

    def shown(self, file: str) -> str:
        """A path for messages: relative to the root when inside it (the same on any machine)."""
        relative = os.path.relpath(file, self.root)
        return relative if not relative.startswith("..") else file


@cache
def _anchors_of_file(file: str, style: str, state: object) -> frozenset[str] | None:
    """The anchors of a Markdown file outside the checked set, memoised by its ``path_state``
    (a changed file is read again, also by another run in the same process)."""
    try:
        with open(file, "rb") as handle:
            raw = handle.read(MAX_TARGET_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_TARGET_BYTES:
        return None
    doc = Document(Path(file), file, raw)
    return extract_anchors(doc, style) if not doc.decode_problem else None


def _finding(shown: str, record: LinkRecord, rule: str, message: str) -> Finding:
    link = record_link(record)
    return Finding(
        path=shown, span=link.span, rule=rule, message=message, source_line=link.source_line
    )


def _strip_query(target: str) -> str:
    return target.split("?", 1)[0]


def _check_one(corpus: _Corpus, shown: str, file: str, record: LinkRecord) -> Finding | None:
    """The finding for one local link; the same target from the same file is resolved once."""
    target, kind = record[0], record[1]
    key = (file, target, kind)
    if key not in corpus.verdicts:
        corpus.verdicts[key] = _verdict(corpus, file, target, kind)
    verdict = corpus.verdicts[key]
    return _finding(shown, record, *verdict) if verdict is not None else None


def _verdict(corpus: _Corpus, document: str, target: str, kind: str) -> tuple[str, str] | None:
    """(rule, message) for a local link of ``document``, or None when it is fine."""
    base, fragment = split_fragment(target)
    path = unquote(_strip_query(base))
    if not path:
        return None
    rooted = path.startswith("/")
    start = corpus.root if rooted else Path(document).parent
    file = os.path.normpath(start / path.lstrip("/"))
    found = corpus.kind_of(file)
    if found == "dir":
        return None
    if found == "file":
        if fragment and file.endswith(MARKDOWN_SUFFIXES):
            return _missing_anchor(corpus, fragment, file)
        return None
    routed = corpus.route(path) if rooted else None
    if routed is not None:
        shown, anchors = routed
        if fragment and not anchor_found(fragment, anchors):
            return "LK004", f"no heading or anchor `#{fragment}` in {shown}"
        return None
    what = "image" if kind == "image" else "file"
    where = "under the root" if rooted else "next to this file"
    route_note = " and no document declares that route" if rooted else ""
    return "LK003", f"no such {what} `{path}` {where}{route_note}"


def _missing_anchor(corpus: _Corpus, fragment: str, file: str) -> tuple[str, str] | None:
    anchors = corpus.anchors_of(file)
    if anchors is None or anchor_found(fragment, anchors):
        return None
    return "LK004", f"no heading or anchor `#{fragment}` in {corpus.shown(file)}"


def check_local_links(
    summaries: Mapping[str, LinkSummary], options: LinkOptions, probe: Probe
) -> Iterator[Finding]:
    """LK003 and LK004 for every link to a local file, image or route, given every document's
    summary by display path.

    ``probe`` records every path looked at, so that the findings can be reused while those
    paths and the documents stay the same.
    """
    corpus = _Corpus(summaries, options, probe)
    for shown, (file, local, _, _, _) in summaries.items():
        for record in local:
            finding = _check_one(corpus, shown, file, record)
            if finding is not None:
                yield finding
