"""The links family's options (``[tool.tillint.links]``), checked and turned into one object.

Types and defaults are declared in ``rules/LK00*.yaml``; here values are checked further
(regexes compile, the anchor style exists, status codes are integers) and environment
variables in request headers (``${NAME}``) are expanded; a header whose variable is unset is
not sent at all.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tillint.catalog import family_options
from tillint.checks import CheckContext, per_settings
from tillint.checks.links_extract import SLUGGERS
from tillint.errors import UsageError

if TYPE_CHECKING:
    from tillint.config import Settings

_VARIABLE = re.compile(r"\$\{(\w+)\}")
WHERE = "[tool.tillint.links]"


def _regexes(values: list[str], name: str) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(value) for value in values)
    except re.error as exc:
        raise UsageError(f"{WHERE}: '{name}' holds a bad regular expression: {exc}") from exc


def _accepted_statuses(table: dict[str, Any]) -> tuple[tuple[re.Pattern[str], frozenset[int]], ...]:
    accepted = []
    for pattern, codes in table.items():
        if not isinstance(codes, list) or not all(isinstance(c, int) for c in codes):
            raise UsageError(f"{WHERE}: 'accept' maps URL regexes to lists of status codes")
        accepted.append((_regexes([pattern], "accept")[0], frozenset(codes)))
    return tuple(accepted)


def _expand(value: str) -> str | None:
    missing = [name for name in _VARIABLE.findall(value) if name not in os.environ]
    if missing:
        return None
    return _VARIABLE.sub(lambda m: os.environ[m.group(1)], value)


def _headers(table: dict[str, Any]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    result = []
    for prefix, headers in sorted(table.items()):
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            raise UsageError(f"{WHERE}: 'headers' maps URL prefixes to tables of strings")
        expanded = ((name, _expand(value)) for name, value in sorted(headers.items()))
        result.append((prefix, tuple((n, v) for n, v in expanded if v is not None)))
    return tuple(result)


@dataclass(frozen=True)
class LinkOptions:
    """Every option of the family, validated."""

    raw: dict[str, Any]
    config_root: Path

    def value(self, name: str) -> Any:
        """The option's configured value, else its default from the rule catalogue."""
        if name in self.raw:
            return self.raw[name]
        return family_options("links")[name].default

    @cached_property
    def exclude(self) -> tuple[re.Pattern[str], ...]:
        return _regexes(list(self.value("exclude")), "exclude")

    @cached_property
    def exclude_files(self) -> tuple[re.Pattern[str], ...]:
        return _regexes(list(self.value("exclude_files")), "exclude_files")

    @cached_property
    def accepted(self) -> tuple[tuple[re.Pattern[str], frozenset[int]], ...]:
        return _accepted_statuses(dict(self.value("accept")))

    @cached_property
    def headers(self) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
        return _headers(dict(self.value("headers")))

    @cached_property
    def anchor_style(self) -> str:
        style = str(self.value("anchor_style"))
        if style not in SLUGGERS:
            known = ", ".join(sorted(SLUGGERS))
            raise UsageError(f"{WHERE}: 'anchor_style' must be one of {known}, not {style!r}")
        return style

    @property
    def root(self) -> Path:
        """Where repo-root-absolute links (``/topic/file.md``) start."""
        value = self.value("root")
        return self.config_root if value is None else (self.config_root / value)

    @cached_property
    def schemes(self) -> frozenset[str]:
        return frozenset(s.lower() for s in self.value("schemes"))

    @property
    def route_keys(self) -> list[str]:
        return list(self.value("route_keys"))

    @property
    def front_matter_url_keys(self) -> list[str]:
        return list(self.value("front_matter_url_keys"))

    @property
    def check_remote_anchors(self) -> bool:
        return bool(self.value("check_remote_anchors"))

    def excluded_file(self, display_path: str) -> bool:
        return any(p.search(display_path) for p in self.exclude_files)

    def excluded_target(self, target: str) -> bool:
        return any(p.search(target) for p in self.exclude)

    def accepts(self, url: str, status: int | None) -> bool:
        """Whether ``status`` is declared acceptable for ``url`` by the ``accept`` option."""
        return status is not None and any(
            status in codes and pattern.search(url) for pattern, codes in self.accepted
        )


def link_options(ctx: CheckContext) -> LinkOptions:
    """The family's options under the run's settings."""
    return _options_of(ctx.settings)


@per_settings
def _options_of(settings: Settings) -> LinkOptions:
    return LinkOptions(dict(settings.family_options("links")), settings.root)
