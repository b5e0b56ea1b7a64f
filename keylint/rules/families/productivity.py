"""Productivity and collaboration: project management, documents, CRM and other business SaaS.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.
"""

from __future__ import annotations

from keylint.rules.build import B62, in_category, rule_maker
from keylint.rules.model import Provider, Rule

PROVIDERS: tuple[Provider, ...] = in_category(
    "Productivity and collaboration",
    Provider("linear", "Linear", "LINEAR_API_KEY",
             "https://linear.app/settings/account/security (Personal API keys: revoke)"),
)

_r = rule_maker(PROVIDERS)

RULES: tuple[Rule, ...] = (
    _r("linear-api-key", "linear", "Linear API Key", rf"lin_api_[{B62}]{{40}}",
       keywords=("lin_api_",), min_entropy=3.8, validator="mixed_alnum"),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = ()
