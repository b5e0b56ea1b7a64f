"""Checks for the SaaS rule families (productivity, messaging, payments, social).

Same contract as keylint/rules/checks.py: each takes the candidate secret and returns True when
it may be a real key. Kept apart so the SaaS families do not edit the shared check module.
"""

from __future__ import annotations

from collections.abc import Callable

# Test keys printed in Stripe's API reference and quick-starts: on every tutorial page, never a
# customer's key. Split so this file does not itself look like a key.
_STRIPE_SAMPLES = frozenset({
    "sk_" + "test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_" + "test_BQokikJOvBiI2HlWgH4olfQ2",
    "sk_" + "test_26PHem9AhJZvU623DfE1x4sd",
})


def not_stripe_sample(secret: str) -> bool:
    """Stripe's documented sample test keys are placeholders."""
    return secret not in _STRIPE_SAMPLES


SAAS_CHECKS: dict[str, Callable[[str], bool]] = {
    "not_stripe_sample": not_stripe_sample,
}
