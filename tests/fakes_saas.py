"""Fake keys for the SaaS rule families (productivity, messaging, payments, social).

Merged into tests/fakes.py's builders: `fake_key(rule_id, seed)` covers these rules too. Built at
test time from a seeded generator, never pasted: keylint's own gate scans this repository.
"""

from __future__ import annotations

import base64
import json
import math
import random
import string
from collections import Counter
from collections.abc import Callable

B62 = string.ascii_letters + string.digits
B64URL = B62 + "_-"
HEX = "0123456789abcdef"
LOWER_ALNUM = string.ascii_lowercase + string.digits
BASE32 = string.ascii_uppercase + "234567"


def _entropy(value: str) -> float:
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def _s(rng: random.Random, alphabet: str, n: int, floor: float = 0.0) -> str:
    # Like a real key: no long runs or counting sequences (the placeholder filter's traps), and
    # above the rule's entropy floor.
    while True:
        out = "".join(rng.choice(alphabet) for _ in range(n))
        if (not any(c * 6 in out for c in set(out)) and "0123456789" not in out
                and _entropy(out) >= floor):
            return out


def _hex(rng: random.Random, n: int) -> str:
    return _s(rng, HEX, n, 3.4 if n >= 24 else 2.8)


def _mixed(rng: random.Random, n: int, alphabet: str = B62) -> str:
    # Short keys sit close to their rules' entropy floors: draw above them, as real keys are.
    while True:
        v = _s(rng, alphabet, n, min(4.3, math.log2(n) - 0.2))
        if any(c.isdigit() for c in v) and any(c.isupper() for c in v) and any(c.islower() for c in v):
            return v


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randrange(10 ** (n - 1), 10 ** n))


def _uuid(rng: random.Random) -> str:
    return "-".join(_s(rng, HEX, n) for n in (8, 4, 4, 4, 12))


def _atlassian(rng: random.Random) -> str:
    return "ATATT3" + _s(rng, B64URL, 177) + "=" + _s(rng, "0123456789ABCDEF", 8)


def _mapbox(rng: random.Random) -> str:
    header = {"u": "acme-" + _s(rng, LOWER_ALNUM, 6), "a": "cl" + _s(rng, LOWER_ALNUM, 23)}
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).decode().rstrip("=")
    return "sk." + encoded + "." + _mixed(rng, 22, B64URL)


def _intercom(rng: random.Random) -> str:
    ident = "_".join(_s(rng, HEX, n) for n in (8, 4, 4, 4, 12))
    inner = f"tok:{ident}:1:0"
    return base64.b64encode(inner.encode()).decode()


def _teams(rng: random.Random) -> str:
    return (f"https://contoso.webhook.office.com/webhookb2/{_uuid(rng)}@{_uuid(rng)}"
            f"/IncomingWebhook/{_hex(rng, 32)}/{_uuid(rng)}")


def _kraken(rng: random.Random) -> str:
    while True:
        out = base64.b64encode(bytes(rng.randrange(256) for _ in range(64))).decode()
        if _entropy(out) >= 4.5:
            return out


def _linkedin(rng: random.Random) -> str:
    tail = base64.b64encode(bytes(rng.randrange(256) for _ in range(4))).decode()
    return "WPL_AP1." + _mixed(rng, 16) + "." + tail


BUILDERS: dict[str, Callable[[random.Random], str]] = {
    # productivity
    "adafruit-io-key": lambda r: "aio_" + _mixed(r, 28),
    "adobe-client-secret": lambda r: "p8e-" + _mixed(r, 32),
    "airtable-pat": lambda r: "pat" + _mixed(r, 14) + "." + _hex(r, 64),
    "asana-pat": lambda r: f"2/{_digits(r, 16)}/{_digits(r, 16)}:" + _hex(r, 32),
    "atlassian-api-token": _atlassian,
    "bitbucket-app-password": lambda r: "ATBB" + _mixed(r, 32),
    "hubspot-private-app-token": lambda r: "pat-na1-" + _uuid(r),
    "intra42-client-secret": lambda r: "s-s4t2ud-" + _hex(r, 64),
    "maxmind-license-key": lambda r: _mixed(r, 6) + "_" + _mixed(r, 29) + "_mmk",
    "notion-integration-token": lambda r: "ntn_" + _digits(r, 11) + _mixed(r, 35),
    "sidekiq-license-url": lambda r: f"https://{_hex(r, 8)}:{_hex(r, 8)}@gems.contribsys.com",
    "typeform-token": lambda r: "tfp_" + _mixed(r, 59, B64URL),
    "mapbox-secret-token": _mapbox,
    "linear-client-secret": lambda r: _hex(r, 32),
    "adafruit-io-key-legacy": lambda r: _hex(r, 32),
    "airtable-api-key-legacy": lambda r: "key" + _mixed(r, 14),
    "asana-client-secret": lambda r: _s(r, LOWER_ALNUM, 32, 4.0),
    "atlassian-api-token-legacy": lambda r: _mixed(r, 24),
    "bitbucket-client-secret": lambda r: _mixed(r, 32),
    "beamer-api-key": lambda r: "b_" + _mixed(r, 44, B64URL),
    "meraki-api-key": lambda r: _hex(r, 40),
    "dropbox-long-lived-token": lambda r: _s(r, LOWER_ALNUM, 11) + "A" * 10 + _mixed(r, 43, B64URL),
    "dropbox-short-lived-token": lambda r: "sl.u." + _mixed(r, 240, B64URL),
    "hubspot-api-key-legacy": _uuid,
    "launchdarkly-sdk-key": lambda r: "sdk-" + _uuid(r),
    "launchdarkly-access-token": lambda r: "api-" + _uuid(r),
    "looker-client-secret": lambda r: _mixed(r, 24),
    "notion-integration-token-legacy": lambda r: "secret_" + _mixed(r, 43),
    "rapidapi-key": lambda r: _s(r, LOWER_ALNUM, 50, 4.0),
    "sidekiq-license-credentials": lambda r: _hex(r, 8) + ":" + _hex(r, 8),
    "squarespace-api-key": _uuid,
    "zendesk-api-token": lambda r: _mixed(r, 40),
    # messaging
    "slack-legacy-bot-token": lambda r: f"xoxb-{_digits(r, 12)}-" + _mixed(r, 24),
    "slack-legacy-token": lambda r: f"xoxs-{_digits(r, 12)}-{_digits(r, 12)}-{_digits(r, 12)}-"
    + _hex(r, 64),
    "slack-workspace-token": lambda r: f"xoxa-2-{_digits(r, 12)}-{_digits(r, 12)}-" + _hex(r, 64),
    "slack-config-token": lambda r: "xoxe.xoxp-1-" + _mixed(r, 160),
    "slack-config-refresh-token": lambda r: "xoxe-1-" + _mixed(r, 146),
    "slack-workflow-webhook-url": lambda r: "https://hooks.slack.com/workflows/T" + _s(r, BASE32, 10)
    + "/A" + _s(r, BASE32, 10) + "/" + _digits(r, 18) + "/" + _mixed(r, 32),
    "discord-webhook-url": lambda r: "https://discord.com/api/webhooks/" + _digits(r, 18) + "/"
    + _mixed(r, 68, B64URL),
    "teams-webhook-url": _teams,
    "mailchimp-api-key": lambda r: _hex(r, 32) + "-us12",
    "brevo-api-key": lambda r: "xkeysib-" + _hex(r, 64) + "-" + _mixed(r, 16),
    "brevo-smtp-key": lambda r: "xsmtpsib-" + _hex(r, 64) + "-" + _mixed(r, 16),
    "intercom-access-token": _intercom,
    "discord-client-secret": lambda r: _mixed(r, 32, B64URL),
    "mandrill-api-key": lambda r: "md-" + _mixed(r, 22),
    "mailgun-api-key": lambda r: "key-" + _hex(r, 32),
    "mailgun-key": lambda r: _hex(r, 32) + "-" + _hex(r, 8) + "-" + _hex(r, 8),
    "mailjet-api-key": lambda r: _hex(r, 32),
    "postmark-token": _uuid,
    "gitter-access-token": lambda r: _hex(r, 40),
    "mattermost-access-token": lambda r: _s(r, LOWER_ALNUM, 26, 3.8),
    "messagebird-api-key": lambda r: _mixed(r, 25),
    "sendbird-api-token": lambda r: _hex(r, 40),
    "lob-api-key": lambda r: "live_" + _hex(r, 35),
    # payments
    "paystack-secret-key": lambda r: "sk_" + "live_" + _hex(r, 40),
    "paystack-test-secret-key": lambda r: "sk_" + "test_" + _hex(r, 40),
    "stripe-test-secret-key": lambda r: "sk_" + "test_51" + _mixed(r, 97),
    "shopify-token-base62": lambda r: "shpat_" + _mixed(r, 38),
    "square-access-token-eaaa": lambda r: "EAAA" + _mixed(r, 60, B64URL),
    "flutterwave-secret-key": lambda r: "FLWSECK-" + _hex(r, 32) + "-X",
    "flutterwave-encryption-key": lambda r: "FLWSECK_TEST" + _hex(r, 12),
    "braintree-access-token": lambda r: "access_token$production$" + _s(r, LOWER_ALNUM, 16) + "$"
    + _hex(r, 32),
    "plaid-access-token": lambda r: "access-production-" + _uuid(r),
    "mercury-api-token": lambda r: "secret-token:mercury_production_wma_" + _mixed(r, 45) + "_yrucrem",
    "easypost-api-key": lambda r: "EZAK" + _mixed(r, 54),
    "plaid-secret": lambda r: _hex(r, 30),
    "razorpay-key-secret": lambda r: _mixed(r, 24),
    "gocardless-access-token": lambda r: "live_" + _mixed(r, 40, B64URL),
    "coinbase-api-secret": lambda r: _mixed(r, 64),
    "kraken-api-secret": _kraken,
    "kucoin-api-secret": _uuid,
    "bittrex-api-secret": lambda r: _hex(r, 32),
    "finnhub-api-key": lambda r: _s(r, LOWER_ALNUM, 20, 3.8),
    "finicity-app-key": lambda r: _hex(r, 32),
    "finicity-client-secret": lambda r: _mixed(r, 20),
    "freshbooks-access-token": lambda r: _mixed(r, 64),
    "freemius-secret-key": lambda r: "sk_" + _mixed(r, 29, B62 + "!#%&*+=?@^~"),
    "etsy-api-key": lambda r: _s(r, LOWER_ALNUM, 24, 3.8),
    "wise-api-token": _uuid,
    # social
    "facebook-access-token": lambda r: "EAAG" + _mixed(r, 180),
    "linkedin-client-secret": _linkedin,
    "contentful-pat": lambda r: "CFPAT-" + _mixed(r, 43, B64URL),
    "frameio-token": lambda r: "fio-u-" + _mixed(r, 64, B64URL),
    "facebook-app-access-token": lambda r: _digits(r, 15) + "|" + _mixed(r, 32, B64URL),
    "facebook-app-secret": lambda r: _hex(r, 32),
    "twitter-access-token": lambda r: _digits(r, 19) + "-" + _mixed(r, 31),
    "twitter-api-secret": lambda r: _mixed(r, 50),
    "twitter-access-token-secret": lambda r: _mixed(r, 45),
    "twitter-api-key": lambda r: _mixed(r, 25),
    "linkedin-client-secret-legacy": lambda r: _mixed(r, 16),
    "twitch-token": lambda r: _s(r, LOWER_ALNUM, 30, 3.8),
    "contentful-delivery-token": lambda r: _mixed(r, 43, B64URL),
    "flickr-api-key": lambda r: _hex(r, 32),
    "nytimes-api-key": lambda r: _mixed(r, 32),
}

# The variable a line assigns for each bare-shape rule: it names the provider (its context).
CONTEXT_VAR: dict[str, str] = {
    "linear-client-secret": "LINEAR_CLIENT_SECRET",
    "adafruit-io-key-legacy": "ADAFRUIT_IO_KEY",
    "airtable-api-key-legacy": "AIRTABLE_API_KEY",
    "asana-client-secret": "ASANA_CLIENT_SECRET",
    "atlassian-api-token-legacy": "JIRA_API_TOKEN",
    "bitbucket-client-secret": "BITBUCKET_CLIENT_SECRET",
    "beamer-api-key": "BEAMER_API_KEY",
    "meraki-api-key": "MERAKI_DASHBOARD_API_KEY",
    "dropbox-long-lived-token": "DROPBOX_ACCESS_TOKEN",
    "dropbox-short-lived-token": "DROPBOX_ACCESS_TOKEN",
    "hubspot-api-key-legacy": "HUBSPOT_API_KEY",
    "launchdarkly-sdk-key": "LAUNCHDARKLY_SDK_KEY",
    "launchdarkly-access-token": "LAUNCHDARKLY_ACCESS_TOKEN",
    "looker-client-secret": "LOOKERSDK_CLIENT_SECRET",
    "notion-integration-token-legacy": "NOTION_TOKEN",
    "rapidapi-key": "RAPIDAPI_KEY",
    "sidekiq-license-credentials": "BUNDLE_GEMS__CONTRIBSYS__COM",
    "squarespace-api-key": "SQUARESPACE_API_KEY",
    "zendesk-api-token": "ZENDESK_API_TOKEN",
    "discord-client-secret": "DISCORD_CLIENT_SECRET",
    "mandrill-api-key": "MANDRILL_API_KEY",
    "mailgun-api-key": "MAILGUN_API_KEY",
    "mailgun-key": "MAILGUN_API_KEY",
    "mailjet-api-key": "MJ_APIKEY_PRIVATE",
    "postmark-token": "POSTMARK_SERVER_TOKEN",
    "gitter-access-token": "GITTER_API_KEY",
    "mattermost-access-token": "MATTERMOST_TOKEN",
    "messagebird-api-key": "MESSAGEBIRD_API_KEY",
    "sendbird-api-token": "SENDBIRD_API_KEY",
    "lob-api-key": "LOB_API_KEY",
    "plaid-secret": "PLAID_SECRET",
    "razorpay-key-secret": "RAZORPAY_KEY_SECRET",
    "gocardless-access-token": "GOCARDLESS_ACCESS_TOKEN",
    "coinbase-api-secret": "COINBASE_API_SECRET",
    "kraken-api-secret": "KRAKEN_API_SECRET",
    "kucoin-api-secret": "KUCOIN_API_SECRET",
    "bittrex-api-secret": "BITTREX_API_SECRET",
    "finnhub-api-key": "FINNHUB_API_KEY",
    "finicity-app-key": "FINICITY_APP_KEY",
    "finicity-client-secret": "FINICITY_PARTNER_SECRET",
    "freshbooks-access-token": "FRESHBOOKS_ACCESS_TOKEN",
    "freemius-secret-key": "FREEMIUS_SECRET_KEY",
    "etsy-api-key": "ETSY_API_KEY",
    "wise-api-token": "WISE_API_TOKEN",
    "facebook-app-access-token": "FACEBOOK_ACCESS_TOKEN",
    "facebook-app-secret": "FACEBOOK_APP_SECRET",
    "twitter-access-token": "TWITTER_ACCESS_TOKEN",
    "twitter-api-secret": "TWITTER_API_SECRET",
    "twitter-access-token-secret": "TWITTER_ACCESS_TOKEN_SECRET",
    "twitter-api-key": "TWITTER_API_KEY",
    "linkedin-client-secret-legacy": "LINKEDIN_CLIENT_SECRET",
    "twitch-token": "TWITCH_CLIENT_SECRET",
    "contentful-delivery-token": "CONTENTFUL_ACCESS_TOKEN",
    "flickr-api-key": "FLICKR_API_KEY",
    "nytimes-api-key": "NYTIMES_API_KEY",
}
