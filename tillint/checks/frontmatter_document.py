"""Front matter rules FM001-FM006, over one document: readable YAML, no duplicate keys or
ambiguous values, and a valid schema (``tillint.checks.frontmatter`` is the family module).

The YAML is read by ``tillint.frontmatter.tree`` (safe, bounded, with node positions) and
resolved by ``tillint.frontmatter.values``; schemas come from ``tillint.frontmatter.schema``.
Every finding points at the original file: the YAML's 0-based marks are shifted by the line of
the opening ``---``. A file without front matter costs one cached attribute lookup unless a
schema applies to it (FM001).
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tillint.checks import CheckContext
from tillint.document import Document, FrontMatter
from tillint.errors import UsageError
from tillint.finding import Finding
from tillint.frontmatter.schema import (
    Expectation,
    Schema,
    SchemaUnusable,
    Violation,
    glob_matches,
    load_schema,
    path_text,
)
from tillint.frontmatter.tree import Mapping, Mark, Node, Scalar, Sequence, YamlProblem, read_yaml
from tillint.frontmatter.values import Ambiguity, FrontMatterData, build_data, set_at

SCHEMA_KEY = "$schema"
_KEY_LINE = re.compile(r"[A-Za-z_$][\w$-]*:(?:\s|$)")
_YAML_11_READERS = "YAML 1.1 readers (PyYAML, Jekyll, js-yaml)"


@dataclass(frozen=True)
class ParsedFrontMatter:
    block: FrontMatter
    root: Node | None
    problem: YamlProblem | None


_parsed: weakref.WeakKeyDictionary[Document, ParsedFrontMatter] = weakref.WeakKeyDictionary()


def parse(doc: Document) -> ParsedFrontMatter | None:
    """The document's front matter read as YAML (once per document), or None without one."""
    block = doc.front_matter
    if block is None:
        return None
    cached = _parsed.get(doc)
    if cached is None:
        try:
            cached = ParsedFrontMatter(block, read_yaml(block.text), None)
        except YamlProblem as problem:
            cached = ParsedFrontMatter(block, None, problem)
        _parsed[doc] = cached
    return cached


def document_findings(doc: Document, ctx: CheckContext) -> Iterator[Finding]:
    """FM001-FM006 over one document."""
    parsed = parse(doc)
    if parsed is None:
        if _unclosed_front_matter(doc):
            yield doc.finding(
                "FM002",
                0,
                doc.line_end(1),
                "front matter opened here is never closed: add a `---` line after its last key",
            )
            return
        schema = configured_schema(doc, ctx)
        if schema is not None and schema.requires_front_matter:
            keys = ", ".join(f"`{k}`" for k in schema.data["required"])
            yield doc.finding(
                "FM001",
                0,
                doc.line_end(1),
                f"no front matter; schema `{schema.name}` requires {keys}",
            )
        return
    located = Locator(doc, parsed.block)
    if parsed.problem is not None:
        start = located.offset(parsed.problem.start)
        yield doc.finding("FM002", start, _line_end(doc, start), parsed.problem.message)
        return
    root = parsed.root
    if root is not None and not isinstance(root, Mapping):
        kind = "a list" if isinstance(root, Sequence) else "a single value"
        yield located.finding(
            "FM002", root, None, f"front matter must be a mapping of keys to values, not {kind}"
        )
        return
    yield from _duplicate_keys(located, root)
    data = build_data(root)
    for _, node, message in data.problems:
        yield located.finding("FM002", node, None, message)
    schema, findings = _schema_for(doc, ctx, located, root)
    yield from findings
    yield from _ambiguities(located, data, schema)
    if schema is not None and isinstance(data.data, dict):
        data.data.pop(SCHEMA_KEY, None)
        for violation in schema.violations(data.data):
            if violation.path not in data.problem_paths:
                yield located.violation(violation, root)


def _unclosed_front_matter(doc: Document) -> bool:
    """A first line ``---`` followed by a ``key:`` line, with no closing line anywhere."""
    return (
        doc.text.startswith("---")
        and doc.line_count > 2
        and doc.line_text(1).rstrip() == "---"
        and _KEY_LINE.match(doc.line_text(2)) is not None
    )


class Locator:
    """Turns YAML marks and nodes into offsets and findings in the original file."""

    def __init__(self, doc: Document, block: FrontMatter) -> None:
        self.doc = doc
        self.first_line = block.start_line + 1
        self.last_line = block.end_line

    def offset(self, mark: Mark) -> int:
        line = min(self.first_line + mark[0], self.last_line)
        return min(self.doc.line_start(line) + mark[1], self.doc.line_end(line))

    def finding(self, rule: str, node: Node, key: Scalar | None, message: str) -> Finding:
        """A finding from the key (when given) to the value's end on the key's line."""
        first = key or node
        start = self.offset(first.start)
        end = self.offset(node.end) if node.end[0] == first.start[0] else self.offset(first.end)
        if end <= start:
            end = _line_end(self.doc, start)
        return self.doc.finding(rule, start, end, message)

    def opening_fence(self, rule: str, message: str) -> Finding:
        start = self.doc.line_start(self.first_line - 1)
        return self.doc.finding(rule, start, self.doc.line_end(self.first_line - 1), message)

    def violation(self, violation: Violation, root: Node | None) -> Finding:
        """A schema violation at the bad value's key, or at the mapping missing a key."""
        path = violation.path[:-1] if violation.missing else violation.path
        key, node = _locate(root, path)
        if node is None or (key is None and node is root):
            return self.opening_fence(violation.rule, violation.message)
        return self.finding(violation.rule, node, key, violation.message)


def _line_end(doc: Document, offset: int) -> int:
    return max(doc.line_end(doc.position(offset)[0]), min(offset + 1, len(doc.text)))


def _locate(root: Node | None, path: tuple[str | int, ...]) -> tuple[Scalar | None, Node | None]:
    key: Scalar | None = None
    node = root
    for step in path:
        if isinstance(node, Mapping) and isinstance(step, str):
            entry = node.entry(step)
            if entry is None:
                break
            key, node = entry
        elif isinstance(node, Sequence) and isinstance(step, int) and step < len(node.items):
            key, node = None, node.items[step]
        else:
            break
    return key, node


def _mappings(root: Node | None, path: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, Mapping]]:
    if isinstance(root, Mapping):
        yield path, root
        for key, value in root.entries:
            yield from _mappings(value, (*path, key.text))
    elif isinstance(root, Sequence):
        for index, item in enumerate(root.items):
            yield from _mappings(item, (*path, index))


def _duplicate_keys(located: Locator, root: Node | None) -> Iterator[Finding]:
    """FM004: a key written twice in one mapping; every occurrence is reported."""
    for path, mapping in _mappings(root):
        lines: dict[str, list[Scalar]] = {}
        for key, _ in mapping.entries:
            lines.setdefault(key.text, []).append(key)
        for name, keys in lines.items():
            if len(keys) < 2:
                continue
            where = ", ".join(str(located.first_line + k.start[0]) for k in keys)
            message = (
                f"key `{path_text((*path, name))}` appears on lines {where}; YAML readers "
                "silently keep only the last value"
            )
            for key in keys:
                yield located.finding("FM004", key, None, message)


# --- schemas ----------------------------------------------------------------------------------


def configured_schema(doc: Document, ctx: CheckContext) -> Schema | None:
    """The schema the configuration gives this file (first matching glob, else ``schema``)."""
    options = ctx.options
    spec = options.get("schema")
    schemas = options.get("schemas") or {}
    if schemas:
        relative = _relative_path(doc, ctx.settings.root)
        for glob, candidate in schemas.items():
            if not isinstance(candidate, str):
                raise UsageError(
                    f"[tool.tillint.frontmatter] schemas: the schema for {glob!r} must be a "
                    f"preset name or a path, got {candidate!r}"
                )
            if glob_matches(glob, relative):
                spec = candidate
                break
    if spec is None:
        return None
    try:
        return load_schema(spec, ctx.settings.root)
    except SchemaUnusable as exc:
        raise UsageError(f"[tool.tillint.frontmatter]: {exc}") from None


def _relative_path(doc: Document, root: Path) -> str:
    absolute = Path(os.path.abspath(doc.path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return doc.display_path.replace(os.sep, "/")


def _schema_for(
    doc: Document, ctx: CheckContext, located: Locator, root: Mapping | None
) -> tuple[Schema | None, list[Finding]]:
    """The file's own ``$schema`` if it names one, else the configured schema."""
    entry = root.entry(SCHEMA_KEY) if root is not None else None
    if entry is None:
        return configured_schema(doc, ctx), []
    key, value = entry
    if not isinstance(value, Scalar) or not value.text:
        message = f"`{SCHEMA_KEY}` must name a preset or a schema file"
        return None, [located.finding("FM003", value, key, message)]
    try:
        return load_schema(value.text, Path(os.path.abspath(doc.path)).parent), []
    except SchemaUnusable as exc:
        return None, [located.finding("FM003", value, key, f"`{SCHEMA_KEY}`: {exc}")]


# --- YAML 1.1 ambiguities ---------------------------------------------------------------------


def _ambiguities(
    located: Locator, data: FrontMatterData, schema: Schema | None
) -> Iterator[Finding]:
    """FM006, and the value the schema check should see for each ambiguous scalar."""
    for path, node, ambiguity in data.ambiguous:
        expected = schema.expected_at(path) if schema is not None else None
        wants_string = expected is not None and "string" in expected.types
        if wants_string:
            set_at(data.data, path, node.text)
        elif ambiguity.kind == "boolean" and expected and "boolean" in expected.types:
            set_at(data.data, path, node.text.lower() in ("yes", "on"))
        if _harmless(ambiguity, expected):
            continue
        yield located.finding(
            "FM006", node, None, _ambiguity_message(path, node, ambiguity, wants_string)
        )


def _harmless(ambiguity: Ambiguity, expected: Expectation | None) -> bool:
    """Whether the YAML 1.1 reading is what the schema asks for anyway."""
    if ambiguity.kind == "date":
        # Without a schema, an unquoted date is almost always meant as a date.
        return (
            expected is None
            or "string" not in expected.types
            or bool(expected.formats & {"date", "date-time"})
        )
    if expected is None or "string" in expected.types:
        return False
    if ambiguity.kind == "boolean":
        return "boolean" in expected.types
    if ambiguity.kind == "trailing-zero":
        return "number" in expected.types
    return False


def _ambiguity_message(
    path: tuple[str | int, ...], node: Scalar, ambiguity: Ambiguity, wants_string: bool
) -> str:
    read_as = (
        f"{path_text(path)}: unquoted `{node.text}` is {ambiguity.description} "
        f"for {_YAML_11_READERS}"
    )
    if wants_string:
        return f'{read_as}, but the schema expects a string: quote it ("{node.text}")'
    if ambiguity.kind == "boolean":
        return f"{read_as} and a string for YAML 1.2 readers: write true/false, or quote it"
    return f'{read_as}: quote it ("{node.text}") if you mean the text'
