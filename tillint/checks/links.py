"""Link rules (LK): dead links, missing files and anchors, redirects, blocked and bad URLs.

Per document (``check``): malformed links (LK007) and same-file ``#fragments`` (LK004), see
``links_document``. Across documents (``check_corpus`` over ``summarize``'s small summaries):
local files, images and site routes (LK003) and anchors in other Markdown files (LK004), see
``links_local``, and, unless offline, every unique external URL probed once (LK001, LK002,
LK004, LK005, LK006), see ``links_external``.

This module holds only the family's hooks: a warm run imports it to learn which hooks there
are, so the code doing the work is imported by the hooks when they are first called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from tillint.checks import CheckContext
    from tillint.checks.links_document import LinkSummary
    from tillint.checks.links_options import LinkOptions
    from tillint.config import Settings
    from tillint.document import Document
    from tillint.finding import Finding


def check(doc: Document, ctx: CheckContext) -> list[Finding]:
    """LK007 (malformed links) and LK004 for same-file fragments of one document."""
    from tillint.checks.links_document import document_findings

    return document_findings(doc, ctx)


def summarize(doc: Document, ctx: CheckContext) -> LinkSummary:
    """What the cross-file checks need from one document (see ``LinkSummary``)."""
    from tillint.checks.links_document import document_summary

    return document_summary(doc, ctx)


def corpus_cacheable(settings: Settings) -> bool:
    """Offline, the cross-file findings depend only on the documents and the probed paths."""
    return settings.offline


def check_corpus(summaries: Mapping[str, LinkSummary], ctx: CheckContext) -> Iterable[Finding]:
    """LK003/LK004 across files and, unless ``--offline``, the external URL rules.

    A reference definition used several times is reported once, at its destination.
    """
    from tillint.checks.links_local import check_local_links
    from tillint.checks.links_options import link_options

    options = link_options(ctx)
    findings = list(
        dict.fromkeys(check_local_links(summaries, options, ctx.probe, ctx.settings.root))
    )
    if not ctx.offline:
        findings.extend(_external_findings(summaries, options, ctx))
    return list(dict.fromkeys(findings))


def _external_findings(
    summaries: Mapping[str, LinkSummary], options: LinkOptions, ctx: CheckContext
) -> list[Finding]:
    from tillint.checks.links_document import record_link
    from tillint.checks.links_external import check_external_links

    uses = [
        (shown, record_link(record))
        for shown, (_, _, external, _, _) in summaries.items()
        for record in external
    ]
    return check_external_links(uses, options, ctx.settings.cache_dir) if uses else []
