"""Configuration: ``[tool.tillint]`` in pyproject.toml or a ``tillint.toml``, plus the CLI.

The configuration file is found by walking up from the first checked path (or the current
directory). ``tillint.toml`` holds the same keys at its top level. Every key is validated:
an unknown key, option or rule id is a usage error, never silently ignored.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from tillint.catalog import families, family_options, load_catalog
from tillint.errors import UsageError
from tillint.finding import SEVERITIES
from tillint.selection import matching_rules, resolve_selection

DEFAULT_INCLUDE = ("*.md", "*.markdown")
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".tillint_cache",
)
TOP_LEVEL_KEYS = {
    "select",
    "ignore",
    "extend-select",
    "per-file-ignores",
    "include",
    "exclude",
    "extend-exclude",
    "respect-gitignore",
    "fail-level",
    "severity",
    "cache-dir",
}


@dataclass(frozen=True)
class Settings:
    """Everything a run needs, resolved from the config file and the command line."""

    root: Path
    config_file: Path | None = None
    selected: frozenset[str] = frozenset()
    severities: dict[str, str] = field(default_factory=dict)
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    respect_gitignore: bool = True
    fail_level: str = "warning"
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    cache_dir: Path | None = None
    offline: bool = False
    fix: bool = False
    unsafe_fixes: bool = False
    jobs: int = 1
    today: date = field(default_factory=date.today)

    def family_options(self, family: str) -> dict[str, Any]:
        return self.options.get(family, {})

    def severity(self, rule_id: str) -> str:
        return self.severities.get(rule_id) or load_catalog()[rule_id].severity


@dataclass
class CliOverrides:
    """What the command line says; ``None`` means "not given"."""

    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    offline: bool = False
    fix: bool = False
    unsafe_fixes: bool = False
    jobs: int | None = None
    fail_level: str | None = None
    config_file: Path | None = None
    # Family options set on the command line, e.g. {"typos": {"engine": "languagetool"}}.
    family_options: dict[str, dict[str, Any]] = field(default_factory=dict)


def available_cpus() -> int:
    """CPUs this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def find_config(start: Path) -> tuple[Path | None, dict[str, Any]]:
    """The nearest tillint.toml or pyproject.toml with [tool.tillint], walking up from start."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        dedicated = candidate / "tillint.toml"
        if dedicated.is_file():
            return dedicated, read_config_file(dedicated)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = read_config_file(pyproject)
            if table is not None:
                return pyproject, table
    return None, {}


def read_config_file(path: Path) -> Any:
    """The tillint table of a config file (None for a pyproject.toml without one)."""
    # Imported here: a run without a configuration file never reads TOML.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read configuration {path}: {exc}") from exc
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("tillint")
    return data


def _string_list(table: dict[str, Any], key: str, where: str) -> list[str] | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: '{key}' must be a list of strings")
    return value


def validate_family_options(table: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    options: dict[str, dict[str, Any]] = {}
    for family in families():
        specs = family_options(family)
        given = table.get(family, {})
        if not isinstance(given, dict):
            raise UsageError(f"{where}: [{family}] must be a table")
        for key in given:
            if key not in specs:
                known = ", ".join(sorted(specs)) or "none"
                raise UsageError(
                    f"{where}: unknown option '{key}' in [{family}] (known options: {known})"
                )
        options[family] = {
            name: spec.validate(given.get(name, spec.default), f"{where} [{family}]")
            for name, spec in specs.items()
        }
    return options


def _severities(table: dict[str, Any], where: str) -> dict[str, str]:
    result = {}
    for selector, severity in (table.get("severity") or {}).items():
        if severity not in SEVERITIES:
            raise UsageError(f"{where}: severity of '{selector}' must be one of {SEVERITIES}")
        for rule in matching_rules(selector, f"{where} [severity]")[0]:
            result[rule.id] = severity
    return result


def _per_file_ignores(table: dict[str, Any], where: str) -> tuple[tuple[str, frozenset[str]], ...]:
    entries = []
    for glob, selectors in (table.get("per-file-ignores") or {}).items():
        ids: set[str] = set()
        for selector in selectors:
            ids.update(r.id for r in matching_rules(selector, f"{where} per-file-ignores")[0])
        entries.append((glob, frozenset(ids)))
    return tuple(entries)


def _with_cli_options(table: dict[str, Any], cli: CliOverrides) -> dict[str, Any]:
    merged = dict(table)
    for family, options in cli.family_options.items():
        merged[family] = {**table.get(family, {}), **options}
    return merged


def load_settings(paths: list[Path], cli: CliOverrides) -> Settings:
    """Resolve the settings for a run over ``paths``."""
    if cli.config_file is not None:
        config_file: Path | None = cli.config_file
        table = read_config_file(cli.config_file) or {}
    else:
        config_file, table = find_config(paths[0] if paths else Path.cwd())
    where = str(config_file) if config_file else "the configuration"
    unknown = sorted(set(table) - TOP_LEVEL_KEYS - set(families()))
    if unknown:
        raise UsageError(f"{where}: unknown option '{unknown[0]}' in [tool.tillint]")
    root = config_file.parent.resolve() if config_file else Path.cwd().resolve()
    select = cli.select if cli.select is not None else _string_list(table, "select", where)
    selected = resolve_selection(
        select,
        [*(_string_list(table, "extend-select", where) or []), *cli.extend_select],
        [*(_string_list(table, "ignore", where) or []), *cli.ignore],
        where if cli.select is None else "--select",
    )
    fail_level = cli.fail_level or table.get("fail-level", "warning")
    if fail_level not in SEVERITIES:
        raise UsageError(f"{where}: 'fail-level' must be one of {', '.join(SEVERITIES)}")
    cache_dir = table.get("cache-dir")
    settings = Settings(
        root=root,
        config_file=config_file,
        selected=selected,
        severities=_severities(table, where),
        per_file_ignores=_per_file_ignores(table, where),
        include=tuple(_string_list(table, "include", where) or DEFAULT_INCLUDE),
        exclude=(
            *(_string_list(table, "exclude", where) or DEFAULT_EXCLUDE),
            *(_string_list(table, "extend-exclude", where) or []),
        ),
        respect_gitignore=bool(table.get("respect-gitignore", True)),
        fail_level=fail_level,
        options=validate_family_options(_with_cli_options(table, cli), where),
        cache_dir=root / cache_dir if cache_dir else root / ".tillint_cache",
        offline=cli.offline,
        fix=cli.fix,
        unsafe_fixes=cli.unsafe_fixes,
        jobs=cli.jobs or available_cpus(),
    )
    today = os.environ.get("TILLINT_TODAY")
    if today:
        try:
            settings = replace(settings, today=date.fromisoformat(today))
        except ValueError as exc:
            raise UsageError(f"TILLINT_TODAY must be a date like 2026-01-31: {today!r}") from exc
    return settings
