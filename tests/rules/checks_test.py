from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib

import pytest

from keylint.rules import checks
from keylint.scanner.engine import scan_text
from tests.fakes import fake_key


def test_base62_pads_and_orders_digits() -> None:
    assert checks.base62(0, 6) == "000000"
    assert checks.base62(61, 2) == "0z"
    assert checks.base62(62, 2) == "10"


@pytest.mark.parametrize("rule_id", ["github-token", "npm-access-token"])
def test_crc32_checksum_accepts_generated_tokens(rule_id: str) -> None:
    for seed in range(20):
        assert checks.crc32_base62(fake_key(rule_id, seed))


def test_crc32_checksum_rejects_a_changed_character() -> None:
    key = fake_key("github-token")
    body = key[4:34]
    flipped = body[:-1] + ("A" if body[-1] != "A" else "B")
    bad = key[:4] + flipped + key[34:]
    assert checks.base62(zlib.crc32(flipped.encode()), 6) != key[34:]
    assert not checks.crc32_base62(bad)


def test_discord_first_part_must_decode_to_a_numeric_id() -> None:
    assert checks.discord_id(fake_key("discord-bot-token"))
    assert not checks.discord_id("MTIzNGFiY2RlZmdoaWprbG1ub3A.abcdef." + "x" * 30)


def test_jwt_needs_json_header_with_alg_and_rejects_the_jwt_io_sample() -> None:
    token = fake_key("jwt")
    assert checks.jwt(token)
    header, payload, _ = token.split(".")
    assert not checks.jwt(f"{header}.{payload}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
    assert not checks.jwt("eyJub3Rqc29u.eyJhIjoxfQ." + "a" * 43)


def _jwt_io_sample() -> str:
    """jwt.io's current sample token, signed at run time with the site's published sample
    secret (so the test checks the real token, and no token sits in the repo)."""
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    claims = {"sub": "1234567890", "name": "John Doe", "admin": True, "iat": 1516239022}
    signed = (b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
              + "." + b64(json.dumps(claims, separators=(",", ":")).encode()))
    secret = b"a-string-secret-at-least-256-bits-long"
    return f"{signed}.{b64(hmac.new(secret, signed.encode(), hashlib.sha256).digest())}"


def test_jwt_io_current_sample_token_is_no_finding() -> None:
    sample = _jwt_io_sample()
    assert sample.startswith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.")
    assert not checks.jwt(sample)
    assert scan_text(f'token = "{sample}"\n', "app.py") == []
    # a token with the same claims and another signature is still a finding
    header, payload, _ = sample.split(".")
    other = fake_key("jwt").split(".")[2]
    assert [f.rule_id for f in scan_text(f'token = "{header}.{payload}.{other}"\n', "a.py")] \
        == ["jwt"]


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("Xk9#mQ2vLp7!", True, id="strong literal"),
    pytest.param("changeme123", False, id="changeme"),
    pytest.param("${DB_PASSWORD}", False, id="template"),
    pytest.param("os.environ.get('X')", False, id="env lookup"),
    pytest.param("getpass()", False, id="getpass"),
    pytest.param("self.password", False, id="attribute"),
    pytest.param("correcthorse", False, id="a plain word"),
    pytest.param("CFUNCTYPE(c_int", False, id="code"),
    pytest.param("sk_" + "test_abcdEFGH1234", False, id="stripe test-mode key"),
])
def test_password_value(value: str, expected: bool) -> None:
    assert checks.password_value(value) is expected


@pytest.mark.parametrize(("value", "expected"), [
    ("u89rZr_pEZ5N", True), ("postgres", False), ("password", False), ("${PASS}", False),
    ("<password>", False),
])
def test_url_password(value: str, expected: bool) -> None:
    assert checks.url_password(value) is expected


@pytest.mark.parametrize("value", ["xxxxxxxxxxxxxxxx", "sk-proj-****abcd", "sk-...", "<your-key>",
                                   "${OPENAI_API_KEY}", "{{ api_key }}", "YOUR_API_KEY_here",
                                   "abc0123456789xyz", "aaaaaaaaaaaa"])
def test_placeholders(value: str) -> None:
    assert checks.is_placeholder(value)


def test_aws_documented_examples_are_not_keys() -> None:
    assert not checks.not_documented_example("AKIAIOSFODNN7EXAMPLE")
    assert checks.not_documented_example(fake_key("aws-access-key-id"))


def _segment(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(("header", "payload", "expected"), [
    pytest.param(b'{"alg": "HS256"}', b'{"a":' * 5000 + b"1" + b"}" * 5000, True,
                 id="deep payload object"),
    pytest.param(b'{"alg": "HS256"}', b"[" * 5000 + b"]" * 5000, False, id="deep payload array"),
    pytest.param(b'{"x":' * 5000 + b'{"alg": 1}' + b"}" * 5000, b'{"sub": 1}', True,
                 id="deep header naming an algorithm"),
    pytest.param(b'{"x":' * 5000 + b"1" + b"}" * 5000, b'{"sub": 1}', False,
                 id="deep header without one"),
])
def test_jwt_nested_deeper_than_json_parses_is_judged_not_raised(
    header: bytes, payload: bytes, expected: bool
) -> None:
    # json.loads raised RecursionError, and the file holding the token failed to scan.
    signature = fake_key("jwt").split(".")[2]
    assert checks.jwt(f"{_segment(header)}.{_segment(payload)}.{signature}") is expected


def test_public_by_design_jwts_are_not_secrets() -> None:
    """Supabase's anon key and its local demo stack's keys ship to browsers by design; a
    service_role key of a real project is a secret."""
    import base64
    import json

    def token(payload: dict[str, object]) -> str:
        def seg(o: object) -> str:
            return base64.urlsafe_b64encode(json.dumps(o).encode()).decode().rstrip("=")
        return f"{seg({'alg': 'HS256', 'typ': 'JWT'})}.{seg(payload)}.{'Zx9' * 14}a"

    project = {"iss": "supabase", "ref": "abcdefghijklmnopqrst", "iat": 1700000000}
    assert not checks.jwt(token({**project, "role": "anon"}))
    assert not checks.jwt(token({"iss": "supabase-demo", "role": "service_role"}))
    assert checks.jwt(token({**project, "role": "service_role"}))
