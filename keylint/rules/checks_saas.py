"""Checks for the SaaS rule families (productivity, messaging, payments, social).

Same contract as keylint/rules/checks.py: each takes the candidate secret and returns True when
it may be a real key. Kept apart so the SaaS families do not edit the shared check module.
"""

from __future__ import annotations

import re
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


_LOWER_RUN = re.compile(r"[a-z]{3,}")


def random_alnum(secret: str) -> bool:
    """A bare key of random letters and digits holds a digit (a 20-character draw from 62 lacks
    one 3% of the time) and is not made of words: `MessagebirdApiKeyDetector`, `snake_case_name`
    and CamelCase class names have the length and mixed case of a key, not its digits."""
    if not any(c.isdigit() for c in secret) or not any(c.isalpha() for c in secret):
        return False
    if secret.islower() and "_" not in secret:
        return True  # a lower-case alphabet: letters run together in random keys too
    # 3 in 5 characters in lower-case runs: CamelCase words; 0.2% of random 24-character keys.
    return sum(len(m) for m in _LOWER_RUN.findall(secret)) < 0.6 * len(secret)


SAAS_CHECKS: dict[str, Callable[[str], bool]] = {
    "not_stripe_sample": not_stripe_sample,
    "random_alnum": random_alnum,
}
