"""The long-tail rules of issue 10 (X bearer tokens, WooCommerce REST keys, Yandex Cloud, Algolia
admin keys, HTTP basic auth in curl and headers) and the credential
words and shapes the generic and bare rules missed: found where such keys live, not found in
their near misses, linear on a run of their own alphabet. Keys come from tests/fakes_longtail.py.
"""

from __future__ import annotations

import itertools
import random
import re
import urllib.parse

import pytest

from keylint.rules import RULES, checks
from keylint.scanner.engine import scan_text
from tests.fakes import fake_key
from tests.scanner.meter import find_work, run_of


def found(text: str, path: str = "a.py") -> list[tuple[str, str]]:
    return [(f.rule_id, f.secret) for f in scan_text(text, path)]


def ids(text: str) -> list[str]:
    return [f.rule_id for f in scan_text(text)]


@pytest.mark.parametrize(("rule_id", "template"), [
    pytest.param("twitter-bearer-token", "TWITTER_BEARER_TOKEN={k}\n", id="x bearer .env"),
    pytest.param("twitter-bearer-token", 'client = tweepy.Client(bearer_token="{k}")\n',
                 id="x bearer tweepy"),
    pytest.param("twitter-bearer-token",
                 "curl 'https://api.x.com/2/tweets/search/recent?query=x' -H 'Authorization: Bearer {k}'\n",
                 id="x bearer curl"),
    pytest.param("twitter-bearer-token", "const BEARER = '{k}';\n", id="x bearer, no provider named"),
    pytest.param("woocommerce-consumer-key", "WC_CONSUMER_KEY={k}\n", id="woo key .env"),
    pytest.param("woocommerce-consumer-secret",
                 "const api = new WooCommerceRestApi({{ url, consumerKey: ck, consumerSecret: '{k}',"
                 " version: 'wc/v3' }});\n", id="woo secret js"),
    pytest.param("woocommerce-consumer-secret", "wcapi = API(url=URL, consumer_key=K, "
                 "consumer_secret=\"{k}\")\n", id="woo secret python"),
    pytest.param("yandex-api-key", "export YC_API_KEY={k}\n", id="yandex api key shell"),
    pytest.param("yandex-api-key", 'headers = {{"Authorization": f"Api-Key {k}"}}\n',
                 id="yandex api key header"),
    pytest.param("yandex-iam-token", "Authorization: Bearer {k}\n", id="yandex iam header"),
    pytest.param("yandex-static-key-secret",
                 "# Yandex Object Storage\nS3_ENDPOINT=https://storage.yandexcloud.net\n"
                 "S3_SECRET_KEY={k}\n", id="yandex static key .env"),
    pytest.param("yandex-static-key-secret", 'provider "yandex" {{\n  secret_key = "{k}"\n}}\n',
                 id="yandex static key terraform"),
    pytest.param("algolia-admin-api-key", "ALGOLIA_ADMIN_API_KEY={k}\n", id="algolia admin .env"),
    pytest.param("algolia-admin-api-key", "const algoliaAdminKey = '{k}';\n", id="algolia admin js"),
])
def test_found_where_it_usually_stands(rule_id: str, template: str) -> None:
    key = fake_key(rule_id, 50)
    assert found(template.format(k=key)) == [(rule_id, key)]


def _password_in(rule_id: str, seed: int) -> str:
    import base64

    key = fake_key(rule_id, seed)
    if rule_id == "basic-auth-header":
        return base64.b64encode(base64.b64decode(key.split()[-1]).split(b":", 1)[1]).decode()
    return key.split()[2].split(":", 1)[1]


@pytest.mark.parametrize("template", [
    "curl -u ci:{p} https://api.acme.internal/v1\n",
    "curl --user=ci:{p} https://api.acme.internal/v1\n",
    "curl -sSu 'ci:{p}' https://api.acme.internal/v1\n",
    "curl -X POST \\\n  -H 'Content-Type: application/json' \\\n  -u \"ci:{p}\" \\\n"
    "  https://api.acme.internal/v1\n",
    "run: curl -fsS --user ci:{p} $URL\n",
])
def test_curl_user_passwords_are_found(template: str) -> None:
    password = fake_key("password-assignment", 56)
    assert found(template.format(p=password), "ci.sh") == [("curl-user-password", password)]


@pytest.mark.parametrize("text", [
    "curl -u admin:password https://api.acme.internal/v1\n",
    "curl -u $API_USER:$API_PASSWORD https://api.acme.internal/v1\n",
    'curl -u "${USER}:${TOKEN}" https://api.acme.internal/v1\n',
    "curl -u elastic:changeme http://localhost:9200\n",
    "curl -u admin: https://api.acme.internal/v1  # prompts for the password\n",
    "docker run -u 1000:1000 --rm alpine\n",
    "Use `curl -u user:password` to try it.\n",
    "curl --user-agent 'acme:Zq8vK2mXp4Rt7wYb' https://x.acme.internal\n",
])
def test_curl_placeholders_and_other_flags_are_not_passwords(text: str) -> None:
    assert found(text, "ci.sh") == []


def test_basic_auth_headers_are_judged_by_the_password_inside() -> None:
    import base64

    password = fake_key("password-assignment", 57)
    good = base64.b64encode(f"deploy:{password}".encode()).decode()
    assert found(f"curl -H 'Authorization: Basic {good}' https://x.acme.internal\n") == [
        ("basic-auth-header", good)]
    assert found(f'headers = {{"authorization": "basic {good}"}}\n') == [("basic-auth-header", good)]
    for placeholder in ("user:password", "admin:changeme", "user:${PASSWORD}", "no-colon-here-at-all"):
        value = base64.b64encode(placeholder.encode()).decode()
        assert found(f"Authorization: Basic {value}\n") == [], placeholder
    assert found("Authorization: Basic not/base64/at/all!!\n") == []


def test_a_bearer_token_written_with_plain_base64_is_found() -> None:
    key = urllib.parse.unquote(fake_key("twitter-bearer-token", 51))
    assert found(f'BEARER_TOKEN = "{key}"\n') == [("twitter-bearer-token", key)]


def _swap(key: str, i: int, char: str) -> str:
    return key[:i] + char + key[i + 1:]


@pytest.mark.parametrize(("rule_id", "mutate"), [
    pytest.param("twitter-bearer-token", lambda k: k[1:], id="x bearer 20 As"),
    pytest.param("twitter-bearer-token", lambda k: k.replace("%3D", "%3E"), id="x bearer no ="),
    pytest.param("twitter-bearer-token", lambda k: k[:-45] + "x" * 45, id="x bearer xs tail"),
    pytest.param("twitter-bearer-token", lambda k: k[:-30], id="x bearer short tail"),
    pytest.param("twitter-bearer-token", lambda k: _swap(k, 25, "-"), id="x bearer wrong alphabet"),
    pytest.param("woocommerce-consumer-key", lambda k: k[:-1], id="woo key 39 hex"),
    pytest.param("woocommerce-consumer-key", lambda k: k.upper().replace("CK_", "ck_"),
                 id="woo key upper hex"),
    pytest.param("woocommerce-consumer-secret", lambda k: _swap(k, 10, "g"), id="woo secret not hex"),
    pytest.param("woocommerce-consumer-secret", lambda k: k + "a", id="woo secret 41 hex"),
    pytest.param("woocommerce-consumer-secret", lambda k: "cs_" + "0" * 40, id="woo secret zeros"),
    pytest.param("woocommerce-consumer-secret", lambda k: k.replace("cs_", "cx_"), id="woo other prefix"),
    pytest.param("yandex-api-key", lambda k: k.replace("AQVN", "AQVM"), id="yandex api other prefix"),
    pytest.param("yandex-api-key", lambda k: k[:20], id="yandex api short"),
    pytest.param("yandex-api-key", lambda k: _swap(k, 10, "+"), id="yandex api wrong alphabet"),
    pytest.param("yandex-iam-token", lambda k: k.replace("t1.", "t2.", 1), id="yandex iam t2"),
    pytest.param("yandex-iam-token", lambda k: k[:-1], id="yandex iam 85 signature"),
    pytest.param("yandex-iam-token", lambda k: k[:3] + k[3:].replace(".", "", 1), id="yandex iam one part"),
])
def test_near_misses_are_not_its_key(rule_id: str, mutate) -> None:
    key = fake_key(rule_id, 52)
    bad = mutate(key)
    assert bad != key
    assert rule_id not in ids(f'value = "{bad}"\n')


def test_the_well_known_public_bearer_tokens_are_not_findings() -> None:
    # The x.com web client's own token (in its JavaScript, public by design) and the sample in
    # X's documentation, assembled here so the file holds neither.
    web = ("AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs"
           + "%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA")
    docs = ("AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI"
            + "%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F")
    for token in (web, docs, urllib.parse.unquote(web)):
        assert ids(f"headers = {{'authorization': 'Bearer {token}'}}\n") == []
    other = web[:-10] + "Q7mZ2xKp4R"
    assert ids(f"headers = {{'authorization': 'Bearer {other}'}}\n") == ["twitter-bearer-token"]


# ---- consumer_key / consumer_secret name credentials (OAuth 1.0a: Twitter, WooCommerce, ...)
def test_a_consumer_key_is_a_credential_name() -> None:
    key = fake_key("twitter-api-key", 53)
    assert found(f'consumer_key = "{key}"\n') == [("generic-credential", key)]
    assert found(f'OAUTH_CONSUMER_KEY: "{key}"\n', "a.yaml") == [("generic-credential", key)]


def test_a_twitter_consumer_key_under_the_sdk_is_twitters() -> None:
    key = fake_key("twitter-api-key", 54)
    text = f'import tweepy\n\nauth = tweepy.OAuth1UserHandler(\n    consumer_key="{key}",\n)\n'
    assert found(text) == [("twitter-api-key", key)]


# ---- LinkedIn legacy client secrets: 16 letters and digits, some with no digit at all
def _digitless(seed: int) -> str:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while True:
        out = "".join(rng.choice(letters) for _ in range(16))
        changes = sum(1 for a, b in itertools.pairwise(out) if a.isupper() != b.isupper())
        lower_runs = sum(len(m) for m in re.findall("[a-z]{3,}", out))
        if changes >= 6 and lower_runs < 6 and checks.shannon(out) >= 3.5:
            return out


@pytest.mark.parametrize("seed", range(3))
def test_a_linkedin_legacy_secret_without_a_digit_is_found(seed: int) -> None:
    secret = _digitless(seed)
    text = f'LINKEDIN_CLIENT_SECRET = "{secret}"\n'
    assert found(text) == [("linkedin-client-secret-legacy", secret)]


@pytest.mark.parametrize("value", ["LinkedInClientId", "linkedinsecretab", "LINKEDINSECRETAB",
                                   "getClientSecretX"])
def test_words_in_a_linkedin_secrets_shape_are_not_secrets(value: str) -> None:
    assert ids(f'LINKEDIN_CLIENT_SECRET = "{value}"\n') == []


# ---- Linear work on a run of each new rule's own alphabet and markers
# Generic rules measured here: their patterns are bounded (the JWT rule's open end is measured
# in tests/scanner/detector_test.py).
_LINEAR_GENERIC = ("curl-user-password", "basic-auth-header")


def _work(monkeypatch: pytest.MonkeyPatch, inputs: list[bytes]) -> list[int]:
    return find_work(monkeypatch, inputs,
                     [r for r in RULES if not r.generic or r.id in _LINEAR_GENERIC])


@pytest.mark.parametrize(("rule_id", "text"), [
    pytest.param("yandex-static-key-secret", "YANDEX_SECRET = '{k}'\n", id="yandex named"),
    pytest.param("algolia-admin-api-key", "ALGOLIA_ADMIN_KEY = '{k}'\n", id="algolia admin named"),
])
def test_bare_shapes_need_their_provider_named(rule_id: str, text: str) -> None:
    key = fake_key(rule_id, 58)
    assert ids(text.format(k=key)) == [rule_id]
    assert rule_id not in ids(f"VALUE = '{key}'\n")


@pytest.mark.parametrize("text", [
    "ALGOLIA_SEARCH_API_KEY={k}\n",
    "const searchOnlyApiKey = '{k}';\n",
    "algoliasearch_api_key: {k}\n",
])
def test_algolia_search_only_keys_are_public(text: str) -> None:
    assert ids(text.format(k=fake_key("algolia-admin-api-key", 59))) == []


@pytest.mark.parametrize("rule_id", ["twitter-bearer-token", "woocommerce-consumer-key",
                                     "woocommerce-consumer-secret", "yandex-api-key",
                                     "yandex-iam-token", "curl-user-password", "basic-auth-header",
                                     "twilio-auth-token-with-sid"])
def test_a_run_of_its_own_alphabet_costs_linear_work(
    monkeypatch: pytest.MonkeyPatch, rule_id: str
) -> None:
    key = fake_key(rule_id, 55)
    rng = random.Random(rule_id)
    pieces = [key, key[: len(key) // 2], key[len(key) // 3:], "A" * 30]
    small = run_of(pieces, rng, 20_000)
    few, many = _work(monkeypatch, [small, small * 2])
    assert many <= 2.3 * few
