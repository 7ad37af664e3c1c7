"""The rule catalogue: one YAML file per rule under ``rules/``, loaded once.

Each file declares the rule's id, alias (``name``), family (the module under
``tillint/checks/`` that implements it), default severity, whether it is enabled by default,
fix applicability, options with types and defaults, documentation sections and examples.
In a source checkout the files live in ``rules/``; in a wheel they are shipped as
``tillint/_rules/``.

Every run needs the catalogue, and reading 38 YAML files (and importing PyYAML to do it) is a
tenth of a run whose results all come from the cache: the parsed catalogue is kept between runs
(``tillint.derived``) and read again when a rule file or this module changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from tillint.derived import derived
from tillint.errors import UsageError
from tillint.finding import SEVERITIES

DOCS_URL = "https://github.com/tillint/tillint/blob/main/rules/{id}.yaml"
DOC_SECTIONS = (
    ("what", "What it does"),
    ("why", "Why it matters"),
    ("fix", "How to fix"),
    ("fix_safety", "Fix safety"),
)
FIX_KINDS = ("none", "safe", "unsafe")
_ID = re.compile(r"[A-Z]{2}\d{3}")
_ALIAS = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_OPTION_TYPES: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "list[str]": lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
    "dict": lambda v: isinstance(v, dict),
    "str|null": lambda v: v is None or isinstance(v, str),
    "any": lambda v: True,
}


class OptionSpec(NamedTuple):
    """One option of a rule family: its type name, default and description."""

    name: str
    type: str
    default: Any
    description: str
    choices: tuple[Any, ...] = ()

    def validate(self, value: Any, where: str) -> Any:
        if not _OPTION_TYPES[self.type](value):
            raise UsageError(
                f"{where}: option '{self.name}' must be of type {self.type}, got {value!r}"
            )
        if self.choices and value not in self.choices:
            allowed = ", ".join(repr(choice) for choice in self.choices)
            raise UsageError(
                f"{where}: option '{self.name}' must be one of {allowed}, got {value!r}"
            )
        return value


class Example(NamedTuple):
    """A documented case: the file (``text``, or raw bytes given as ``hex``) with family
    ``options``, the expected (line, column) of this rule's findings, the expected text after
    ``--fix --unsafe-fixes`` (``fixed``), the file name (``path``) and other ``files`` of the run.
    ``runner`` names the test module that runs an example needing a server (a loopback HTTP
    site, a LanguageTool double); the generic example test leaves those to it.
    """

    raw: bytes
    options: dict[str, Any]
    files: dict[str, str]
    findings: tuple[tuple[int, int], ...] = ()
    fixed: str | None = None
    path: str = "example.md"
    runner: str | None = None

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", "replace")


class Rule(NamedTuple):
    id: str
    name: str
    family: str
    severity: str
    enabled: bool
    fix: str
    summary: str
    options: tuple[OptionSpec, ...]
    docs: dict[str, str]
    fail_examples: tuple[Example, ...]
    pass_examples: tuple[Example, ...]

    @property
    def url(self) -> str:
        return DOCS_URL.format(id=self.id)

    @property
    def fixable(self) -> bool:
        return self.fix != "none"


def rules_dir() -> Path:
    """Where the rule YAML files are: inside the wheel, else the source checkout's ``rules/``."""
    shipped = Path(__file__).parent / "_rules"
    return shipped if shipped.is_dir() else Path(__file__).parent.parent / "rules"


def _example(data: dict[str, Any], where: str) -> Example:
    findings = tuple((int(f["line"]), int(f["column"])) for f in data.get("findings", []))
    raw = bytes.fromhex(str(data["hex"])) if "hex" in data else str(data["text"]).encode("utf-8")
    return Example(
        raw=raw,
        options=dict(data.get("options") or {}),
        findings=findings,
        fixed=data.get("fixed"),
        path=str(data.get("path", "example.md")),
        files={str(k): str(v) for k, v in (data.get("files") or {}).items()},
        runner=data.get("runner"),
    )


def _option_specs(data: dict[str, Any], where: str) -> tuple[OptionSpec, ...]:
    specs = []
    for name, spec in (data or {}).items():
        if spec.get("type") not in _OPTION_TYPES:
            raise UsageError(f"{where}: option '{name}' has unknown type {spec.get('type')!r}")
        option = OptionSpec(
            name,
            spec["type"],
            spec.get("default"),
            spec.get("description", ""),
            tuple(spec.get("choices") or ()),
        )
        option.validate(option.default, where)
        specs.append(option)
    return tuple(specs)


def parse_rule(data: dict[str, Any], where: str) -> Rule:
    """Build and validate a rule from its YAML mapping."""
    try:
        rule = Rule(
            id=data["id"],
            name=data["name"],
            family=data["family"],
            severity=data["severity"],
            enabled=bool(data.get("enabled", True)),
            fix=data.get("fix", "none"),
            summary=data["summary"].strip(),
            options=_option_specs(data.get("options") or {}, where),
            docs={key: str(data["docs"][key]).strip() for key, _ in DOC_SECTIONS},
            fail_examples=tuple(_example(e, where) for e in data["examples"].get("fail") or []),
            pass_examples=tuple(_example(e, where) for e in data["examples"].get("pass") or []),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"{where}: rule definition is missing or malformed: {exc}") from exc
    if not _ID.fullmatch(rule.id) or not _ALIAS.fullmatch(rule.name):
        raise UsageError(f"{where}: bad rule id or name {rule.id!r} / {rule.name!r}")
    if rule.severity not in SEVERITIES or rule.fix not in FIX_KINDS:
        raise UsageError(f"{where}: bad severity {rule.severity!r} or fix {rule.fix!r}")
    return rule


@cache
def load_catalog() -> dict[str, Rule]:
    """Every rule, by id, in id order (kept between runs while no rule file changes)."""
    directory = rules_dir()
    sources = [*sorted(str(path) for path in directory.glob("*.yaml")), __file__]
    return derived("catalog", sources, lambda: read_rule_files(directory))


def read_rule_files(directory: Path) -> dict[str, Rule]:
    """Parse and validate every rule file of ``directory``, by id, in id order."""
    import yaml

    # libyaml's loader reads the catalogue several times faster than the pure-Python one.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    rules: dict[str, Rule] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.load(path.read_bytes(), Loader=loader)
        rule = parse_rule(data, path.name)
        if path.stem != rule.id:
            raise UsageError(f"{path.name}: file name does not match rule id {rule.id}")
        rules[rule.id] = rule
    return rules


@cache
def family_options(family: str) -> dict[str, OptionSpec]:
    """The options a family accepts: the union of its rules' options."""
    options: dict[str, OptionSpec] = {}
    for rule in load_catalog().values():
        if rule.family == family:
            for option in rule.options:
                options.setdefault(option.name, option)
    return options


def families() -> list[str]:
    return sorted({rule.family for rule in load_catalog().values()})


def rules_by_alias() -> dict[str, Rule]:
    return {rule.name: rule for rule in load_catalog().values()}
