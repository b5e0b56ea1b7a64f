"""Structural checks for the infrastructure families (looked up through `checks.CHECKS`).

Kept apart from checks.py so the family modules that need them stay independent of it.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

# SHA-256 of the keys Microsoft publishes for its local emulators (Azurite / the Storage
# Emulator's `devstoreaccount1`, the Cosmos DB emulator): in thousands of test setups, never secret.
_EMULATOR_KEYS = frozenset({
    "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
    "aa6547439583c3a275d4542a0df6c1ad6a863971be9f2a2220f027cc02aef615",
})


def sha256_in(text: str, digests: frozenset[str]) -> bool:
    """Whether `text`'s SHA-256 is one of `digests`: published keys are kept as digests, never
    in clear, so the rule table holds no key."""
    import hashlib  # here: loading OpenSSL's bindings costs every scan's start-up milliseconds

    return hashlib.sha256(text.encode(), usedforsecurity=False).hexdigest() in digests


def not_emulator_key(secret: str) -> bool:
    """An Azure account key that is not one of the published emulator keys."""
    return not sha256_in(secret, _EMULATOR_KEYS)


def crc32_hex_suffix(secret: str) -> bool:
    """`<prefix>_<body><8 hex>` (Cloudflare `cfut_`/`cfat_`): the hex is the CRC-32 of the body."""
    body = secret.split("_", 1)[-1]
    if len(body) <= 8:
        return False
    return format(zlib.crc32(body[:-8].encode()), "08x") == body[-8:]


EXTRA_CHECKS: dict[str, Callable[[str], bool]] = {
    "not_emulator_key": not_emulator_key,
    "crc32_hex_suffix": crc32_hex_suffix,
}
