"""Generate the link benchmark corpus and its ground truth (deterministic for a seed).

200 Markdown files in 10 topic folders, 10 links each (2,000 links): 4 uses of external URLs
(205 unique URLs spread over the loopback hosts, each used at least once) and 6 local links
(relative and root-absolute files, images, same-file and cross-file anchors), about a quarter
of the local ones broken. Every link sits on its own line, so the ground truth is exact:
(path, line, column, rule) for every finding a perfect checker reports.

External behaviours (see ``links_server``), as in the issue: 158 ok pages with ids, 15 x 404,
5 x 410, 5 x 429-once, 10 x 500-once, 5 x HEAD-405, 5 x permanent redirects and 2 hanging.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from bench.links_server import Behaviour, BenchHost

TOPICS = [f"t{n:02d}" for n in range(10)]
NOTES_PER_TOPIC = 20
SECTIONS = ("setup", "usage", "notes")
EXTERNAL_KINDS = (
    ("ok", 158),
    ("404", 15),
    ("410", 5),
    ("429once", 5),
    ("500once", 10),
    ("head405", 5),
    ("redirect", 5),
    ("hang", 2),
)
RULE_OF_KIND = {"404": "LK001", "410": "LK001", "503": "LK002", "hang": "LK002"}


@dataclass(frozen=True, order=True)
class Expected:
    path: str
    line: int
    column: int
    rule: str


@dataclass
class Corpus:
    expected: set[Expected]
    unique_urls: int
    links: int
    minimum_requests: int
    critical_path: float  # seconds, ignoring hanging URLs


def _assign_urls(hosts: list[BenchHost], rng: random.Random) -> list[tuple[str, Behaviour]]:
    urls: list[tuple[str, Behaviour]] = []
    index = 0
    for kind, count in EXTERNAL_KINDS:
        for n in range(count):
            host = hosts[index % len(hosts)]
            index += 1
            path = f"/{kind}/{n}"
            ids = tuple(rng.sample(SECTIONS, 2)) if kind != "redirect" else ()
            behaviour = Behaviour(kind, ids)
            if kind == "redirect":
                behaviour.target = f"/moved/{n}"
                host.routes[behaviour.target] = Behaviour("ok", ("setup",))
            host.routes[path] = behaviour
            urls.append((host.url + path, behaviour))
    return urls


def _minimum(urls: list[tuple[str, Behaviour]], latency: float) -> tuple[int, float]:
    extra = {"429once": 1, "500once": 1, "head405": 1, "redirect": 1}
    requests = sum(1 + extra.get(b.kind, 0) for _, b in urls)
    longest = latency * 2 + 1.0  # 429, wait Retry-After 1 s, then the answer
    return requests, longest


def _note_path(topic: str, number: int) -> str:
    return f"{topic}/note-{number:02d}.md"


def _external_line(url: str, behaviour: Behaviour, rng: random.Random) -> tuple[str, str | None]:
    """(link target, expected rule) for one use of an external URL."""
    rule = RULE_OF_KIND.get(behaviour.kind)
    if behaviour.kind == "redirect":
        return url, "LK005"
    if behaviour.kind == "ok" and rng.random() < 0.3:
        if rng.random() < 0.15:
            return f"{url}#missing-part", "LK004"
        return f"{url}#{rng.choice(behaviour.ids)}", None
    return url, rule


def _local_line(topic: str, number: int, rng: random.Random) -> tuple[str, str | None]:
    other_topic = rng.choice(TOPICS)
    other = rng.randrange(NOTES_PER_TOPIC)
    choice = rng.randrange(10)
    missing = rng.random() < 0.25
    if choice < 2:
        name = f"note-{other:02d}.md" if not missing else f"note-{other + 50:02d}.md"
        return f"../{other_topic}/{name}", "LK003" if missing else None
    if choice < 4:
        name = f"note-{other:02d}.md" if not missing else f"gone-{other:02d}.md"
        return f"/{other_topic}/{name}", "LK003" if missing else None
    if choice < 6:
        anchor = "nowhere" if missing else rng.choice(SECTIONS)
        return f"../{other_topic}/note-{other:02d}.md#{anchor}", "LK004" if missing else None
    if choice < 8:
        anchor = "not-here" if missing else rng.choice(SECTIONS)
        return f"#{anchor}", "LK004" if missing else None
    image = f"img-{other:02d}.png" if not missing else f"lost-{other:02d}.png"
    return f"../img/{image}", "LK003" if missing else None


def generate(root: Path, hosts: list[BenchHost], latency: float, seed: int = 7) -> Corpus:
    """Write the corpus under ``root`` (hosts get their routes) and return the ground truth."""
    rng = random.Random(seed)
    urls = _assign_urls(hosts, rng)
    uses = [urls[i % len(urls)] for i in range(len(TOPICS) * NOTES_PER_TOPIC * 4)]
    rng.shuffle(uses)
    (root / "img").mkdir(parents=True, exist_ok=True)
    for n in range(NOTES_PER_TOPIC):
        (root / "img" / f"img-{n:02d}.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    expected: set[Expected] = set()
    links = 0
    for t, topic in enumerate(TOPICS):
        (root / topic).mkdir(exist_ok=True)
        for number in range(NOTES_PER_TOPIC):
            path = _note_path(topic, number)
            lines = [f"# Note {topic} {number}", ""]
            lines += [f"## {section.title()}" for section in SECTIONS]
            lines.append("")
            for k in range(10):
                if k < 4:
                    url, behaviour = uses[(t * NOTES_PER_TOPIC + number) * 4 + k]
                    target, rule = _external_line(url, behaviour, rng)
                else:
                    target, rule = _local_line(topic, number, rng)
                label = "see" if not target.endswith(".png") else "pic"
                prefix = "!" if label == "pic" else ""
                lines.append(f"- {prefix}[{label}]({target})")
                links += 1
                if rule is not None:
                    column = lines[-1].index("](") + 3
                    expected.add(Expected(path, len(lines), column, rule))
            (root / path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    minimum, critical = _minimum(urls, latency)
    return Corpus(expected, len(urls), links, minimum, critical)
