"""A LanguageTool HTTP client: ``/v2/check`` with annotated text, cached by paragraph.

language-tool-python (3.4) sends plain ``text`` only; tillint needs LanguageTool's ``data``
parameter, which marks markup as markup so offsets map back to the file. So this client
speaks the HTTP API itself (with ``requests``) and uses language-tool-python only to find
and start a local LanguageTool that it has already installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from functools import cache
from typing import Any

import requests

from tillint.errors import UsageError

URL_VARIABLE = "TILLINT_LANGUAGETOOL_URL"
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Piece:
    """A run of a paragraph: prose (checked) or markup (skipped, read as ``interpret_as``)."""

    text: str
    markup: bool = False
    interpret_as: str = ""

    def to_json(self) -> dict[str, str]:
        if self.markup:
            return {"markup": self.text, "interpretAs": self.interpret_as}
        return {"text": self.text}


class LanguageToolClient:
    """Checks annotated paragraphs against one server, remembering every answer."""

    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/").removesuffix("/v2")
        self.session = session or requests.Session()
        self._cache: dict[str, list[dict[str, Any]]] = {}

    def languages(self) -> list[dict[str, str]]:
        """The server's ``/v2/languages``."""
        response = self.session.get(f"{self.base_url}/v2/languages", timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    def check(
        self, pieces: list[Piece], language: str, disabled_rules: tuple[str, ...] = ()
    ) -> list[dict[str, Any]]:
        """The matches for one paragraph (offsets in UTF-16 units of the whole paragraph)."""
        data = json.dumps({"annotation": [piece.to_json() for piece in pieces]})
        key = hashlib.sha256(f"{language}\0{','.join(disabled_rules)}\0{data}".encode()).hexdigest()
        if key not in self._cache:
            form = {"data": data, "language": language}
            if disabled_rules:
                form["disabledRules"] = ",".join(disabled_rules)
            response = self.session.post(
                f"{self.base_url}/v2/check", data=form, timeout=TIMEOUT_SECONDS
            )
            if response.status_code != 200:
                raise RuntimeError(
                    f"LanguageTool answered {response.status_code}: {response.text.strip()}"
                )
            self._cache[key] = response.json().get("matches", [])
        return self._cache[key]


def configured_url(options: dict[str, Any]) -> str | None:
    """The server URL from ``languagetool_url``, else from ``TILLINT_LANGUAGETOOL_URL``."""
    return options.get("languagetool_url") or os.environ.get(URL_VARIABLE) or None


def _local_languagetool_problem() -> str | None:
    """Why language-tool-python cannot start a local LanguageTool, or None if it can."""
    from language_tool_python.download_lt import LocalLanguageTool

    if shutil.which("java") is None:
        return "Java 17 or newer is not installed"
    if LocalLanguageTool.get_latest_installed_version() is None:
        return (
            "language-tool-python has no LanguageTool installed, and installing it means "
            "downloading it, which this machine cannot do"
        )
    return None


def unavailable_reason(options: dict[str, Any]) -> str | None:
    """Why the ``languagetool`` engine cannot run with these options (None: it can)."""
    url = configured_url(options)
    if url:
        try:
            LanguageToolClient(url).languages()
        except (requests.RequestException, ValueError) as exc:
            return f"cannot reach the LanguageTool server at {url}: {type(exc).__name__}"
        return None
    problem = _local_languagetool_problem()
    if problem is None:
        return None
    return (
        f"the languagetool engine cannot start: no LanguageTool server is configured and "
        f"{problem}. Set languagetool_url in [tool.tillint.typos] or {URL_VARIABLE} to a "
        f"LanguageTool server (such as http://localhost:8081), or use --typos-engine builtin"
    )


def ensure_available(options: dict[str, Any]) -> None:
    """Raise a ``UsageError`` with one sentence when the ``languagetool`` engine cannot run."""
    if options.get("engine") != "languagetool":
        return
    reason = unavailable_reason(options)
    if reason:
        raise UsageError(reason)


@cache
def client_for(url: str | None) -> LanguageToolClient:
    """One client per server for the life of the process (a local server is started once)."""
    if url:
        return LanguageToolClient(url)
    import language_tool_python

    tool = language_tool_python.LanguageTool("en-US")
    return LanguageToolClient(tool.url)
