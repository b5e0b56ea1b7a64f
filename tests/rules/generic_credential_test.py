"""The long-tail generic credential rule (BREADTH.md's last section): a credential-named
assignment whose value is a random token, never a placeholder, reference, path, id or word."""

from __future__ import annotations

import random
import string
import uuid

import pytest

from keylint.scanner.engine import scan_text

B62 = string.ascii_letters + string.digits


def token(seed: int, n: int = 32, alphabet: str = B62) -> str:
    """A random token with every character class its alphabet has (built at run time)."""
    rng = random.Random(seed)
    while True:
        out = "".join(rng.choice(alphabet) for _ in range(n))
        classes = [set(out) & set(a) for a in (string.ascii_lowercase, string.ascii_uppercase,
                                               string.digits) if set(a) & set(alphabet)]
        if all(classes) and "0123456789" not in out:
            return out


def found(text: str, path: str) -> list[tuple[str, str]]:
    return [(f.rule_id, f.secret) for f in scan_text(text, path)]


_HEX = "0123456789abcdef"


@pytest.mark.parametrize(("path", "template", "value"), [
    pytest.param(".env", "ACME_API_KEY={v}\n", token(1), id=".env"),
    pytest.param("ci.yaml", "deploy:\n  webhook_token: {v}\n", token(2, 40), id="yaml"),
    pytest.param("config.json", '{{"service": {{"apiKey": "{v}"}}}}\n', token(3, 24), id="json"),
    pytest.param("client.py", 'client = Acme(api_key="{v}")\n', token(4, 40, _HEX), id="python hex"),
    pytest.param("deploy.sh", "export FOO_ACCESS_KEY='{v}'\n", token(5), id="shell"),
    pytest.param("pyproject.toml", '[tool.acme]\ntoken = "{v}"\n', token(6, 30), id="toml"),
    pytest.param("acme.ini", "[acme]\nauth = {v}\n", token(7, 28), id="ini auth"),
    pytest.param("call.sh", 'curl -H "X-Api-Key: {v}" https://api.acme.internal/v1\n', token(8),
                 id="curl header"),
    pytest.param("req.http", "GET /v1/me\nAuthorization: Bearer {v}\n", token(9, 40),
                 id="authorization header"),
    pytest.param("app.py", 'client_secret = "{v}"\n', token(10, 40, _HEX),
                 id="hex client secret (no password)"),
    pytest.param("app.py", 'secret_token = "{v}"\n', token(11, 40, _HEX),
                 id="token word inside a password name"),
    pytest.param("app.js", "const slackToken = '{v}';\n", token(12, 36), id="camelCase"),
])
def test_a_random_token_under_a_credential_name_is_found(path: str, template: str,
                                                         value: str) -> None:
    assert found(template.format(v=value), path) == [("generic-credential", value)]


@pytest.mark.parametrize(("path", "text"), [
    pytest.param("a.py", 'API_KEY = os.environ["ACME_API_KEY"]\n', id="env lookup"),
    pytest.param("a.yaml", "api_key: ${ACME_API_KEY}\n", id="shell variable"),
    pytest.param("a.yaml", 'token: "{{ secrets.ACME_TOKEN }}"\n', id="template"),
    pytest.param(".env", "ACME_API_KEY=your-api-key-goes-here-123\n", id="your- placeholder"),
    pytest.param(".env", "ACME_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", id="xs"),
    pytest.param("a.py", f'next_page_token = "{token(20, 40)}"\n', id="page token"),
    pytest.param("a.py", f'csrf_token = "{token(21, 40)}"\n', id="csrf token"),
    pytest.param("a.py", f'api_key = "{uuid.UUID(int=random.Random(22).getrandbits(128))}"\n',
                 id="uuid"),
    pytest.param("a.py", f'token_hash = "{token(23, 64, _HEX)}"\n', id="hash-named field"),
    pytest.param(".secrets.baseline", f'      "hashed_secret": "{token(28, 40, _HEX)}",\n',
                 id="detect-secrets baseline digest"),
    pytest.param("a.json", '"integrity": "sha512-' + token(24, 86) + '=="\n', id="integrity"),
    pytest.param("a.py", 'api_key_path = "/etc/acme/credentials/api_key.pem"\n', id="path"),
    pytest.param("a.yaml", "token: /var/run/secrets/kubernetes.io/serviceaccount/token\n",
                 id="token file"),
    pytest.param("a.py", "api_key = settings.ACME_API_KEY_VALUE2\n", id="attribute"),
    pytest.param(".env", f"POSTHOG_API_KEY=phc_{token(25, 43)}\n", id="posthog phc_ public"),
    pytest.param(".env", f"STRIPE_KEY=pk_live_{token(26, 99)}\n", id="stripe pk_ public"),
    pytest.param(".env", f"LANGFUSE_API_KEY=pk-lf-{uuid.UUID(int=7)}\n", id="langfuse pk-lf- public"),
    pytest.param("map.js", f"const MAPBOX_ACCESS_TOKEN = 'pk.eyJ1Ijoi{token(29, 40)}.7{token(30, 21)}';\n",
                 id="mapbox pk. public"),
    pytest.param(".env", f"RAZORPAY_API_KEY=rzp_live_{token(31, 14)}\n", id="razorpay key id"),
    pytest.param(".env", f"LOB_API_KEY=live_pub_{token(32, 31, _HEX)}\n", id="lob publishable"),
    pytest.param("a.py", 'access_token = "ThisIsNotARealAccessTokenValue"\n', id="words"),
    pytest.param("a.py", 'secret = "correct-horse-battery-staple-2024"\n', id="passphrase words"),
    pytest.param("a.py", f'token = "{token(27, 20, _HEX)}"\n', id="short hex"),
    pytest.param("a.py", 'auth_token = "1234567890123456789012"\n', id="digits only"),
    pytest.param("a.py", "api_key = 'sk-...'  # see docs\n", id="ellipsis"),
])
def test_near_misses_are_not_credentials(path: str, text: str) -> None:
    assert found(text, path) == []


def test_a_provider_token_under_a_credential_name_keeps_its_provider() -> None:
    from tests.fakes import fake_key

    key = fake_key("github-token", 30)
    assert found(f"GITHUB_TOKEN={key}\n", ".env") == [("github-token", key)]


def test_a_password_is_still_a_password() -> None:
    from tests.fakes import fake_key

    password = fake_key("password-assignment", 31)
    assert found(f'client_secret = "{password}"\n', "a.py") == [("password-assignment", password)]


@pytest.mark.parametrize("tail", ["012-MnO", "01-MnO", "012MnO"])
def test_firebase_documented_sample_web_config_is_not_a_finding(tail: str) -> None:
    # The sample in Firebase's FirebaseOptions docs and its copies in tutorials (built here).
    sample = "AIza" + "SyDOCAbC123dEf456GhI789jKl" + tail
    text = f'const firebaseConfig = {{\n  apiKey: "{sample}",\n  authDomain: "x.firebaseapp.com",\n}};\n'
    assert found(text, "firebase.js") == []


@pytest.mark.parametrize(("path", "template"), [
    pytest.param("docsearch.js",
                 "docsearch({{\n  appId: 'R2IYF7ETH7',\n  apiKey: '{v}',\n  indexName: 'docs',\n}});\n",
                 id="DocSearch"),
    pytest.param("docusaurus.config.js",
                 "module.exports = {{ themeConfig: {{ algolia: {{ appId: 'X1Y2Z3', apiKey: '{v}', "
                 "indexName: 'site' }} }} }};\n", id="Docusaurus"),
])
def test_an_algolia_search_only_key_beside_its_search_config_is_public(
        path: str, template: str) -> None:
    # The search-only key ships to every visitor's browser (public by design, BREADTH.md).
    assert found(template.format(v=token(21, 32, _HEX)), path) == []


def test_the_same_hex_key_without_a_search_config_is_still_a_credential() -> None:
    value = token(21, 32, _HEX)
    assert found(f"client = Acme(apiKey='{value}')\n", "app.js") == [("generic-credential", value)]


def test_an_algolia_admin_key_beside_a_search_config_is_still_reported() -> None:
    value = token(22, 32, _HEX)
    text = f"algolia:\n  appId: X1Y2Z3\n  indexName: site\n  ALGOLIA_ADMIN_KEY: {value}\n"
    assert [rule for rule, _ in found(text, "config.yml")] == ["algolia-admin-api-key"]


def _sid_like(seed: int, n: int) -> str:
    """`SK` and `n` lower-case hex digits, as varied as hex gets (a truncated Twilio API key SID
    with the entropy of a random token)."""
    rng = random.Random(seed)
    body = "".join("".join(rng.sample(_HEX, 16)) for _ in range(n // 16 + 1))[:n]
    return "SK" + body


@pytest.mark.parametrize("n", [18, 21, 24, 27, 31, 33, 40])
@pytest.mark.parametrize(("path", "template"), [
    pytest.param(".github/workflows/ci.yml", '    env:\n      TWILIO_API_KEY: "{v}"\n',
                 id="workflow env"),
    pytest.param("notify.py", "api_key = '{v}'\n", id="python"),
    pytest.param("notify.js", 'const client = twilio({{ apiKey: "{v}" }});\n', id="js"),
])
def test_a_twilio_sid_of_the_wrong_length_is_not_a_credential(path: str, template: str,
                                                             n: int) -> None:
    assert found(template.format(v=_sid_like(100 + n, n)), path) == []


def test_a_whole_twilio_api_key_sid_is_still_found() -> None:
    sid = _sid_like(3, 32)
    text = f'    env:\n      TWILIO_API_KEY: "{sid}"\n'
    assert found(text, ".github/workflows/ci.yml") == [("twilio-api-key-sid", sid)]
