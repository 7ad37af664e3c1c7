"""Rule selectors, ruff-style: ``ALL``, an id (``FN001``), a prefix (``FN``) or an alias."""

from __future__ import annotations

from collections.abc import Iterable

from tillint.catalog import Rule, load_catalog, rules_by_alias
from tillint.errors import UsageError


def matching_rules(selector: str, where: str) -> tuple[list[Rule], int]:
    """Rules a selector names and how specific it is (longer prefixes win; aliases are exact).

    Raises UsageError for a selector that names no rule.
    """
    catalog = load_catalog()
    if selector == "ALL":
        return list(catalog.values()), 0
    alias = rules_by_alias().get(selector)
    if alias is not None:
        return [alias], 5
    matched = [rule for rule in catalog.values() if rule.id.startswith(selector.upper())]
    if not matched or not selector[:1].isalpha():
        raise UsageError(
            f"unknown rule selector '{selector}' in {where}; run `tillint rules` to list rules"
        )
    return matched, len(selector)


def resolve_selection(
    select: Iterable[str] | None,
    extend_select: Iterable[str],
    ignore: Iterable[str],
    where: str = "the configuration",
) -> frozenset[str]:
    """Rule ids enabled by the selectors.

    With no ``select``, the rules enabled by default are selected. For each rule the most
    specific matching selector decides; on a tie, ``ignore`` wins.
    """
    catalog = load_catalog()
    decision: dict[str, tuple[int, bool]] = {}
    if select is None:
        decision = {rule.id: (-1, True) for rule in catalog.values() if rule.enabled}
    positive = [*(select or []), *extend_select]
    for selectors, enabled in ((positive, True), (list(ignore), False)):
        for selector in selectors:
            rules, weight = matching_rules(selector, where)
            for rule in rules:
                current = decision.get(rule.id, (-2, False))
                if weight > current[0] or (weight == current[0] and not enabled):
                    decision[rule.id] = (weight, enabled)
    return frozenset(rule_id for rule_id, (_, enabled) in decision.items() if enabled)
