"""Every provider is filed under one known category, and every rule names a listed provider."""

from __future__ import annotations

import pytest

from keylint.rules import CATEGORIES, PROVIDERS, RULES, Provider
from keylint.rules.build import in_category


def test_every_provider_has_a_known_category() -> None:
    assert {p.id: p.category for p in PROVIDERS.values() if p.category not in CATEGORIES} == {}


def test_every_rule_names_a_listed_provider() -> None:
    assert [r.id for r in RULES if r.provider not in PROVIDERS] == []


def test_rule_ids_are_unique_across_families() -> None:
    ids = [r.id for r in RULES]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_an_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown rule category"):
        in_category("Misc", Provider("x", "X", "X_KEY", "https://x.invalid"))
