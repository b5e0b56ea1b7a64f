"""Fake keys for the long-tail rules of issue 10 (see tests/fakes.py): built at test time from a
seeded generator, in each rule's alphabet, with its fixed structure in place."""

from __future__ import annotations

import base64
import random
import urllib.parse
from collections.abc import Callable

from tests.fakes_infra import B62, HEX, rand


def _twitter_bearer(rng: random.Random) -> str:
    """`A`s and the app id (24 bytes), a 20-byte base64 part percent-encoded, a random tail."""
    while True:
        head = base64.b64encode(bytes(16) + rng.randrange(10**6, 10**10).to_bytes(8, "little"))
        if head.isalnum():
            break
    digest = urllib.parse.quote(base64.b64encode(rng.randbytes(20)).decode(), safe="")
    return head.decode() + digest + rand(rng, B62, rng.choice((42, 50)))


BUILDERS: dict[str, Callable[[random.Random], str]] = {
    "twitter-bearer-token": _twitter_bearer,
    "woocommerce-consumer-key": lambda r: "ck_" + rand(r, HEX, 40),
    "woocommerce-consumer-secret": lambda r: "cs_" + rand(r, HEX, 40),
}

# The variable a line assigns for each rule.
CONTEXT_VAR: dict[str, str] = {
    "twitter-bearer-token": "TWITTER_BEARER_TOKEN",
    "woocommerce-consumer-key": "WC_CONSUMER_KEY",
    "woocommerce-consumer-secret": "WC_CONSUMER_SECRET",
}
