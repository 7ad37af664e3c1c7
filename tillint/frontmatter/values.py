"""Scalar values the way YAML 1.2 reads them, and what YAML 1.1 readers make of them instead.

Schemas are checked against YAML 1.2 values (so an unquoted ``2021-04-26`` stays a string and
can be validated as ``format: date``). Many site generators still read front matter as YAML 1.1
(PyYAML, Ruby's Psych, js-yaml's default schema for dates), which silently turns ``no`` into
false, ``012`` into 10, ``1:20`` into 80 and ``2021-04-26`` into a date: such a scalar carries an
``Ambiguity`` saying so. Values no reader can take (an impossible date, an integer too long to
convert) are ``ValueProblem``s, never exceptions.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from tillint.frontmatter.tree import Mapping, Node, Scalar, Sequence

# Python refuses to convert longer decimal strings (sys.int_max_str_digits); so do YAML readers.
MAX_INT_DIGITS = 4300
_CORE = "tag:yaml.org,2002:"
_NULL = re.compile(r"null|Null|NULL|~|")
_TRUE = re.compile(r"true|True|TRUE")
_FALSE = re.compile(r"false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9]+")
_OCTAL_12 = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"([-+]?)\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
_BOOL_11 = {w: True for w in ("yes", "Yes", "YES", "on", "On", "ON")} | {
    w: False for w in ("no", "No", "NO", "off", "Off", "OFF")
}
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
_SEXAGESIMAL = re.compile(r"[-+]?[1-9][0-9]*(?::[0-5]?[0-9])+")
_TRAILING_ZERO = re.compile(r"[-+]?[0-9]*\.[0-9]*0")
_TIMESTAMP_11 = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?"
)

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Ambiguity:
    """A plain scalar that YAML 1.1 readers turn into something else than it looks like."""

    kind: str  # "boolean", "leading-zero", "sexagesimal", "trailing-zero", "date"
    description: str  # what YAML 1.1 readers make of it, as a phrase


@dataclass(frozen=True)
class ValueProblem(Exception):
    """A scalar no reader can take, with why."""

    message: str


@dataclass
class FrontMatterData:
    """The YAML 1.2 data of a front matter block, plus the scalars worth a second look."""

    data: Any
    ambiguous: list[tuple[Path, Scalar, Ambiguity]] = field(default_factory=list)
    problems: list[tuple[Path, Scalar, str]] = field(default_factory=list)

    @property
    def problem_paths(self) -> set[Path]:
        return {path for path, _, _ in self.problems}


def build_data(root: Node | None) -> FrontMatterData:
    """Turn the node tree into plain data; bad scalars become their text and a problem."""
    result = FrontMatterData(None)
    result.data = _value(root, (), result) if root is not None else {}
    return result


def _value(node: Node, path: Path, result: FrontMatterData) -> Any:
    if isinstance(node, Mapping):
        return {key.text: _value(value, (*path, key.text), result) for key, value in node.entries}
    if isinstance(node, Sequence):
        return [_value(item, (*path, i), result) for i, item in enumerate(node.items)]
    try:
        value = scalar_value(node)
    except ValueProblem as problem:
        result.problems.append((path, node, problem.message))
        return node.text
    ambiguity = yaml11_ambiguity(node) if node.plain else None
    if ambiguity is not None:
        result.ambiguous.append((path, node, ambiguity))
    return value


def scalar_value(node: Scalar) -> Any:
    """The YAML 1.2 (core schema) value of a scalar. Raises ``ValueProblem``."""
    if node.plain:
        _check_timestamp(node.text)
        return _resolve_plain(node.text)
    tag = node.tag
    if tag is None or tag in ("!", _CORE + "str", _CORE + "timestamp"):
        return node.text
    if tag == _CORE + "bool" and node.text.strip() in _BOOL_11:
        return _BOOL_11[node.text.strip()]  # the author said "boolean" explicitly
    value = _resolve_plain(node.text.strip())
    expected = {
        _CORE + "int": int,
        _CORE + "float": float,
        _CORE + "bool": bool,
        _CORE + "null": type(None),
    }[tag]
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ValueProblem(f"`{node.text}` is not a valid !!{tag[len(_CORE) :]}")
    return value


def _resolve_plain(text: str) -> Any:
    if _NULL.fullmatch(text):
        return None
    if _TRUE.fullmatch(text):
        return True
    if _FALSE.fullmatch(text):
        return False
    if _INT.fullmatch(text):
        digits = len(text.lstrip("+-"))
        if digits > MAX_INT_DIGITS:
            raise ValueProblem(
                f"integer of {digits} digits: readers refuse integers over {MAX_INT_DIGITS} digits"
            )
        return int(text)
    if _OCTAL_12.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text) and any(ch.isdigit() for ch in text):
        return float(text)
    infinity = _INFINITY.fullmatch(text)
    if infinity:
        return float(f"{infinity.group(1)}inf")
    if _NAN.fullmatch(text):
        return float("nan")
    return text


def _check_timestamp(text: str) -> None:
    """YAML 1.1 readers build a date from ``2024-02-30`` and fail: so does this."""
    match = _TIMESTAMP_11.fullmatch(text)
    if match is None:
        return
    parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    try:
        datetime.date(parts["year"], parts["month"], parts["day"])
        if "hour" in parts:
            datetime.time(parts["hour"], parts["minute"], parts["second"])
    except ValueError as exc:
        raise ValueProblem(
            f"`{text}` is not a valid date ({exc}); YAML 1.1 readers fail on it"
        ) from None


def yaml11_ambiguity(node: Scalar) -> Ambiguity | None:
    """What a YAML 1.1 reader silently makes of a plain scalar, when it differs."""
    text = node.text
    if text in _BOOL_11:
        return Ambiguity("boolean", f"the boolean {str(_BOOL_11[text]).lower()}")
    if _LEADING_ZERO.fullmatch(text):
        digits = text.lstrip("+-")
        if set(digits) <= set("01234567"):
            octal = int(text, 8)
            return Ambiguity("leading-zero", f"the octal number {octal} (YAML 1.2: {int(text)})")
        return Ambiguity("leading-zero", f"a string (YAML 1.2: the number {int(text)})")
    if _SEXAGESIMAL.fullmatch(text):
        total = 0
        for part in text.lstrip("+-").split(":"):
            total = total * 60 + int(part)
        return Ambiguity("sexagesimal", f"the number {-total if text[0] == '-' else total}")
    if _TRAILING_ZERO.fullmatch(text):
        return Ambiguity("trailing-zero", f"the number {float(text)!r}")
    if _TIMESTAMP_11.fullmatch(text):
        return Ambiguity("date", "a date, not a string")
    return None


def set_at(data: Any, path: Path, value: Any) -> None:
    """Replace the value at ``path`` inside ``data`` (which must be a container there)."""
    container = data
    for step in path[:-1]:
        container = container[step]
    container[path[-1]] = value
