"""Observability and monitoring: monitoring, logging and error tracking.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.
"""

from __future__ import annotations

from keylint.rules.build import B62, in_category, rule_maker
from keylint.rules.model import Provider, Rule

PROVIDERS: tuple[Provider, ...] = in_category(
    "Observability and monitoring",
    Provider("dynatrace", "Dynatrace", "DT_API_TOKEN",
             "Dynatrace > Access tokens > delete the token (docs.dynatrace.com/docs/shortlink/token)"),
    Provider("grafana", "Grafana", "GRAFANA_SERVICE_ACCOUNT_TOKEN",
             "Grafana > Administration > Service accounts > delete the token"),
    Provider("sentry", "Sentry", "SENTRY_AUTH_TOKEN",
             "https://sentry.io/settings/account/api/auth-tokens/"),
)

_r = rule_maker(PROVIDERS)

RULES: tuple[Rule, ...] = (
    _r("dynatrace-api-token", "dynatrace", "Dynatrace API Token",
       r"dt0[a-z][0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}", keywords=("dt0",), min_entropy=3.5),
    _r("grafana-service-account-token", "grafana", "Grafana Service Account Token",
       rf"glsa_[{B62}]{{32}}_[a-f0-9]{{8}}", keywords=("glsa_",), min_entropy=3.8),
    _r("sentry-user-token", "sentry", "Sentry User Auth Token", r"sntryu_[a-f0-9]{64}",
       keywords=("sntryu_",), min_entropy=3.3),
    _r("sentry-org-token", "sentry", "Sentry Org Auth Token",
       r"sntrys_eyJ[A-Za-z0-9+/]{20,400}={0,2}_[A-Za-z0-9+/]{43}", keywords=("sntrys_",),
       validator="sentry_org_token"),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = ()
