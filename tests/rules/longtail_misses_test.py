"""Misses and mistypes found on real inputs after the generic credential rule landed (issue 10's
long tail): each case here failed before its fix."""

from __future__ import annotations

import pytest

from keylint.scanner.engine import scan_text
from tests.fakes import fake_key


def found(text: str, path: str = "a.py") -> list[tuple[str, str]]:
    return [(f.rule_id, f.secret) for f in scan_text(text, path)]


# ---- Deepgram is named, or a 40-hex token is not Deepgram's
@pytest.mark.parametrize("template", [
    "export FOO_TOKEN {k}\n",
    "BUILD_TOKEN = os.environ.get('X')\napi_key: {k}\n",
    "headers = {{'Authorization': 'Token {k}'}}\n",
])
def test_a_token_word_alone_does_not_make_a_hex_token_deepgrams(template: str) -> None:
    key = fake_key("deepgram-api-key", 41)
    assert "deepgram-api-key" not in [r for r, _ in found(template.format(k=key))]


@pytest.mark.parametrize("template", [
    "DEEPGRAM_API_KEY={k}\n",
    "url = 'https://api.deepgram.com/v1/listen'\nheaders = {{'Authorization': 'Token {k}'}}\n",
    "from deepgram import DeepgramClient\n\nclient = DeepgramClient('{k}')\n",
])
def test_deepgram_named_nearby_is_still_deepgram(template: str) -> None:
    key = fake_key("deepgram-api-key", 42)
    assert found(template.format(k=key)) == [("deepgram-api-key", key)]


# ---- A URL login past 128 characters (too long for a password) hides no token inside it
def _long_jwt() -> str:
    import base64
    import json

    header, _, sig = fake_key("jwt", 43).split(".")
    claims = {"sub": "ci-runner", "scope": " ".join(f"repo:{n}:read" for n in range(40))}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{body}.{sig}"


@pytest.mark.parametrize(("rule_id", "template"), [
    pytest.param("github-installation-token-jwt",
                 "git clone https://x-access-token:{k}@github.com/acme/app.git\n", id="ghs_ git clone"),
    pytest.param("github-installation-token-jwt",
                 "url = 'https://oauth2:{k}@github.com/acme/app'\n", id="ghs_ in python"),
    pytest.param("jwt", "BROKER = 'amqps://svc:{k}@mq.acme.io:5671/'\n", id="long JWT as password"),
])
def test_a_token_in_a_long_url_login_is_found(rule_id: str, template: str) -> None:
    key = _long_jwt() if rule_id == "jwt" else fake_key(rule_id, 44)
    assert len(key) > 512
    assert found(template.format(k=key)) == [(rule_id, key)]
