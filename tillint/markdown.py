"""The one markdown-it-py parser configuration every document is parsed with."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin


@cache
def parser() -> MarkdownIt:
    """GitHub-flavoured CommonMark with front matter and footnotes.

    ``footnote_tail`` is disabled so ``footnote_reference_open`` tokens stay where they were
    written, with their line maps: checks need the definition lines; nothing renders HTML.
    """
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin)
    md.disable("footnote_tail")
    return md
