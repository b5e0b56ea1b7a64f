"""Cloud and infrastructure: cloud providers, hosting and data platforms.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.
"""

from __future__ import annotations

from keylint.rules.build import ALNUM, B64URL, in_category, rule_maker
from keylint.rules.model import Provider, Rule

PROVIDERS: tuple[Provider, ...] = in_category(
    "Cloud and infrastructure",
    Provider("google", "Google", "GOOGLE_API_KEY", "https://console.cloud.google.com/apis/credentials"),
    Provider("aws", "AWS", "AWS_ACCESS_KEY_ID",
             "IAM console > Users > Security credentials (aws iam update-access-key --status Inactive)",
             ("aws", "AKIA", "ASIA")),
    Provider("digitalocean", "DigitalOcean", "DIGITALOCEAN_TOKEN",
             "https://cloud.digitalocean.com/account/api/tokens"),
    Provider("databricks", "Databricks", "DATABRICKS_TOKEN",
             "Workspace > User Settings > Developer > Access tokens"),
)

_r = rule_maker(PROVIDERS)

RULES: tuple[Rule, ...] = (
    _r("google-api-key", "google", "Google API Key", rf"AIza[{B64URL}]{{35}}", keywords=("AIza",),
       min_entropy=3.5),
    _r("aws-access-key-id", "aws", "AWS Access Key", r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
       keywords=("AKIA", "ASIA", "ABIA", "ACCA"), validator="not_documented_example"),
    _r("digitalocean-token", "digitalocean", "DigitalOcean Token", r"do[opr]_v1_[a-f0-9]{64}",
       keywords=("dop_v1_", "doo_v1_", "dor_v1_")),
    _r("databricks-pat", "databricks", "Databricks Token", r"dapi[a-f0-9]{32}(?:-[0-9])?",
       keywords=("dapi",), min_entropy=3.0),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = (
    _r("aws-secret-access-key", "aws", "AWS Secret Access Key", r"[A-Za-z0-9/+]{40}",
       env_var="AWS_SECRET_ACCESS_KEY", context=True, min_entropy=4.0,
       boundary=ALNUM + b"_-/+", right_boundary=b"=", validator="aws_secret"),
)
