"""Misses and mistypes found on real inputs after the generic credential rule landed (issue 10's
long tail): each case here failed before its fix."""

from __future__ import annotations

import random

import pytest

from keylint.scanner.engine import scan_text
from tests.fakes import fake_key
from tests.fakes_infra import B62, B64URL, rand
from tests.scanner.meter import find_work


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


# ---- A Yandex static key stored under AWS's names (Yandex Object Storage speaks S3)
def _yandex_secret(kind: str, seed: int) -> str:
    """`YC` + 38 base64url: all alphanumeric (then it also fits AWS's 40-character secret), or
    with `-` and `_` (which no AWS secret has)."""
    rng = random.Random(f"yandex-{kind}-{seed}")
    if kind == "alnum":
        return "YC" + rand(rng, B62, 38)
    return "YC" + rand(rng, B62, 18) + "-" + rand(rng, B62, 9) + "_" + rand(rng, B62, 9)


def _yandex_key_id(seed: int) -> str:
    return "YCAJE" + rand(random.Random(f"yandex-id-{seed}"), B64URL, 20)


def _aws_key_id(seed: int) -> str:
    return "AKIA" + rand(random.Random(f"aws-id-{seed}"), "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)


def type_of(text: str, secret: str) -> str | None:
    return next((r for r, s in found(text) if s == secret), None)


_YANDEX_UNDER_AWS_NAMES = [
    pytest.param("[default]\naws_access_key_id = {i}\naws_secret_access_key = {k}\n",
                 id="credentials file with its YCAJ key id"),
    pytest.param("s3 = boto3.client('s3', endpoint_url='https://storage.yandexcloud.net', "
                 "aws_access_key_id='{i}', aws_secret_access_key='{k}')\n",
                 id="boto3 one line, yandex endpoint first"),
    pytest.param("AWS_ACCESS_KEY_ID={i}\nAWS_SECRET_ACCESS_KEY={k}\n"
                 "AWS_ENDPOINT_URL_S3=https://storage.yandexcloud.net\n", id=".env, endpoint below"),
    pytest.param("export AWS_SECRET_ACCESS_KEY=\"{k}\"\n", id="AWS name alone"),
    pytest.param("$ yc iam access-key create --service-account-name backup\naccess_key:\n"
                 "  key_id: {i}\nsecret: {k}\n", id="yc CLI output pasted in a README"),
]


@pytest.mark.parametrize("kind", ["alnum", "dashed"])
@pytest.mark.parametrize("template", _YANDEX_UNDER_AWS_NAMES)
def test_a_yandex_static_key_under_aws_names_is_yandex(template: str, kind: str) -> None:
    secret = _yandex_secret(kind, 1)
    text = template.format(k=secret, i=_yandex_key_id(1))
    assert type_of(text, secret) == "yandex-static-key-secret"
    assert "aws-secret-access-key" not in [r for r, _ in found(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # `/` and `+` are outside Yandex's alphabet: only AWS issues such a secret.
    pytest.param("aws_secret_access_key = {y}\n", "aws-secret-access-key", id="slash in value"),
    # An AWS key id beside it: the pair is AWS's (1 in ~14,000 AWS secrets starts `YC` and has
    # no `+` or `/`).
    pytest.param("aws_access_key_id = {a}\naws_secret_access_key = {k}\n",
                 "aws-secret-access-key", id="AKIA id on the line above"),
])
def test_an_aws_secret_that_starts_like_yandexs_stays_aws(text: str, expected: str) -> None:
    secret = _yandex_secret("alnum", 2)
    slashed = secret[:20] + "/" + secret[21:]
    value = slashed if "{y}" in text else secret
    assert type_of(text.format(k=secret, y=slashed, a=_aws_key_id(2)), value) == expected


def test_shadowed_pairs_cost_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line a conflict between the two rules, half of them beside an AWS key id."""
    def run(n: int) -> bytes:
        lines = []
        for i in range(n):
            lines.append(f"aws_access_key_id = {_aws_key_id(i) if i % 2 else _yandex_key_id(i)}")
            lines.append(f"aws_secret_access_key = {_yandex_secret('alnum', i)}")
        return ("\n".join(lines) + "\n").encode()

    small, large = find_work(monkeypatch, [run(200), run(400)])
    assert large < 2.3 * small
