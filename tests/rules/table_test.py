from __future__ import annotations

import re

import pytest

from keylint.rules import PROVIDERS, RULES, RULES_BY_ID
from tests.fakes import RULE_IDS


def test_rule_ids_are_unique_and_kebab_case() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i) for i in ids)


def test_every_rule_names_a_known_provider_env_var_and_rotation() -> None:
    for r in RULES:
        assert r.provider in PROVIDERS, r.id
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", r.env_var), r.id
        assert r.rotate_url, r.id


def test_every_provider_has_a_rule_and_the_table_covers_171_providers() -> None:
    assert {r.provider for r in RULES} == set(PROVIDERS)
    assert len(PROVIDERS) == 171


def test_every_rule_has_a_fake_key_builder() -> None:
    assert set(RULE_IDS) == set(RULES_BY_ID)


def test_context_rules_name_their_context_and_direct_rules_their_keywords() -> None:
    for r in RULES:
        if r.needs_context:
            assert r.context, r.id
        else:
            assert r.keywords, r.id


def test_detect_secrets_type_names_are_reused_where_it_has_the_provider() -> None:
    # Old detect-secrets baselines keep matching: these are its own secret_type strings.
    types = {r.secret_type for r in RULES}
    assert {"AWS Access Key", "GitHub Token", "Slack Token", "Stripe Access Key", "Private Key",
            "JSON Web Token", "Basic Auth Credentials", "Secret Keyword"} <= types


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_patterns_have_no_nested_quantifiers(rule) -> None:
    # Linear time under the `re` fallback too: a repeat inside a repeat can backtrack badly.
    parser = getattr(re, "_parser", None) or __import__("sre_parse")
    tree = parser.parse(rule.pattern.replace("(?P<secret>", "("))

    def walk(items, inside_repeat: bool) -> None:
        for op, av in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT"):
                _lo, hi, sub = av
                assert not inside_repeat, f"nested quantifier in {rule.id}"
                walk(sub, hi > 1)
            elif name == "SUBPATTERN":
                walk(av[-1], inside_repeat)
            elif name == "BRANCH":
                for branch in av[1]:
                    walk(branch, inside_repeat)

    walk(tree, False)
