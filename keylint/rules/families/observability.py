"""Observability and monitoring: monitoring, logging and error tracking.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.
"""

from __future__ import annotations

from keylint.rules.build import ALNUM, B62, B64URL, in_category, rule_maker
from keylint.rules.model import Provider, Rule

PROVIDERS: tuple[Provider, ...] = in_category(
    "Observability and monitoring",
    Provider("dynatrace", "Dynatrace", "DT_API_TOKEN",
             "Dynatrace > Access tokens > delete the token (docs.dynatrace.com/docs/shortlink/token)"),
    Provider("grafana", "Grafana", "GRAFANA_SERVICE_ACCOUNT_TOKEN",
             "Grafana > Administration > Service accounts > delete the token"),
    Provider("sentry", "Sentry", "SENTRY_AUTH_TOKEN",
             "https://sentry.io/settings/account/api/auth-tokens/", ("sentry",)),
    Provider("datadog", "Datadog", "DD_API_KEY",
             "Datadog > Organization Settings > API Keys / Application Keys (revoke)",
             ("datadog", "DD_API_KEY", "DD_APP_KEY", "DD_APPLICATION_KEY", "DD-API-KEY",
              "DD-APPLICATION-KEY", "datadoghq")),
    Provider("newrelic", "New Relic", "NEW_RELIC_API_KEY", "https://one.newrelic.com/api-keys"),
    Provider("sumologic", "Sumo Logic", "SUMOLOGIC_ACCESSKEY",
             "Sumo Logic > Administration > Security > Access Keys (delete)",
             ("sumologic", "sumo_logic", "SUMO_ACCESS", "SUMOLOGIC_ACCESS")),
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
    # Grafana API keys are base64 of `{"k":"...","n":"...","id":N}`; Cloud tokens are `glc_` + base64.
    _r("grafana-api-key", "grafana", "Grafana API Key", r"eyJrIjoi[A-Za-z0-9+/]{60,400}={0,3}",
       keywords=("eyJrIjoi",), env_var="GRAFANA_API_KEY", min_entropy=4.0,
       boundary=ALNUM + b"_-+/", right_boundary=b"="),
    _r("grafana-cloud-token", "grafana", "Grafana Cloud Token", r"glc_[A-Za-z0-9+/]{32,400}={0,3}",
       keywords=("glc_",), env_var="GRAFANA_CLOUD_ACCESS_POLICY_TOKEN", min_entropy=4.0,
       boundary=ALNUM + b"_-+/", right_boundary=b"="),
    _r("new-relic-user-api-key", "newrelic", "New Relic User API Key", r"NRAK-[A-Z0-9]{27}",
       keywords=("NRAK-",), min_entropy=3.5),
    _r("new-relic-insert-key", "newrelic", "New Relic Insights Key", rf"NRI[IQ]-[{B64URL}]{{32}}",
       keywords=("NRII-", "NRIQ-"), env_var="NEW_RELIC_INSERT_KEY", min_entropy=3.8),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = (
    _r("datadog-api-key", "datadog", "Datadog API Key", r"[a-f0-9]{32}", context=True,
       min_entropy=3.2),
    _r("datadog-app-key", "datadog", "Datadog Application Key", r"[a-f0-9]{40}", context=True,
       env_var="DD_APP_KEY", min_entropy=3.3),
    _r("sumologic-access-key", "sumologic", "Sumo Logic Access Key", rf"[{B62}]{{64}}",
       context=True, min_entropy=4.5, validator="mixed_alnum"),
    # Sentry auth tokens before the `sntryu_` prefix: 64 hex.
    _r("sentry-legacy-token", "sentry", "Sentry User Auth Token", r"[a-f0-9]{64}", context=True,
       min_entropy=3.5),
)
