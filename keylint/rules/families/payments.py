"""Payments and commerce: payments, banking, crypto exchanges, e-commerce and shipping.

`PROVIDERS` and `RULES` (prefixed shapes) and `BARE` (shapes that need the provider named nearby)
are assembled by keylint/rules/table.py. Rule ids and secret types are written into baselines:
never rename them.

Public by design, so no rule: Stripe `pk_live_`/`pk_test_`, Flutterwave `FLWPUBK-`, Paystack
`pk_`, Lob `live_pub_`, Razorpay key ids `rzp_live_` (they go to Checkout in the browser; the key
*secret* has a rule).
"""

from __future__ import annotations

from keylint.rules.build import B62, B64URL, in_category, rule_maker
from keylint.rules.model import Provider, Rule

_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Shared first-pass triggers (see messaging._SLACK_XOXB): rules that start alike are tried in
# table order at the same place.
_SK_LIVE = rf"[sr]k_live_[{B62}]{{6}}"
_SK_TEST = rf"[sr]k_test_[{B62}]{{6}}"
_SHOPIFY = rf"shp(?:at|ca|pa|ss|ua)_[{B62}]{{6}}"
_EAA = rf"EAA[A-Z][{B64URL}]{{6}}"

PROVIDERS: tuple[Provider, ...] = in_category(
    "Payments and commerce",
    Provider("stripe", "Stripe", "STRIPE_SECRET_KEY", "https://dashboard.stripe.com/apikeys"),
    Provider("shopify", "Shopify", "SHOPIFY_ACCESS_TOKEN",
             "Shopify admin > Apps > Develop apps > API credentials"),
    Provider("square", "Square", "SQUARE_ACCESS_TOKEN", "https://developer.squareup.com/apps"),
    Provider("shippo", "Shippo", "SHIPPO_API_KEY", "https://portal.goshippo.com/api-config/api"),
    Provider("duffel", "Duffel", "DUFFEL_ACCESS_TOKEN",
             "https://app.duffel.com (Developers > Access tokens > Delete token)"),
    Provider("paystack", "Paystack", "PAYSTACK_SECRET_KEY",
             "https://dashboard.paystack.com/#/settings/developers (Generate new secret key)"),
    Provider("flutterwave", "Flutterwave", "FLW_SECRET_KEY",
             "Flutterwave dashboard > Settings > API keys (Generate new keys)"),
    Provider("braintree", "Braintree (PayPal)", "BRAINTREE_ACCESS_TOKEN",
             "PayPal developer dashboard / Braintree control panel > API > revoke the token"),
    Provider("plaid", "Plaid", "PLAID_SECRET",
             "https://dashboard.plaid.com/developers/keys (Rotate secret); access tokens: "
             "/item/access_token/invalidate", ("plaid",)),
    Provider("mercury", "Mercury", "MERCURY_API_TOKEN",
             "Mercury > Settings > Developers > API Tokens (Revoke)"),
    Provider("easypost", "EasyPost", "EASYPOST_API_KEY", "https://app.easypost.com/account/api-keys"),
    Provider("razorpay", "Razorpay", "RAZORPAY_KEY_SECRET",
             "Razorpay dashboard > Account & Settings > API keys (Regenerate)",
             ("razorpay", "rzp_live_", "rzp_test_")),
    Provider("gocardless", "GoCardless", "GOCARDLESS_ACCESS_TOKEN",
             "GoCardless dashboard > Developers > Access tokens (Revoke)", ("gocardless",)),
    Provider("coinbase", "Coinbase", "COINBASE_API_SECRET",
             "https://www.coinbase.com/settings/api (delete the key)", ("coinbase",)),
    Provider("kraken", "Kraken", "KRAKEN_API_SECRET",
             "Kraken > Settings > API (delete the key)", ("kraken",)),
    Provider("kucoin", "KuCoin", "KUCOIN_API_SECRET", "KuCoin > API Management (delete the key)",
             ("kucoin",)),
    Provider("bittrex", "Bittrex", "BITTREX_API_SECRET", "Bittrex > Account > API Keys (delete)",
             ("bittrex",)),
    Provider("finnhub", "Finnhub", "FINNHUB_API_KEY", "https://finnhub.io/dashboard (Regenerate)",
             ("finnhub",)),
    Provider("finicity", "Finicity (Mastercard Open Banking)", "FINICITY_APP_KEY",
             "Mastercard Developers > project > credentials (regenerate)", ("finicity",)),
    Provider("freshbooks", "FreshBooks", "FRESHBOOKS_ACCESS_TOKEN",
             "FreshBooks > Settings > Developer portal > app (Reset secret / revoke tokens)",
             ("freshbooks",)),
    Provider("freemius", "Freemius", "FREEMIUS_SECRET_KEY",
             "Freemius dashboard > product > Settings > Keys (regenerate)", ("freemius",)),
    Provider("etsy", "Etsy", "ETSY_API_KEY", "https://www.etsy.com/developers/your-apps",
             ("etsy",)),
    Provider("wise", "Wise (TransferWise)", "WISE_API_TOKEN",
             "Wise > Settings > API tokens (Revoke)",
             ("transferwise", "wise_api_token", "wise_api_key", "wise_token", "api.wise.com")),
    Provider("woocommerce", "WooCommerce", "WOOCOMMERCE_CONSUMER_SECRET",
             "WordPress admin > WooCommerce > Settings > Advanced > REST API (Revoke the key)"),
)

_r = rule_maker(PROVIDERS)

RULES: tuple[Rule, ...] = (
    # Paystack before Stripe: both start `sk_live_`, and a Paystack key (40 lower-case hex) would
    # otherwise be reported as Stripe's.
    _r("paystack-secret-key", "paystack", "Paystack Secret Key", r"sk_live_[a-f0-9]{40}",
       keywords=("sk_live_",), scan_pattern=_SK_LIVE, min_entropy=3.3),
    _r("paystack-test-secret-key", "paystack", "Paystack Secret Key", r"sk_test_[a-f0-9]{40}",
       keywords=("sk_test_",), scan_pattern=_SK_TEST, min_entropy=3.3),
    _r("stripe-secret-key", "stripe", "Stripe Access Key", rf"[sr]k_live_[{B62}]{{24,99}}",
       keywords=("sk_live_", "rk_live_"), scan_pattern=_SK_LIVE),
    # Test-mode keys move no money but read and write the account's test data, customers and
    # settings: gitleaks and Stripe's own scanning report them. Stripe's documented sample key
    # is a placeholder.
    _r("stripe-test-secret-key", "stripe", "Stripe Test Key", rf"[sr]k_test_[{B62}]{{24,99}}",
       keywords=("sk_test_", "rk_test_"), scan_pattern=_SK_TEST, min_entropy=3.8,
       validator="not_stripe_sample"),
    _r("shopify-token", "shopify", "Shopify Token", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
       keywords=("shpat_", "shpca_", "shppa_", "shpss_"), scan_pattern=_SHOPIFY),
    # Newer and partner-issued tokens (and `shpua_` user tokens) with base62 bodies.
    _r("shopify-token-base62", "shopify", "Shopify Token", rf"shp(?:at|ca|pa|ss|ua)_[{B62}]{{32,64}}",
       keywords=("shpat_", "shpca_", "shppa_", "shpss_", "shpua_"), scan_pattern=_SHOPIFY,
       min_entropy=3.8),
    _r("square-access-token", "square", "Square Access Token", rf"sq0atp-[{B64URL}]{{22}}",
       keywords=("sq0atp-",), min_entropy=3.5),
    _r("square-application-secret", "square", "Square Application Secret",
       rf"sq0csp-[{B64URL}]{{43}}", keywords=("sq0csp-",), min_entropy=4.0,
       env_var="SQUARE_APPLICATION_SECRET"),
    # Current Square access tokens: `EAAA` + 60 (production and sandbox). Facebook tokens also
    # start `EAA`, and are 100+ long: the two share a trigger, Square (exact length) first.
    _r("square-access-token-eaaa", "square", "Square Access Token",
       rf"EAAA[{B64URL}]{{60}}(?![{B64URL}])", keywords=("EAAA",), scan_pattern=_EAA,
       min_entropy=4.0),
    _r("shippo-api-token", "shippo", "Shippo API Token", r"shippo_(?:live|test)_[a-f0-9]{40}",
       keywords=("shippo_live_", "shippo_test_"), min_entropy=3.3),
    _r("duffel-access-token", "duffel", "Duffel Access Token",
       rf"duffel_(?:live|test)_[{B64URL}]{{43}}", keywords=("duffel_live_", "duffel_test_"),
       min_entropy=4.0),
    _r("flutterwave-secret-key", "flutterwave", "Flutterwave Secret Key",
       r"FLWSECK(?:_TEST)?-[a-f0-9]{32}-X", keywords=("FLWSECK",), min_entropy=3.3),
    _r("flutterwave-encryption-key", "flutterwave", "Flutterwave Encryption Key",
       r"FLWSECK_TEST[a-f0-9]{12}", keywords=("FLWSECK_TEST",), min_entropy=2.8,
       env_var="FLW_ENCRYPTION_KEY"),
    _r("braintree-access-token", "braintree", "Braintree Access Token",
       r"access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}",
       keywords=("access_token$production$", "access_token$sandbox$"), min_entropy=3.5),
    _r("plaid-access-token", "plaid", "Plaid Access Token",
       rf"access-(?:sandbox|development|production)-{_UUID}",
       keywords=("access-sandbox-", "access-development-", "access-production-"),
       env_var="PLAID_ACCESS_TOKEN"),
    # `secret-token:mercury_<env>_<kind>_<45 base62>_yrucrem` (the suffix is `mercury` reversed).
    _r("mercury-api-token", "mercury", "Mercury API Token",
       rf"secret-token:mercury_(?:production|sandbox)_[a-z]{{2,5}}_[{B62}]{{40,50}}_yrucrem",
       keywords=("secret-token:mercury_",), min_entropy=4.0),
    _r("easypost-api-key", "easypost", "EasyPost API Key", rf"EZ[AT]K[{B62}]{{54}}",
       keywords=("EZAK", "EZTK"), min_entropy=4.0),
    # REST API keys: consumer key `ck_` and consumer secret `cs_`, each + 40 lower-case hex (a
    # SHA-1 of random bytes), sent together (Basic auth or OAuth 1.0a): the pair opens the
    # store's orders and customers.
    _r("woocommerce-consumer-key", "woocommerce", "WooCommerce Consumer Key", r"ck_[a-f0-9]{40}",
       keywords=("ck_",), min_entropy=3.3, env_var="WOOCOMMERCE_CONSUMER_KEY"),
    _r("woocommerce-consumer-secret", "woocommerce", "WooCommerce Consumer Secret",
       r"cs_[a-f0-9]{40}", keywords=("cs_",), min_entropy=3.3),
)

# Bare shapes: only with the provider named nearby (same line or up to two lines above).
BARE: tuple[Rule, ...] = (
    _r("plaid-secret", "plaid", "Plaid Secret", r"[a-f0-9]{30}", context=True, min_entropy=3.3),
    _r("razorpay-key-secret", "razorpay", "Razorpay Key Secret", rf"[{B62}]{{24}}", context=True,
       min_entropy=3.8, validator="random_alnum"),
    _r("gocardless-access-token", "gocardless", "GoCardless Access Token",
       r"(?:live|sandbox)_[A-Za-z0-9_=-]{40}", context=True, min_entropy=4.0),
    _r("coinbase-api-secret", "coinbase", "Coinbase API Secret", rf"[{B64URL}]{{64}}",
       context=True, min_entropy=4.0, validator="random_alnum"),
    # The private key is the base64 of 64 bytes.
    _r("kraken-api-secret", "kraken", "Kraken API Secret", r"[A-Za-z0-9+/]{86}==", context=True,
       min_entropy=4.5, right_boundary=b"=+/"),
    _r("kucoin-api-secret", "kucoin", "KuCoin API Secret", _UUID, context=True),
    _r("bittrex-api-secret", "bittrex", "Bittrex API Secret", r"[a-f0-9]{32}", context=True,
       min_entropy=3.3),
    _r("finnhub-api-key", "finnhub", "Finnhub API Key", r"[a-z0-9]{20}", context=True,
       min_entropy=3.5, validator="random_alnum"),
    _r("finicity-app-key", "finicity", "Finicity App Key", r"[a-f0-9]{32}", context=True,
       min_entropy=3.3),
    _r("finicity-client-secret", "finicity", "Finicity Partner Secret", rf"[{B62}]{{20}}",
       context=True, min_entropy=3.8, validator="random_alnum", env_var="FINICITY_PARTNER_SECRET"),
    _r("freshbooks-access-token", "freshbooks", "FreshBooks Access Token", rf"[{B62}]{{64}}",
       context=True, min_entropy=3.5, validator="random_alnum"),
    # `'secret_key' => 'sk_...'` in the PHP SDK's init: 29 printable characters after `sk_`.
    _r("freemius-secret-key", "freemius", "Freemius Secret Key",
       r"sk_[A-Za-z0-9!#$%&*+=<>?@^_.~;:()\[\]{}|-]{29}", context=True, min_entropy=4.0),
    _r("etsy-api-key", "etsy", "Etsy API Key", r"[a-z0-9]{24}", context=True, min_entropy=3.5,
       validator="random_alnum"),
    _r("wise-api-token", "wise", "Wise API Token", _UUID, context=True),
)
