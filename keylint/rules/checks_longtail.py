"""Checks for the long-tail rules (issue 10): same contract as keylint/rules/checks.py, each
takes the candidate secret and returns True when it may be a real key."""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import urllib.parse
from collections.abc import Callable

from keylint.rules.checks import is_placeholder, shannon, url_password, wordy
from keylint.rules.checks_extra import sha256_in
from keylint.rules.checks_saas import random_alnum

# SHA-256 of the two X (Twitter) bearer tokens everyone has seen (percent-decoded): the web
# client's own app token, shipped in x.com's JavaScript to every browser (public by design), and
# the sample printed in X's developer documentation.
_PUBLIC_TWITTER_BEARERS = frozenset({
    "a3e5e2d0b256b382e7760596e39d8f50b351aa3e6ffabe48cc345d6e08b292f7",
    "bd675a204f93638ced1e4eb7bbb79086288e78be1646e3db8dbd90050ab1359e",
})
# After the 32-character header (zero bytes and the app id: a run of `A`s in every real token)
# come the base64 of 20 bytes, its `=` (often written `%3D`), and a random tail.
_TWITTER_BEARER_PARTS = re.compile(r"A{21}[A-Za-z0-9]{11}(.+?)(?:=|%3[Dd])([A-Za-z0-9]+)")


def twitter_bearer(secret: str) -> bool:
    """An X (Twitter) app-only bearer token: its random parts are random (the run of `A`s it
    starts with is what the shared placeholder filter rejects, so it is judged here), and it is
    not one of the well-known public tokens."""
    m = _TWITTER_BEARER_PARTS.fullmatch(secret)
    if m is None:
        return False
    digest, tail = urllib.parse.unquote(m.group(1)), m.group(2)
    if is_placeholder(digest) or is_placeholder(tail) or shannon(tail) < 4.0:
        return False
    if not random_alnum(tail):
        return False
    return not sha256_in(urllib.parse.unquote(secret), _PUBLIC_TWITTER_BEARERS)


def random_letters_or_alnum(secret: str) -> bool:
    """A bare key drawn from letters and digits: with a digit, `random_alnum`; without one (a
    16-character draw from 62 lacks a digit 6% of the time: LinkedIn's legacy client secrets),
    both cases mixed the way a random draw mixes them (5 or more case changes), not CamelCase
    words (`LinkedInClientId` is mostly lower-case runs)."""
    if any(c.isdigit() for c in secret):
        return random_alnum(secret)
    if not secret.isalpha() or secret.islower() or secret.isupper():
        return False
    changes = sum(1 for a, b in itertools.pairwise(secret) if a.isupper() != b.isupper())
    return changes >= 5 and not wordy(secret)


def basic_auth(secret: str) -> bool:
    """The value of an `Authorization: Basic` header: the base64 of `user:password` whose
    password is not a placeholder or a dictionary sample."""
    try:
        decoded = base64.b64decode(secret + "=" * (-len(secret) % 4), validate=True).decode()
    except (binascii.Error, ValueError):
        return False
    _, sep, password = decoded.partition(":")
    if not sep or not password.isprintable() or is_placeholder(password):
        return False
    return url_password(password)


LONGTAIL_CHECKS: dict[str, Callable[[str], bool]] = {
    "basic_auth": basic_auth,
    "twitter_bearer": twitter_bearer,
    "random_letters_or_alnum": random_letters_or_alnum,
}
