"""Payments and commerce: payments, banking, crypto exchanges, e-commerce and shipping.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.
"""

from __future__ import annotations

from keylint.rules.build import B62, B64URL, in_category, rule_maker
from keylint.rules.model import Provider, Rule

PROVIDERS: tuple[Provider, ...] = in_category(
    "Payments and commerce",
    Provider("stripe", "Stripe", "STRIPE_SECRET_KEY", "https://dashboard.stripe.com/apikeys"),
    Provider("shopify", "Shopify", "SHOPIFY_ACCESS_TOKEN",
             "Shopify admin > Apps > Develop apps > API credentials"),
    Provider("square", "Square", "SQUARE_ACCESS_TOKEN", "https://developer.squareup.com/apps"),
    Provider("shippo", "Shippo", "SHIPPO_API_KEY", "https://portal.goshippo.com/api-config/api"),
    Provider("duffel", "Duffel", "DUFFEL_ACCESS_TOKEN",
             "https://app.duffel.com (Developers > Access tokens > Delete token)"),
)

_r = rule_maker(PROVIDERS)

RULES: tuple[Rule, ...] = (
    _r("stripe-secret-key", "stripe", "Stripe Access Key", rf"[sr]k_live_[{B62}]{{24,99}}",
       keywords=("sk_live_", "rk_live_")),
    _r("shopify-token", "shopify", "Shopify Token", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
       keywords=("shpat_", "shpca_", "shppa_", "shpss_")),
    _r("square-access-token", "square", "Square Access Token", rf"sq0atp-[{B64URL}]{{22}}",
       keywords=("sq0atp-",), min_entropy=3.5),
    _r("square-application-secret", "square", "Square Application Secret",
       rf"sq0csp-[{B64URL}]{{43}}", keywords=("sq0csp-",), min_entropy=4.0,
       env_var="SQUARE_APPLICATION_SECRET"),
    _r("shippo-api-token", "shippo", "Shippo API Token", r"shippo_(?:live|test)_[a-f0-9]{40}",
       keywords=("shippo_live_", "shippo_test_"), min_entropy=3.3),
    _r("duffel-access-token", "duffel", "Duffel Access Token",
       rf"duffel_(?:live|test)_[{B64URL}]{{43}}", keywords=("duffel_live_", "duffel_test_"),
       min_entropy=4.0),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = ()
