"""The one markdown-it-py parser configuration every document is parsed with."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, inline, text_join
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

# The core rules that parse the text of ``inline`` tokens into their children, in order. The
# parser leaves them out: checks read the children of few inline tokens (those with a link or
# inline HTML, some headings), and parsing every one cost a fifth of the whole parse.
_INLINE_CORE_RULES = {"inline": inline, "text_join": text_join}
# A character where one of the parser's inline rules can start (a line break, escape, code,
# strikethrough, emphasis, link, image, footnote, autolink, inline HTML, entity): text
# without one parses to a single text token, its content as written.
_INLINE_MARKUP = re.compile(r"[\n\\`~*_\[<&]")
# A link destination markdown-it's ``normalizeLink`` returns as it is: characters
# ``mdurl.encode`` keeps (or escapes already made), and either no scheme and no "//" (a path,
# query or fragment: ``mdurl`` parses no host) or an http(s) scheme with an ASCII host name
# of at most 255 characters in labels of at most 63, and a port of digits (``mdurl`` parses
# and formats them back as written, and punycode keeps ASCII labels).
_UNCHANGED_DESTINATION = re.compile(
    r"(?:(?![A-Za-z0-9.+-]+:|//)"
    r"|https?://(?=[A-Za-z0-9.-]{1,255}(?:[:/?#]|\Z))[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*"
    r"(?::[0-9]+)?(?=[/?#]|\Z))"
    r"(?:[A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]|%[0-9A-Fa-f]{2})*"
)


# Inline text whose only brackets are those of plain links and images: `[text](destination)`
# with a destination of printable non-space characters and no parenthesis, and nothing that
# can start a construct that hides a bracket or changes a destination (an escape, code, HTML
# or an autolink, an entity, an inline footnote ``^[...]``). Its links are found by one search
# instead of a parse. (``[^1](x)`` is a link: the link rule runs before the footnote ones.)
_PLAIN_LINK = re.compile(r"(!?)\[[^\[\]]*\]\(([^\x00-\x20()<>\x7f]*)\)")
_HIDES_OR_CHANGES_A_LINK = re.compile(r"[\\`<&]|\^\[")


@cache
def parser() -> MarkdownIt:
    """GitHub-flavoured CommonMark with front matter and footnotes, block structure only:
    the children of ``inline`` tokens are parsed on demand, by ``parse_inline``.

    ``footnote_tail`` is disabled so ``footnote_reference_open`` tokens stay where they were
    written, with their line maps: checks need the definition lines; nothing renders HTML.
    """
    md = _Parser("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin)
    md.disable(["footnote_tail", *_INLINE_CORE_RULES])
    _guard_bracket_rules(md)
    return md


class _Parser(MarkdownIt):
    """markdown-it, normalizing link destinations only where that changes them."""

    def normalizeLink(self, url: str) -> str:
        """markdown-it's, which parses, formats and encodes every link destination (a sixth
        of the links family's time), skipped where it changes nothing."""
        return url if _UNCHANGED_DESTINATION.fullmatch(url) else super().normalizeLink(url)


def parse_inline(token: Token, env: EnvType) -> None:
    """Fill in the children of an ``inline`` token from ``parser().parse(text, env)``, as a
    parse with every core rule would have (``env`` holds the document's link references)."""
    if _INLINE_MARKUP.search(token.content) is None:  # plain text, as most headings are
        token.children = [Token("text", "", 0, content=token.content)] if token.content else []
        return
    state = StateCore(token.content, parser(), env, [token])
    for rule in _INLINE_CORE_RULES.values():
        rule(state)


def plain_links(content: str) -> list[tuple[str, bool]] | None:
    """(href, is an image) of each link of an inline token's ``content``, as its parse would
    give them, when every bracket in it is one of a plain link (see ``_PLAIN_LINK``); else None.
    """
    if _HIDES_OR_CHANGES_A_LINK.search(content):
        return None
    found = _PLAIN_LINK.findall(content)
    if not len(found) == content.count("[") == content.count("]"):
        return None
    md = parser()
    links = [(md.normalizeLink(destination), bang == "!") for bang, destination in found]
    # markdown-it makes no link of a destination it does not validate (``javascript:``...).
    return links if all(md.validateLink(href) for href, _ in links) else None


InlineRule = Callable[[StateInline, bool], bool]
# Inline rules that start at "[" and scan for the matching "]".
_BRACKET_RULES = ("link", "image", "footnote_inline", "footnote_ref")


@lru_cache(maxsize=8)
def _last_closing_bracket(src: str) -> int:
    return src.rfind("]")


def _needs_closing_bracket(rule: InlineRule) -> InlineRule:
    """``rule``, skipped when no "]" follows: a run of unclosed "[" is otherwise quadratic
    (each opener rescans to the end of the paragraph in markdown-it-py's parseLinkLabel)."""

    def guarded(state: StateInline, silent: bool) -> bool:
        if _last_closing_bracket(state.src) < state.pos:
            return False
        return rule(state, silent)

    return guarded


def _guard_bracket_rules(md: MarkdownIt) -> None:
    for rule in md.inline.ruler.__rules__:
        if rule.name in _BRACKET_RULES:
            md.inline.ruler.at(rule.name, _needs_closing_bracket(rule.fn))
