"""Local targets across the corpus: files, images, site routes and their anchors.

A relative link (``../img/a.png``, ``other.md``) is resolved from the linking document's
directory; a root-absolute one (``/git/foo.md``) from the ``root`` option (default: the
directory of the configuration file), the way GitHub renders it. A root-absolute link that
names no file may still be a site route declared in some document's front matter (``path``
or ``slug``; a slug matches the route's last segment). Fragments into Markdown files are
checked against that file's heading slugs and anchors; a Markdown file outside the checked
set is read (at most ``MAX_TARGET_BYTES``) to learn them.

Each path a link leads to is probed once (``CheckContext.probe``), so that cached findings are
reused only while those paths look the same. The run's documents are not probed: the key of
the cached findings holds every document's path and digest.
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
    """Lookups over every summary (anchors by document file, documents by route and by slug)
    and over the paths links lead to, each probed once."""

    def __init__(
        self,
        summaries: Mapping[str, LinkSummary],
        options: LinkOptions,
        probe: Probe,
        project_root: Path,
    ) -> None:
        self.options = options
        self.probe = probe
        self.root = str(options.root.absolute())
        # Summaries hold paths relative to the project root (absolute outside it).
        base = str(project_root.absolute())
        self.files = {
            shown: os.path.normpath(os.path.join(base, file))
            for shown, (file, _, _, _, _) in summaries.items()
        }
        self.anchors_by_file = {
            self.files[shown]: anchors for shown, (_, _, _, anchors, _) in summaries.items()
        }
        self.verdicts: dict[tuple[str, str, str], tuple[str, str] | None] = {}
        self.kinds: dict[str, str] = {}
        self.outside_anchors: dict[str, Collection[str] | None] = {}
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
        """The anchors of a Markdown file: a document's from its summary, another file's read
        from it (None when it cannot be read), that file's size and time recorded as a probe."""
        anchors = self.anchors_by_file.get(file)
        if anchors is not None:
            return anchors
        if file not in self.outside_anchors:
            state = self.probe(file, content=True)
            style = self.options.anchor_style
            self.outside_anchors[file] = _anchors_of_file(file, style, state)
        return self.outside_anchors[file]

    def kind_of(self, file: str) -> str:
        """ "dir", "file" or "missing". A document of the run is a file, and the findings are
        reused only for the same documents (the cache key holds every document's path), so it
        is not probed; any other path is, once (the findings depend on it)."""
        if file in self.anchors_by_file:
            return "file"
        kind = self.kinds.get(file)
        if kind is None:
            # Without ``content``, a probe sees one of these words.
            kind = self.kinds[file] = str(self.probe(file))
        return kind

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


def _check_one(corpus: _Corpus, shown: str, directory: str, record: LinkRecord) -> Finding | None:
    """The finding for one local link; the same target from the same directory is resolved
    once."""
    target, kind = record[0], record[1]
    key = (directory, target, kind)
    if key not in corpus.verdicts:
        corpus.verdicts[key] = _verdict(corpus, directory, target, kind)
    verdict = corpus.verdicts[key]
    return _finding(shown, record, *verdict) if verdict is not None else None


def _verdict(corpus: _Corpus, directory: str, target: str, kind: str) -> tuple[str, str] | None:
    """(rule, message) for a local link of a document in ``directory``, or None when it is
    fine."""
    base, fragment = split_fragment(target)
    path = unquote(_strip_query(base))
    if not path:
        return None
    rooted = path.startswith("/")
    start = corpus.root if rooted else directory
    file = os.path.normpath(os.path.join(start, path.lstrip("/")))
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
    summaries: Mapping[str, LinkSummary], options: LinkOptions, probe: Probe, project_root: Path
) -> Iterator[Finding]:
    """LK003 and LK004 for every link to a local file, image or route, given every document's
    summary by display path.

    ``probe`` records every path looked at but the documents, so that the findings can be
    reused while those paths and the documents stay the same.
    """
    corpus = _Corpus(summaries, options, probe, project_root)
    for shown, (_, local, _, _, _) in summaries.items():
        if not local:
            continue
        directory = os.path.dirname(corpus.files[shown])
        for record in local:
            finding = _check_one(corpus, shown, directory, record)
            if finding is not None:
                yield finding
