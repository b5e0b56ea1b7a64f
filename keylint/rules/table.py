"""The rule table: every provider key format keylint knows (researched formats: PROVIDERS.md).

Everything else (scanner, baselines, fixer, redaction, detect-secrets and bandit plugins) is
driven by `RULES`. The rules themselves live in keylint/rules/families/, one module per category;
this module assembles them. Rule ids and `secret_type`s are written into baselines: never rename
them. Order matters where shapes overlap: prefixed shapes come first, then the generic shapes
(which lose to a provider anyway), then the bare shapes that need the provider named nearby.
"""

from __future__ import annotations

from keylint.rules.families import (
    ai,
    cloud,
    devtools,
    generic,
    messaging,
    observability,
    payments,
    productivity,
    social,
)
from keylint.rules.model import Provider, Rule

# In CATEGORIES order: `keylint rules` and the README list them this way.
_FAMILIES = (ai, cloud, observability, devtools, productivity, messaging, payments, social, generic)

PROVIDERS: dict[str, Provider] = {p.id: p for f in _FAMILIES for p in f.PROVIDERS}

RULES: tuple[Rule, ...] = (
    *(r for f in _FAMILIES for r in f.RULES),
    *(r for f in _FAMILIES for r in f.BARE),
)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
