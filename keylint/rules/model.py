"""What a rule is: plain data, compiled by the scanner, read by every other part."""

from __future__ import annotations

from dataclasses import dataclass

# Characters that continue a token: a match touching one of these on either side is part of a
# longer string (too long, or an identifier), so it is not reported.
TOKEN_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


# The groups `keylint rules` and the README list rules under, in this order.
CATEGORIES = (
    "AI and ML platforms",
    "Cloud and infrastructure",
    "Observability and monitoring",
    "Developer tools and registries",
    "Productivity and collaboration",
    "Messaging and email",
    "Payments and commerce",
    "Social and media",
    "Key material and generic credentials",
)


@dataclass(frozen=True)
class Provider:
    """A provider's shared facts: display name, canonical env var, where to rotate, context words."""

    id: str
    name: str
    env_var: str
    rotate_url: str
    context: tuple[str, ...] = ()
    category: str = ""  # one of CATEGORIES, set by the family module that lists the provider


@dataclass(frozen=True)
class Rule:
    """One provider key format.

    `pattern` is a linear-time regex (no nested quantifiers) for the whole token, run by `re` on
    candidates only; an optional `(?P<secret>...)` group narrows the reported secret. The first
    pass, run by RE2 over whole files, uses `scan_pattern` or a prefix of `pattern`, so those
    must avoid look-around. `keywords` are literal strings the prefilter may use; `context` lists the
    provider words (case-insensitive) of which one must stand on the line or up to two lines above
    when `needs_context` is set.
    """

    id: str
    provider: str
    secret_type: str
    pattern: str
    env_var: str
    rotate_url: str
    keywords: tuple[str, ...] = ()
    needs_context: bool = False
    context: tuple[str, ...] = ()
    checksum: str | None = None  # name of a function in rules/checks.py
    validator: str | None = None  # name of a structural check in rules/checks.py
    min_entropy: float = 0.0  # Shannon bits per character of the secret
    boundary: bytes = TOKEN_CHARS  # chars that may not touch the token on either side
    right_boundary: bytes = b""  # more chars that may not follow it (base64 padding `=`)
    camel_start: bool = False  # a lower-case letter may precede an upper-case start (dbPassword)
    generic: bool = False  # a shape without a provider (password, URL, JWT): loses to a provider
    # What the combined first pass looks for, when the default (the pattern cut after its first
    # counted repeat: `sk-ant-api0[1-4]-[...]{6}`) will not do; `pattern` then decides.
    scan_pattern: str = ""
    # When `scan_pattern` starts inside the token (at a fixed marker), the token begins up to
    # `extend_back` characters of `back_chars` earlier: a leading unbounded class in the combined
    # pattern would keep RE2 threads alive across long runs and make the scan quadratic.
    extend_back: int = 0
    back_chars: bytes = b""
    # Bare-shape rules whose matches this rule's narrower shape takes over where both have
    # context (a Yandex `YC...` secret in an `aws_secret_access_key` slot), unless a
    # self-identifying token of the other rule's provider (its key id) stands near the value.
    shadows: tuple[str, ...] = ()
    description: str = ""
