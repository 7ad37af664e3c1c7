"""Read front matter YAML into small nodes that remember where they were written.

The reader builds its nodes from PyYAML's event stream (libyaml's C parser when available), so
it sees every anchor, alias and tag before anything is composed: anchors and aliases are
refused at once (alias expansion is a denial of service against anything that walks the data),
tags other than YAML's standard ones are refused and never executed, nesting deeper than
``MAX_DEPTH`` stops the reader early, and front matter over ``MAX_BYTES`` is not read at all.
Positions are 0-based (line, column) pairs in characters, relative to the YAML text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

MAX_BYTES = 64 * 1024
MAX_DEPTH = 50
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(
    {"!", *(_CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp"))}
)
_COLLECTION_TAGS = frozenset({"!", _CORE + "seq", _CORE + "map"})

Mark = tuple[int, int]


@dataclass(frozen=True)
class Scalar:
    """A scalar as written: its text, whether it was plain (unquoted), and its explicit tag."""

    text: str
    plain: bool
    tag: str | None
    start: Mark
    end: Mark


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    start: Mark
    end: Mark


@dataclass(frozen=True)
class Mapping:
    """Key/value entries in the order written; duplicate keys are kept (FM004 reports them)."""

    entries: tuple[tuple[Scalar, Node], ...]
    start: Mark
    end: Mark

    def entry(self, key: str) -> tuple[Scalar, Node] | None:
        """The last entry with this key: the one YAML readers keep."""
        for entry in reversed(self.entries):
            if entry[0].text == key:
                return entry
        return None


Node = Scalar | Sequence | Mapping


class YamlProblem(Exception):
    """Why the YAML cannot be read, and where (0-based, relative to the YAML text)."""

    def __init__(self, message: str, start: Mark, end: Mark | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end or start


def read_yaml(text: str) -> Node | None:
    """The front matter's root node (None when it holds no value). Raises ``YamlProblem``."""
    if len(text) * 4 > MAX_BYTES and len(text.encode("utf-8")) > MAX_BYTES:
        size = len(text.encode("utf-8")) / 1024
        raise YamlProblem(
            f"front matter is {size:.0f} KiB; over {MAX_BYTES // 1024} KiB it is not read", (0, 0)
        )
    try:
        return _compose(yaml.parse(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        raise _marked_problem(exc, text) from None
    except yaml.reader.ReaderError as exc:
        raise YamlProblem(exc.reason.rstrip(), _position(text, exc.position)) from None
    except yaml.YAMLError as exc:  # any other reader complaint, still a finding
        raise YamlProblem(str(exc).splitlines()[0], (0, 0)) from None


def _mark(mark: Any) -> Mark:
    return (mark.line, mark.column)


def _position(text: str, offset: int) -> Mark:
    before = text[:offset]
    return (before.count("\n"), offset - (before.rfind("\n") + 1))


def _marked_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    where = _mark(mark) if mark is not None else (0, 0)
    lines = text.splitlines()
    line = lines[where[0]] if where[0] < len(lines) else ""
    indentation = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indentation:
        return YamlProblem(
            "tab character in indentation: YAML indents with spaces only",
            (where[0], indentation.index("\t")),
        )
    problem = (exc.problem or exc.context or "cannot read the YAML").strip()
    if "nesting depth" in problem:  # PyYAML >= 6.0.4's own limit can fire before ours
        return YamlProblem(_too_deep_message(), where)
    context = f" ({exc.context.strip()})" if exc.context and exc.problem else ""
    return YamlProblem(f"{problem}{context}", where)


def _too_deep_message() -> str:
    return f"front matter is nested more than {MAX_DEPTH} levels deep"


def _check_event(event: Any, depth: int) -> None:
    start = _mark(event.start_mark)
    if isinstance(event, yaml.AliasEvent):
        raise YamlProblem(
            f"alias `*{event.anchor}`: anchors and aliases are not allowed in front matter", start
        )
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        raise YamlProblem(
            f"anchor `&{anchor}`: anchors and aliases are not allowed in front matter", start
        )
    tag = getattr(event, "tag", None)
    allowed = ALLOWED_TAGS if isinstance(event, yaml.ScalarEvent) else _COLLECTION_TAGS
    if tag is not None and tag not in allowed:
        shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
        raise YamlProblem(f"tag `{shown}` is not allowed in front matter (never executed)", start)
    if depth > MAX_DEPTH:
        raise YamlProblem(_too_deep_message(), start)


def _compose(events: Iterator[Any]) -> Node | None:
    """Build nodes from the event stream, checking each event before it is used."""
    stack: list[tuple[Any, list[Node]]] = []
    root: list[Node] = []
    documents = 0
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlProblem(
                    "more than one YAML document in front matter", _mark(event.start_mark)
                )
            continue
        if not isinstance(event, (yaml.NodeEvent, yaml.CollectionEndEvent)):
            continue
        _check_event(event, len(stack) + 1)
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append((event, []))
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            opener, children = stack.pop()
            node = _collection(opener, children, _mark(event.end_mark))
        else:
            assert isinstance(event, yaml.ScalarEvent)
            node = Scalar(
                event.value,
                not event.style and event.tag is None,
                event.tag,
                _mark(event.start_mark),
                _mark(event.end_mark),
            )
        (stack[-1][1] if stack else root).append(node)
    return root[0] if root else None


def _collection(opener: Any, children: list[Node], end: Mark) -> Node:
    start = _mark(opener.start_mark)
    if isinstance(opener, yaml.SequenceStartEvent):
        return Sequence(tuple(children), start, end)
    entries = []
    for key, value in zip(children[0::2], children[1::2], strict=True):
        if not isinstance(key, Scalar):
            raise YamlProblem("a key must be a plain value, not a list or a mapping", key.start)
        entries.append((key, value))
    return Mapping(tuple(entries), start, end)
