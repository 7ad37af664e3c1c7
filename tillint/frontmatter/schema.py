"""JSON Schemas for front matter: presets, loading, choosing one per file, and validating.

A schema is named by a preset (``lumen``, ``hugo``, ``jekyll``, ``astro-blog``, shipped in
``tillint/schemas``) or by a path to a YAML or JSON file. Validation uses the schema's declared
draft (Draft 2020-12 when it declares none) with format checking, so ``format: date`` rejects
``2021-13-01``. Each validation error becomes a ``Violation``: the instance path it is about, a
message naming that path and what was expected, and the rule (FM003, or FM005 for keys the schema
does not declare). ``jsonschema`` is imported only when a schema is actually used.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from tillint.frontmatter import PRESETS
from tillint.frontmatter.values import Path as DataPath

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

PRESET_DIR = Path(__file__).resolve().parent.parent / "schemas"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TYPE_NAMES = {
    "string": "a string",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}
_FORMAT_NAMES = {
    "date": "a valid date (YYYY-MM-DD)",
    "date-time": "a valid date-time (RFC 3339, like 2021-04-26T09:30:00Z)",
}
_MAX_SHOWN = 60


def _prepare_jsonschema_import() -> None:
    """Keep ``jsonschema`` from importing ``rfc3987_syntax``, which builds a parser at import
    time (seconds on a busy machine, in every worker) only to check the ``iri`` formats, which
    front matter schemas do not use: those formats are then not checked."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


class SchemaUnusable(Exception):
    """The schema cannot be read or is not a valid JSON Schema; the message says why."""


@dataclass(frozen=True)
class Violation:
    """One schema error: the rule, the instance path, and whether the key there is missing."""

    rule: str
    path: DataPath
    message: str
    missing: bool = False


class Schema:
    """A loaded, checked JSON Schema and its validator (built on first use)."""

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        self.name = name
        self.data = data

    @property
    def requires_front_matter(self) -> bool:
        """A schema with required top-level keys cannot be satisfied without front matter."""
        return bool(self.data.get("required"))

    @cached_property
    def validator(self) -> Validator:
        _prepare_jsonschema_import()
        from jsonschema.validators import Draft202012Validator, validator_for

        cls = validator_for(self.data, default=Draft202012Validator)
        return cls(self.data, format_checker=cls.FORMAT_CHECKER)

    def violations(self, data: Any) -> Iterator[Violation]:
        """Every violation of ``data``, each (rule, path, message) once."""
        seen: set[tuple[str, DataPath, str]] = set()
        for error in self.validator.iter_errors(data):
            for violation in _violations_of(error):
                key = (violation.rule, violation.path, violation.message)
                if key not in seen:
                    seen.add(key)
                    yield violation

    def expected_at(self, path: DataPath) -> Expectation | None:
        """The types and formats the schema allows at ``path`` (None when it does not say)."""
        types: set[str] = set()
        formats: set[str] = set()
        for schema in _schemas_at(self.data, path):
            declared = schema.get("type")
            types.update([declared] if isinstance(declared, str) else declared or [])
            values = list(schema.get("enum", []))
            if "const" in schema:
                values.append(schema["const"])
            types.update(_json_type(v) for v in values)
            if isinstance(schema.get("format"), str):
                formats.add(schema["format"])
        return Expectation(frozenset(types), frozenset(formats)) if types or formats else None


@dataclass(frozen=True)
class Expectation:
    types: frozenset[str]
    formats: frozenset[str]


def load_schema(spec: str, base: Path) -> Schema:
    """The preset named ``spec``, or the schema file at ``spec`` (relative to ``base``)."""
    path = PRESET_DIR / f"{spec}.yaml" if spec in PRESETS else base / spec
    if re.match(r"[a-z][a-z0-9+.-]*://", spec):
        raise SchemaUnusable(f"schema {spec!r}: remote schemas are not fetched; use a file path")
    try:
        info = path.stat()
    except OSError as exc:
        raise SchemaUnusable(f"cannot read schema {spec!r} ({path}): {exc.strerror}") from None
    return _load(os.path.abspath(path), info.st_mtime_ns, info.st_size, spec)


@cache
def _load(path: str, mtime_ns: int, size: int, name: str) -> Schema:
    _prepare_jsonschema_import()
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import Draft202012Validator, validator_for

    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if path.endswith(".json") else yaml.load(text, Loader=_LOADER)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        reason = str(exc).replace("\n", " ")
        raise SchemaUnusable(f"cannot read schema {name!r} ({path}): {reason}") from None
    if not isinstance(data, dict):
        raise SchemaUnusable(f"schema {name!r} ({path}) must be a mapping (a JSON Schema object)")
    try:
        validator_for(data, default=Draft202012Validator).check_schema(data)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        raise SchemaUnusable(
            f"schema {name!r} ({path}) is not a valid JSON Schema at {where}: {exc.message}"
        ) from None
    return Schema(name, data)


def glob_matches(glob: str, relative_path: str) -> bool:
    """Whether a POSIX path matches a glob: ``*`` within a folder, ``**`` across folders.

    A glob without a ``/`` matches the file name in any folder.
    """
    target = relative_path if "/" in glob else relative_path.rsplit("/", 1)[-1]
    return _glob_regex(glob).fullmatch(target) is not None


@cache
def _glob_regex(glob: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", glob)
    wildcards = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wildcards.get(part, re.escape(part)) for part in parts))


# --- messages ---------------------------------------------------------------------------------


def path_text(path: DataPath) -> str:
    """``tags[0]``, ``author.name``; the root is "front matter"."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "front matter"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "null"


def _plural(count: Any, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


_PHRASES: dict[str, Callable[[Any], str]] = {
    "enum": lambda wanted: "one of " + ", ".join(_shown(v) for v in wanted),
    "const": _shown,
    "pattern": lambda wanted: f"a string matching `{wanted}`",
    "format": lambda wanted: _FORMAT_NAMES.get(str(wanted), f"a valid {wanted}"),
    "minLength": lambda wanted: f"at least {_plural(wanted, 'character')}",
    "maxLength": lambda wanted: f"at most {_plural(wanted, 'character')}",
    "minimum": lambda wanted: f"a number >= {wanted}",
    "maximum": lambda wanted: f"a number <= {wanted}",
    "exclusiveMinimum": lambda wanted: f"a number > {wanted}",
    "exclusiveMaximum": lambda wanted: f"a number < {wanted}",
    "multipleOf": lambda wanted: f"a multiple of {wanted}",
    "minItems": lambda wanted: f"at least {_plural(wanted, 'item')}",
    "maxItems": lambda wanted: f"at most {_plural(wanted, 'item')}",
    "uniqueItems": lambda wanted: "items without duplicates",
    "minProperties": lambda wanted: f"at least {_plural(wanted, 'key')}",
    "maxProperties": lambda wanted: f"at most {_plural(wanted, 'key')}",
}


def _expectation(error: ValidationError) -> str | None:
    """What the failing keyword wanted, as a phrase ("one of ...", "a boolean")."""
    keyword = str(error.validator)
    wanted: Any = error.validator_value
    if keyword == "type":
        types = [wanted] if isinstance(wanted, str) else list(wanted)
        return " or ".join(_TYPE_NAMES.get(t, str(t)) for t in types)
    phrase = _PHRASES.get(keyword)
    return phrase(wanted) if phrase is not None else None


def _violations_of(error: ValidationError) -> Iterator[Violation]:
    path = tuple(error.absolute_path)
    keyword = error.validator
    wanted: Any = error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "required" and isinstance(error.instance, dict):
        for key in wanted:
            if key not in error.instance:
                yield Violation(
                    "FM003",
                    (*path, key),
                    f"{path_text((*path, key))}: required key is missing",
                    True,
                )
    elif keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(
        error.instance, dict
    ):
        declared = _declared_keys(schema)
        for key in error.instance:
            if not declared(key):
                yield Violation(
                    "FM005",
                    (*path, key),
                    f"{path_text((*path, key))}: the schema does not declare this key"
                    + _did_you_mean(key, schema),
                )
    elif keyword in ("anyOf", "oneOf") and error.context:
        yield from _alternatives(error, path)
    else:
        expected = _expectation(error)
        message = (
            f"{path_text(path)}: expected {expected}, got {_shown(error.instance)}"
            if expected
            else f"{path_text(path)}: {error.message}"
        )
        yield Violation("FM003", path, message)


def _alternatives(error: ValidationError, path: DataPath) -> Iterator[Violation]:
    """anyOf/oneOf: "one of the keys a, b", or "expected X or Y", or the best sub-error."""
    options: Any = error.validator_value
    if all(isinstance(o, dict) and set(o) == {"required"} for o in options):
        keys = ", ".join(f"`{k}`" for o in options for k in o["required"])
        yield Violation("FM003", path, f"{path_text(path)}: expected one of the keys {keys}", True)
        return
    same_place = [e for e in error.context or [] if not e.relative_path]
    phrases = [_expectation(e) for e in same_place]
    if same_place and all(phrases) and len(same_place) == len(error.context or []):
        wanted = " or ".join(dict.fromkeys(p for p in phrases if p))
        yield Violation(
            "FM003", path, f"{path_text(path)}: expected {wanted}, got {_shown(error.instance)}"
        )
        return
    from jsonschema.exceptions import best_match

    best = best_match(error.context or [])
    yield from _violations_of(best) if best is not None else ()


def _declared_keys(schema: dict[str, Any]) -> Any:
    names = set(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return lambda key: key in names or any(p.search(key) for p in patterns)


def _did_you_mean(key: str, schema: dict[str, Any]) -> str:
    close = difflib.get_close_matches(key, sorted(schema.get("properties", {})), n=1)
    return f"; did you mean `{close[0]}`?" if close else ""


# --- expected types, for YAML 1.1 ambiguities -------------------------------------------------


def _schemas_at(root: dict[str, Any], path: DataPath) -> list[dict[str, Any]]:
    current = _expand([root], root)
    for step in path:
        following: list[Any] = []
        for schema in current:
            following.extend(_children(schema, step))
        current = _expand(following, root)
    return current


def _children(schema: dict[str, Any], step: str | int) -> list[Any]:
    if isinstance(step, int):
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list) and step < len(prefix):
            return [prefix[step]]
        return [schema["items"]] if isinstance(schema.get("items"), dict) else []
    properties = schema.get("properties", {})
    if step in properties:
        return [properties[step]]
    matched = [s for p, s in schema.get("patternProperties", {}).items() if re.search(p, step)]
    extra = schema.get("additionalProperties")
    return matched or ([extra] if isinstance(extra, dict) else [])


def _expand(schemas: list[Any], root: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """The schemas plus those they reach through local ``$ref``, combinators and if/then/else."""
    result: list[dict[str, Any]] = []
    for schema in schemas:
        if not isinstance(schema, dict):
            continue
        result.append(schema)
        if depth > 8:  # recursive $ref: enough is known by now
            continue
        reached = [schema.get(k) for k in ("then", "else")]
        for keyword in ("allOf", "anyOf", "oneOf"):
            reached.extend(schema.get(keyword) or [])
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            reached.append(_pointer(root, ref[1:]))
        result.extend(_expand(reached, root, depth + 1))
    return result


def _pointer(root: dict[str, Any], pointer: str) -> Any:
    node: Any = root
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, dict) else None
    return node
