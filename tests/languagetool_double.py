"""A loopback test double of a LanguageTool server: ``/v2/check`` and ``/v2/languages``.

It follows LanguageTool's HTTP API as documented for v2: ``/v2/check`` takes a form with
``language`` (a code, or ``auto``), ``text`` or ``data`` (JSON ``{"annotation": [{"text":
...}, {"markup": ..., "interpretAs": ...}]}``) and ``disabledRules`` (comma-separated ids),
and answers ``{"software", "language", "matches"}`` where each match has ``message``,
``shortMessage``, ``replacements`` ([{"value"}]), ``offset`` and ``length`` in UTF-16 code
units of the whole text (markup included), ``context``, ``sentence`` and ``rule`` (``id``,
``description``, ``issueType``, ``category`` {``id``, ``name``}). Unknown languages get
HTTP 400 with a plain-text error, as the real server does.

Its "grammar" is tiny and fixed: ``MORFOLOGIK_RULE_EN_US`` (category TYPOS) flags the
misspellings in ``SPELLING``; ``EN_A_VS_AN`` (GRAMMAR) flags ``a`` before a vowel-initial
word; ``WHITESPACE_RULE`` (TYPOGRAPHY) flags two spaces. Markup is never checked; its
``interpretAs`` text stands in for it when rules look at neighbouring words.

To run the same tests against a real server, start LanguageTool
(``java -cp languagetool-server.jar org.languagetool.server.HTTPServer --port 8081``) and
run ``TILLINT_TEST_LANGUAGETOOL_URL=http://localhost:8081 pytest tests/test_typos_languagetool.py``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

SPELLING = {"teh": "the", "recieve": "receive", "envrionment": "environment"}
LANGUAGES = [
    {"name": "English (US)", "code": "en", "longCode": "en-US"},
    {"name": "English (GB)", "code": "en", "longCode": "en-GB"},
    {"name": "German (Germany)", "code": "de", "longCode": "de-DE"},
]
_WORD = re.compile(r"[A-Za-z']+")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _category(category_id: str) -> dict[str, str]:
    return {"id": category_id, "name": category_id.title()}


def _match(
    full: str, start: int, end: int, rule_id: str, category: str, message: str, value: str
) -> dict[str, Any]:
    return {
        "message": message,
        "shortMessage": "",
        "replacements": [{"value": value}],
        "offset": utf16_length(full[:start]),
        "length": utf16_length(full[start:end]),
        "context": {"text": full, "offset": utf16_length(full[:start]), "length": end - start},
        "sentence": full,
        "type": {"typeName": "Other"},
        "rule": {
            "id": rule_id,
            "description": message,
            "issueType": "misspelling" if category == "TYPOS" else "grammar",
            "category": _category(category),
        },
    }


def _segments(form: dict[str, str]) -> list[tuple[str, bool, str]]:
    """(original text, is markup, read as) for each part of the request's text."""
    if "data" in form:
        annotation = json.loads(form["data"])["annotation"]
        return [
            (a["markup"], True, a.get("interpretAs", ""))
            if "markup" in a
            else (a["text"], False, "")
            for a in annotation
        ]
    return [(form.get("text", ""), False, "")]


def check(form: dict[str, str]) -> list[dict[str, Any]]:
    """The matches the double reports for one /v2/check form."""
    segments = _segments(form)
    full = "".join(text for text, _, _ in segments)
    disabled = set(filter(None, form.get("disabledRules", "").split(",")))
    matches = []
    words: list[tuple[str, int, int]] = []  # (word as read, start, end) in text order
    position = 0
    for text, markup, reading in segments:
        if markup:
            words.extend((w, position, position + len(text)) for w in reading.split())
        else:
            words.extend(
                (m.group(), position + m.start(), position + m.end()) for m in _WORD.finditer(text)
            )
            for spaces in re.finditer(r"(?<=\S)  +(?=\S)", text):
                start = position + spaces.start()
                matches.append(
                    _match(
                        full,
                        start,
                        position + spaces.end(),
                        "WHITESPACE_RULE",
                        "TYPOGRAPHY",
                        "Possible typo: you repeated a whitespace",
                        " ",
                    )
                )
        position += len(text)
    markup_spans = [
        (s, s + len(t)) for s, (t, m, _) in zip(_starts(segments), segments, strict=True) if m
    ]
    for index, (word, start, end) in enumerate(words):
        if any(s <= start < e for s, e in markup_spans):
            continue
        correction = SPELLING.get(word.lower())
        if correction:
            value = correction.capitalize() if word[0].isupper() else correction
            matches.append(
                _match(
                    full,
                    start,
                    end,
                    "MORFOLOGIK_RULE_EN_US",
                    "TYPOS",
                    "Possible spelling mistake found.",
                    value,
                )
            )
        following = words[index + 1][0] if index + 1 < len(words) else ""
        if word.lower() == "a" and following[:1].lower() in "aeiou" and following:
            matches.append(
                _match(
                    full,
                    start,
                    end,
                    "EN_A_VS_AN",
                    "GRAMMAR",
                    "Use “an” instead of ‘a’ if the following word starts with a vowel sound.",
                    "an",
                )
            )
    kept = [m for m in matches if m["rule"]["id"] not in disabled]
    return sorted(kept, key=lambda m: (m["offset"], m["rule"]["id"]))


def _starts(segments: list[tuple[str, bool, str]]) -> Iterator[int]:
    position = 0
    for text, _, _ in segments:
        yield position
        position += len(text)


class _Handler(BaseHTTPRequestHandler):
    server: LanguageToolDouble

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: Any) -> None:
        payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        content_type = "text/plain" if isinstance(body, str) else "application/json"
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        if urlparse(self.path).path == "/v2/languages":
            self._reply(200, LANGUAGES)
        else:
            self._reply(404, "Error: unknown path")

    def do_POST(self) -> None:
        if urlparse(self.path).path != "/v2/check":
            self._reply(404, "Error: unknown path")
            return
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.server.requests.append(form)
        language = form.get("language", "")
        codes = {lang["longCode"] for lang in LANGUAGES} | {lang["code"] for lang in LANGUAGES}
        if language != "auto" and language not in codes:
            self._reply(
                400,
                f"Error: '{language}' is not a language code known to "
                "LanguageTool. Supported language codes are: en, en-US, en-GB, de",
            )
            return
        code = "en-US" if language in ("auto", "en") else language
        self._reply(
            200,
            {
                "software": {"name": "LanguageTool", "version": "6.4", "apiVersion": 1},
                "language": {
                    "name": code,
                    "code": code,
                    "detectedLanguage": {"name": code, "code": code, "confidence": 0.9},
                },
                "matches": check(form),
            },
        )


class LanguageToolDouble(ThreadingHTTPServer):
    """The double, on a free port of 127.0.0.1; ``requests`` records every /v2/check form."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def running_double() -> Iterator[LanguageToolDouble]:
    """Start the double in a thread; stop it on exit."""
    server = LanguageToolDouble()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
