"""Helpers the family modules write rules with: alphabets, categories, a rule factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from keylint.rules.model import CATEGORIES, Provider, Rule

B62 = "A-Za-z0-9"
B64URL = "A-Za-z0-9_-"
LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ALNUM = LETTERS + b"0123456789"


def in_category(category: str, *providers: Provider) -> tuple[Provider, ...]:
    """The providers, each filed under `category` (one of `CATEGORIES`)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown rule category {category!r}")
    return tuple(replace(p, category=category) for p in providers)


RuleFactory = Callable[..., Rule]


def rule_maker(providers: tuple[Provider, ...]) -> RuleFactory:
    """A factory for rules of these providers: `_r(rule_id, provider_id, secret_type, pattern, ...)`.

    The provider gives the default env var, where to rotate and, for a rule that needs context
    (`context=True`), the words one of which must stand nearby; `context_from` adds the words
    of other providers whose names the key is stored under.
    """
    by_id = {p.id: p for p in providers}

    def make(rule_id: str, provider: str, secret_type: str, pattern: str, *,
             env_var: str | None = None, context: bool = False,
             context_from: tuple[str, ...] = (), **kw: object) -> Rule:
        p = by_id[provider]
        words = p.context + tuple(w for other in context_from for w in by_id[other].context)
        return Rule(
            id=rule_id, provider=provider, secret_type=secret_type, pattern=pattern,
            env_var=env_var or p.env_var, rotate_url=p.rotate_url,
            needs_context=context, context=words if context else (),
            **kw,  # type: ignore[arg-type]
        )

    return make
