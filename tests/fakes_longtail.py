"""Fake keys for the long-tail rules of issue 10 (see tests/fakes.py): built at test time from a
seeded generator, in each rule's alphabet, with its fixed structure in place."""

from __future__ import annotations

import base64
import random
import urllib.parse
from collections.abc import Callable

from keylint.rules.checks import shannon
from tests.fakes_infra import B62, B64URL, HEX, rand


def _twitter_bearer(rng: random.Random) -> str:
    """`A`s and the app id (24 bytes), a 20-byte base64 part percent-encoded, a random tail."""
    while True:
        head = base64.b64encode(bytes(16) + rng.randrange(10**6, 10**10).to_bytes(8, "little"))
        if head.isalnum():
            break
    digest = urllib.parse.quote(base64.b64encode(rng.randbytes(20)).decode(), safe="")
    return head.decode() + digest + rand(rng, B62, rng.choice((42, 50)))


def _password(rng: random.Random) -> str:
    return rand(rng, B62, 10) + rng.choice("!#^~+*") + rand(rng, B62, 5)


def _hex32(rng: random.Random) -> str:
    """32 hex digits above the Twilio rules' entropy floor (a random draw can fall below it)."""
    while True:
        out = rand(rng, HEX, 32)
        if shannon(out) >= 3.4:
            return out


def _basic_header(rng: random.Random) -> str:
    user_password = f"deploy-{rand(rng, HEX, 4)}:{_password(rng)}".encode()
    return "Authorization: Basic " + base64.b64encode(user_password).decode()


BUILDERS: dict[str, Callable[[random.Random], str]] = {
    # The whole command or header: the secret reported is the password inside it.
    "curl-user-password": lambda r: f"curl -su ci-{rand(r, HEX, 4)}:{_password(r)} "
    "https://api.acme.internal/v1/builds",
    "basic-auth-header": _basic_header,
    "yandex-api-key": lambda r: "AQVN" + rand(r, B64URL, r.choice((35, 36, 38))),
    "yandex-iam-token": lambda r: f"t1.{rand(r, B64URL, 120)}.{rand(r, B64URL, 86)}",
    "yandex-static-key-secret": lambda r: "YC" + rand(r, B64URL, 38),
    "algolia-admin-api-key": lambda r: rand(r, HEX, 32),
    "twitter-bearer-token": _twitter_bearer,
    "woocommerce-consumer-key": lambda r: "ck_" + rand(r, HEX, 40),
    "woocommerce-consumer-secret": lambda r: "cs_" + rand(r, HEX, 40),
    # The whole call: the secret reported is the auth token after the account SID.
    "twilio-auth-token-with-sid": lambda r: f'Client("AC{rand(r, HEX, 32)}", "{_hex32(r)}")',
}

# The variable a line assigns for each rule.
CONTEXT_VAR: dict[str, str] = {
    "twitter-bearer-token": "TWITTER_BEARER_TOKEN",
    "woocommerce-consumer-key": "WC_CONSUMER_KEY",
    "woocommerce-consumer-secret": "WC_CONSUMER_SECRET",
    "yandex-api-key": "YC_API_KEY",
    "yandex-iam-token": "YC_TOKEN",
    "yandex-static-key-secret": "YC_SECRET_ACCESS_KEY",
    "algolia-admin-api-key": "ALGOLIA_ADMIN_API_KEY",
}
