"""Checksums and structural checks that tell a real key from a look-alike.

Each check takes the candidate secret (str) and returns True when it may be a real key. They are
pure, cheap, and run only on candidates that the patterns already matched.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable

from keylint.rules.checks_extra import EXTRA_CHECKS

_B62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(n: int, width: int) -> str:
    """`n` in base62 (0-9A-Za-z), most significant digit first, left-padded with '0'."""
    digits = []
    while n:
        n, r = divmod(n, 62)
        digits.append(_B62_ALPHABET[r])
    return "".join(reversed(digits)).rjust(width, "0")


def crc32_base62(secret: str) -> bool:
    """GitHub classic and npm tokens: the last 6 chars are base62(crc32(the 30 random chars))."""
    body = secret[4:]
    if len(body) != 36:
        return False
    return base62(zlib.crc32(body[:30].encode()), 6) == body[30:]


def shannon(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def mixed_alnum(secret: str) -> bool:
    """A random alphanumeric key mixes digits and letters; words and identifiers do not."""
    body = secret.split("_", 1)[-1] if secret[:3] in ("fw_",) else secret
    has_digit = any(c.isdigit() for c in body)
    has_upper = any(c.isupper() for c in body)
    has_lower = any(c.islower() for c in body)
    if has_upper and has_lower:
        return has_digit or len(body) >= 20
    return has_digit and (has_upper or has_lower) and len(body) >= 40


# Documented placeholders published by providers: never real, always in docs and tests.
_DOCUMENTED = (
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
)


def not_documented_example(secret: str) -> bool:
    """AWS's documented example keys end in EXAMPLE / EXAMPLEKEY."""
    return secret not in _DOCUMENTED and not secret.endswith(("EXAMPLE", "EXAMPLEKEY"))


_LOWER_RUN = re.compile(r"[a-z]{3,}")


def wordy(value: str) -> bool:
    """Half the characters sit in runs of 3+ lower-case letters, as in `policy/AmazonRoute53...`
    or `com/AmazonS3/latest/dev`: 0.2% of random base64 strings of 40 characters are."""
    return sum(len(m) for m in _LOWER_RUN.findall(value)) >= len(value) / 2


def aws_secret(secret: str) -> bool:
    """40 random base64 characters mix cases and digits; policy names and paths are words."""
    has = (any(c.islower() for c in secret), any(c.isupper() for c in secret),
           any(c.isdigit() for c in secret))
    if not all(has) or wordy(secret):
        return False
    return not_documented_example(secret)


def discord_id(secret: str) -> bool:
    """The first part of a Discord bot token is the base64 of the bot's numeric id."""
    part = secret.split(".", 1)[0]
    try:
        raw = base64.b64decode(part + "=" * (-len(part) % 4), altchars=b"-_", validate=False)
    except (binascii.Error, ValueError):
        return False
    return raw.isdigit() and 15 <= len(raw) <= 21


def _b64url_json(part: str) -> object:
    raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    try:
        return json.loads(raw)
    except RecursionError:
        # Nested deeper than the json module parses: a crafted token. Judged by its outer
        # shape, so it is reported (fail closed) instead of failing the file's scan.
        if not raw.lstrip().startswith(b"{"):
            return None
        return {"alg": None} if b'"alg"' in raw else {}


# jwt.io's sample signatures: the tokens on every tutorial page (current and older). The
# current one (`"admin": true`) is signed with the site's published sample secret
# `a-string-secret-at-least-256-bits-long`.
_JWT_SAMPLE_SIGNATURES = ("KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30",
                          "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
                          "TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ")


def _public_by_design(payload: dict[str, object]) -> bool:
    """Tokens meant to be shipped to browsers: Supabase's `anon` key (row-level security decides
    what it may read), and the keys of Supabase's local demo stack, published in its CLI."""
    return payload.get("role") == "anon" or payload.get("iss") == "supabase-demo"


def jwt(secret: str) -> bool:
    """Header and payload must decode to JSON objects; the header must name an algorithm."""
    parts = secret.split(".")
    if len(parts) != 3 or parts[2] in _JWT_SAMPLE_SIGNATURES:
        return False
    try:
        header, payload = _b64url_json(parts[0]), _b64url_json(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return (isinstance(header, dict) and "alg" in header and isinstance(payload, dict)
            and not _public_by_design(payload))


def jwt_base64(secret: str) -> bool:
    """A JWT wrapped in standard base64 (`ZXlK...` is `eyJ...`): it decodes to a valid `jwt`."""
    try:
        inner = base64.b64decode(secret + "=" * (-len(secret) % 4), validate=True).decode("ascii")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return jwt(inner.strip())


def lower_alnum_token(secret: str) -> bool:
    """Random lower-case letters and digits, not a hex digest: a letter past `f` and a digit."""
    return any(c > "f" for c in secret if c.isalpha()) and any(c.isdigit() for c in secret)


def sentry_org_token(secret: str) -> bool:
    """`sntrys_<base64 JSON facts>_<secret>`: the facts decode to a JSON object (iat, url, ...)."""
    facts = secret[len("sntrys_"):].rsplit("_", 1)[0]
    try:
        obj = json.loads(base64.b64decode(facts + "=" * (-len(facts) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return isinstance(obj, dict) and bool({"iat", "url", "org"} & set(obj))


_PLACEHOLDER_WORDS = re.compile(
    r"(?i)(?:example|your[_-]?|placeholder|changeme|change[_-]me|replace[_-]?(?:me|with|this)|"
    r"dummy|redacted|secret[_-]?here|insert|xxxx|\*\*\*|\.\.\.|<|>|\{\{|\$\{|%\(|%s)"
)
# A password that names itself: `mypassword`, `db_password1`, `Passw0rd`, `secret123`.
_SELF_NAMED = re.compile(
    r"(?i)(?:my|the|some|db|app|user|admin|root|test|dev|default|new|old|sample|fake|strong|"
    r"secure|super)?[_-]?(?:pass(?:word|wd)?|passw0rd|p@ssw0rd|pwd|secret|s3cr3t)[_-]?\d{0,4}!?"
)
_LEET = str.maketrans("013457@$", "oieastas")
_WORD = r"(?:[A-Z]?[a-z]*[aeiouy][a-z]*|[A-Z]*[AEIOUY][A-Z]*)"
# Words (each with a vowel) in any case style, then a few digits and symbols: `supersecret`,
# `Password123!`, `MySecretPass`, `P@ssw0rd` (after undoing the leetspeak), `hunter2`.
_WORDLIKE = re.compile(rf"{_WORD}(?:[_.-]?{_WORD})*[_.-]?\d{{0,4}}[!?.#@$*]{{0,2}}")


def self_named(secret: str) -> bool:
    """The value is the word `password` (or `secret`) dressed up: a placeholder."""
    return _SELF_NAMED.fullmatch(secret) is not None


# Longer values are never a dictionary password, and `_WORDLIKE`'s runs of optional separators
# between words backtrack exponentially on a long run of letters (a 44-hex token after leetspeak).
_WORDLIKE_MAX = 32


def word_like(secret: str) -> bool:
    """A human-chosen dictionary password (words, then digits and a symbol), not a random one."""
    if len(secret) > _WORDLIKE_MAX:
        return False
    return _WORDLIKE.fullmatch(secret.translate(_LEET)) is not None or \
        _WORDLIKE.fullmatch(secret) is not None


# RFC 2606 and RFC 6761 names that never reach a real service (and loopback addresses).
_RESERVED_HOST = re.compile(
    rb"(?i)(?:^|[^A-Za-z0-9.-])(?:[A-Za-z0-9-]+\.)*(?:localhost|example\.(?:com|org|net)|"
    rb"[A-Za-z0-9-]+\.(?:example|test|invalid|localhost)|127\.0\.0\.1|\[::1\])(?![A-Za-z0-9-]|\.[A-Za-z])"
)


def reserved_host_in(text: bytes) -> bool:
    """`text` names a reserved host (example.com, *.test, localhost, ...)."""
    return _RESERVED_HOST.search(text) is not None
_CODE_VALUE = re.compile(
    r"(?i)^(?:none|null|true|false|nil|undefined|self\.|os\.|env\b|getenv|environ|settings\.|"
    r"config\.|process\.env|get_?password|input\(|getpass|secrets\.|vault|\$|\{|%|\()"
)
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*){2,}$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*(?:\(\)?|\[)?$")


# Keys made to be shipped to browsers and apps: public by design, never a finding (BREADTH.md).
# PostHog project keys, Stripe publishable keys, Langfuse public keys, Mapbox public tokens
# (`pk.` + the JWT-like body its secret `sk.` tokens share), Flutterwave and Mailgun public keys,
# Razorpay key ids (the checkout half), Lob publishable keys.
PUBLIC_PREFIXES = ("phc_", "pk_live_", "pk_test_", "pk-lf-", "pk.eyJ", "FLWPUBK", "pubkey-",
                   "rzp_live_", "rzp_test_", "live_pub_", "test_pub_")
# Publishable or test-mode keys and Stripe's documented test key: not passwords.
_NOT_PASSWORDS = (*PUBLIC_PREFIXES, "sk_test_", "rk_test_")
_COMMON_PASSWORDS = frozenset({
    "password", "passwd", "secret", "postgres", "admin", "root", "changeme", "test", "guest",
    "pass", "mysql", "redis", "example", "default", "user", "username",
})


_TRAILING_ESCAPES = re.compile(r"(?:\\[nrt0])+$")
_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def _unescaped(secret: str) -> str:
    """A URL's percent-escapes decoded (`%40` is `@`): a password written in a URL's user info
    or query is judged as the password it is (`%21Kq...` is no `%s` template, `var%2Flib` is a
    path), though it is reported as written."""
    if "%" not in secret:
        return secret
    return _PERCENT_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), secret)


# Punctuation of paths, globs and identifiers: it does not make a value look like a password.
_PATH_PUNCTUATION = frozenset("/.-:_@*")


def password_value(secret: str) -> bool:
    """A hard-coded password: not a placeholder, a reference, or a plain identifier or word.

    Real code is full of `secret`/`pass` names bound to non-secrets (ARNs, `Foo::Bar` keys, hex
    ids, type names, slugs such as `rds-preview-us-east-2`, paths such as `Tag/SageMaker`): a
    literal counts as a password only when it mixes upper and lower case with a digit or a
    symbol that is not path punctuation."""
    secret = _TRAILING_ESCAPES.sub("", secret)  # `= SECRET_KEY\n'`: the `\n` ends a line
    secret = _unescaped(secret)
    if len(secret) < 8 or _PLACEHOLDER_WORDS.search(secret) or _CODE_VALUE.match(secret):
        return False
    if self_named(secret):
        return False
    if secret.startswith(_NOT_PASSWORDS) or any(c in secret for c in "()[]{}"):
        return False  # a test-mode key, or code (`f(x)`, `a[b]`), not a literal password
    if secret.count(":") >= 2 or secret[0] in ":=/.":
        return False  # `Secrets::Manager`, an ARN, or a separator the pattern ran past
    if _IDENTIFIER.match(secret) and not any(c.isdigit() for c in secret):
        return False  # a variable, attribute, type or function name
    if _DOTTED.match(secret):
        return False  # `google.protobuf.duration_pb2.Duration`: a qualified name
    lower = any(c.islower() for c in secret)
    upper = any(c.isupper() for c in secret)
    digit = any(c.isdigit() for c in secret)
    symbol = any(not c.isalnum() and c not in _PATH_PUNCTUATION for c in secret)
    if not (lower and upper and (digit or symbol)):
        return False
    return shannon(secret) >= 3.0


def url_password(secret: str) -> bool:
    """The password part of `scheme://user:password@host`: not a placeholder or template."""
    secret = _unescaped(secret)
    if _PLACEHOLDER_WORDS.search(secret) or secret.lower() in _COMMON_PASSWORDS:
        return False
    if self_named(secret):
        return False
    if secret.startswith(("[", "(")):
        return False  # `redis://[[username]:[password]]@host`: a usage template
    if _PORT_LIST.match(secret):
        return False  # `https://foo.com:123,foo:bar@bar.com`: hosts and ports, not userinfo
    return not secret.startswith(("$", "%", "{", ":")) and shannon(secret) >= 2.5


_PORT_LIST = re.compile(r"\d{1,5},")


# Inside a string literal, a PEM's line breaks are escapes (`\n`, `\r\n`, doubled `\\n` in a
# string that is itself escaped, or a mix), a JSON encoder may escape `/` and `+`, and the lines
# may be joined by concatenation (`"...\n" +` then `"..."` on the next line).
_PEM_HEADERS = re.compile(r"-----[A-Z ]+-----")
_PEM_ESCAPES = re.compile(r"\\+(?:[nrt]|u000[aAdD]|(?=[\s/]))")
_PEM_CONCAT = re.compile(r"[\"'`][ \t]*\+?\s*[\"'`]")
_PEM_JSON_CHARS = (("\\u002b", "+"), ("\\u002B", "+"), ("\\u003d", "="), ("\\u003D", "="),
                   ("\\u002f", "/"), ("\\u002F", "/"))
# The smallest private key (an Ed25519 or X25519 PKCS#8 key: 48 bytes) is 64 base64 characters.
_PEM_MIN_BODY = 64


def pem_block(secret: str) -> bool:
    """A private key block has a real base64 body, not a template or an ellipsis, however the
    block is written down: a file, a string literal with escaped newlines, concatenated lines."""
    if "..." in secret:
        return False
    text = _PEM_HEADERS.sub(" ", secret)
    for escaped, char in _PEM_JSON_CHARS:
        text = text.replace(escaped, char)
    text = _PEM_CONCAT.sub(" ", _PEM_ESCAPES.sub(" ", text))
    body = re.sub(r"[\s\"'`,]", "", text)
    if "<" in body or "EXAMPLE" in body:
        return False
    body = body.replace("Proc-Type", "")
    return (len(body) >= _PEM_MIN_BODY and re.fullmatch(r"[A-Za-z0-9+/=:-]+", body) is not None) \
        or len(re.findall(r"[A-Za-z0-9+/]{40,}", text)) >= 2


_GENERIC_PLACEHOLDER = re.compile(
    r"(?i)(?:x{5,}|\*{3,}|\.\.\.|example|your[_-]|<|>|\{\{|\$\{|placeholder|redacted|dummy)"
)
_RUN = re.compile(r"(.)\1{5,}")
_SEQUENCES = ("0123456789", "abcdefghij", "ABCDEFGHIJ", "1234567890")


def is_placeholder(secret: str) -> bool:
    """Shared filter: masked, templated, repeated or sequential values are not keys."""
    if _GENERIC_PLACEHOLDER.search(secret) or _RUN.search(secret):
        return True
    if any(s in secret for s in _SEQUENCES):
        return True
    return _sequential_share(secret) >= 0.3


def _sequential_share(value: str) -> float:
    """The share of neighbours that count up (`ab`, `XY`, `45`): about 2% in a random key, most
    of a documentation sample such as `AB1C2defGHijkLMNo3...`."""
    if len(value) < 2:
        return 0.0
    low = value.lower()
    ups = sum(1 for a, b in itertools.pairwise(low) if ord(b) - ord(a) == 1 and a.isalnum())
    return ups / (len(value) - 1)


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _bech32_hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_create_checksum(hrp: str, data: list[int]) -> str:
    """The 6-character BIP-173 checksum of `data` (5-bit groups) under `hrp`."""
    mod = _bech32_polymod(_bech32_hrp_expand(hrp) + data + [0] * 6) ^ 1
    return "".join(_BECH32[(mod >> 5 * (5 - i)) & 31] for i in range(6))


def bech32(secret: str) -> bool:
    """age identities (`AGE-SECRET-KEY-1...`): Bech32 (BIP-173) with a valid 6-char checksum."""
    low = secret.lower()
    hrp, sep, data = low.rpartition("1")
    if not sep or not hrp or len(data) < 6 or any(c not in _BECH32 for c in data):
        return False
    return _bech32_polymod(_bech32_hrp_expand(hrp) + [_BECH32.index(c) for c in data]) == 1


_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_HEX = re.compile(r"[0-9a-f]+|[0-9A-F]+")
_QUALIFIED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_NOT_TOKEN_START = re.compile(r"(?i)(?:eyJ|sha\d+-|md5-|[a-z][a-z0-9+.-]*://|/|\.|\$|%|\{|<)")
_FILE_NAME = re.compile(r"(?i)\.(?:json|ya?ml|pem|key|crt|txt|cfg|conf|ini|env|py|js|sh|p12|pfx)$")
# A Twilio API key SID's shape (`SK` and lower-case hex) at a length a SID never has: a SID cut
# short in docs or a paste (`TWILIO_API_KEY: "SK125e...f5fa"`, 21 hex), not a random token. A
# whole one (32 hex) is judged as before (`twilio-api-key-sid` where Twilio is named).
_TWILIO_SID_LIKE = re.compile(r"SK[0-9a-f]+")
_TWILIO_SID_LENGTH = 34


def credential_value(secret: str) -> bool:
    """A value with the length, character mix and entropy of a random token (the long-tail
    generic rule): not a placeholder, reference, path, URL, UUID, digest prefix, JWT (its own
    rule), publishable key, identifier or dictionary word."""
    value = _TRAILING_ESCAPES.sub("", secret)
    if not 20 <= len(value) <= 200 or value.startswith(PUBLIC_PREFIXES):
        return False
    if _NOT_TOKEN_START.match(value) or _FILE_NAME.search(value) or _UUID.fullmatch(value):
        return False
    if _TWILIO_SID_LIKE.fullmatch(value) and len(value) != _TWILIO_SID_LENGTH:
        return False
    if is_placeholder(value) or _PLACEHOLDER_WORDS.search(value) or _CODE_VALUE.match(value):
        return False
    if _QUALIFIED.fullmatch(value) or (
            _IDENTIFIER.match(value) and not any(c.isdigit() for c in value)):
        return False  # `ed25519.Ed25519PrivateKey`, `settings.API_KEY`: a type or a reference
    if _sequential_share(value) >= (0.2 if _HEX.fullmatch(value) else 0.12):
        return False  # `0x123pK5_VBqv.UQ3kJ4123_`: a sample someone typed
    digit = sum(c.isdigit() for c in value)
    upper = any(c.isupper() for c in value)
    lower = any(c.islower() for c in value)
    if not digit or not (upper or lower) or digit == len(value):
        return False
    if wordy(value) or word_like(value):
        return False
    if _HEX.fullmatch(value):  # a hex token: 32 characters or more, random
        return len(value) >= 32 and shannon(value) >= 3.4
    if not (upper and lower):  # one case and digits: long and random
        return len(value) >= 32 and shannon(value) >= 4.0
    return shannon(value) >= (3.7 if len(value) < 32 else 4.0)


CHECKS: dict[str, Callable[[str], bool]] = {
    "credential_value": credential_value,
    "bech32": bech32,
    "crc32_base62": crc32_base62,
    "mixed_alnum": mixed_alnum,
    "not_documented_example": not_documented_example,
    "aws_secret": aws_secret,
    "discord_id": discord_id,
    "jwt": jwt,
    "jwt_base64": jwt_base64,
    "lower_alnum_token": lower_alnum_token,
    "sentry_org_token": sentry_org_token,
    "password_value": password_value,
    "url_password": url_password,
    "pem_block": pem_block,
    **EXTRA_CHECKS,
}

# The SaaS families' own checks (keylint/rules/checks_saas.py), under the same names table.
from keylint.rules.checks_saas import SAAS_CHECKS  # noqa: E402

CHECKS.update(SAAS_CHECKS)

# The long-tail rules' checks (keylint/rules/checks_longtail.py), under the same names table.
from keylint.rules.checks_longtail import LONGTAIL_CHECKS  # noqa: E402

CHECKS.update(LONGTAIL_CHECKS)
