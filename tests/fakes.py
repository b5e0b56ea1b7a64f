"""Fake keys built at test time from a seeded generator: nothing real-looking is committed.

`fake_key(rule_id, seed)` returns a string that the rule must match (checksums computed, markers
placed). `context_line(rule_id, key)` returns a line that gives a bare-shape rule its provider
context. Keep every test's keys coming from here, never pasted.
"""

from __future__ import annotations

import random
import string
import zlib

from keylint.rules.checks import base62, bech32_create_checksum, shannon
from tests import fakes_longtail, fakes_saas
from tests.fakes_infra import BUILDERS as _INFRA_BUILDERS
from tests.fakes_infra import CONTEXT_VARS as _INFRA_CONTEXT_VARS

B62 = string.ascii_letters + string.digits
B64URL = B62 + "_-"
HEX = "0123456789abcdef"
LOWER_ALNUM = string.ascii_lowercase + string.digits
BASE32 = string.ascii_uppercase + "234567"
_MARK = "T3Blbk" + "FJ"  # OpenAI's marker, split so this file is not itself a finding


def _s(rng: random.Random, alphabet: str, n: int) -> str:
    # Avoid runs and sequences that the placeholder filter rejects, as real keys almost always do.
    while True:
        out = "".join(rng.choice(alphabet) for _ in range(n))
        if not any(c * 6 in out for c in set(out)) and "0123456789" not in out:
            return out


def _hex(rng: random.Random, n: int) -> str:
    # A bare hex key is only reported above its rule's entropy floor; a random draw can fall
    # below it (a run of repeated digits), so keep drawing until it is clearly random.
    while True:
        out = _s(rng, HEX, n)
        if shannon(out) >= 3.4:
            return out


def _crc_token(rng: random.Random, prefix: str) -> str:
    body = _s(rng, B62, 30)
    return prefix + body + base62(zlib.crc32(body.encode()), 6)


def _discord(rng: random.Random) -> str:
    import base64

    bot_id = str(rng.randrange(10**17, 10**18)).encode()
    first = base64.b64encode(bot_id).decode().rstrip("=")
    return f"{first}.{_s(rng, B64URL, 6)}.{_s(rng, B64URL, 30)}"


def _jwt(rng: random.Random) -> str:
    import base64
    import json

    def seg(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    header = seg({"alg": "HS256", "typ": "JWT"})
    payload = seg({"sub": _s(rng, HEX, 12), "role": "service_role", "exp": 4102444800})
    return f"{header}.{payload}.{_s(rng, B64URL, 43)}"


def _jwt_base64(rng: random.Random) -> str:
    import base64

    return base64.b64encode(_jwt(rng).encode()).decode()


def _pem(rng: random.Random) -> str:
    body = "MII" + _s(rng, B62 + "+/", 61)
    lines = [body] + [_s(rng, B62 + "+/", 64) for _ in range(5)]
    kind = "RSA PRIVATE KEY"
    return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----"


def _azure84(rng: random.Random) -> str:
    return (_s(rng, B62, 52) + "JQQJ99" + rng.choice(string.ascii_uppercase) + rng.choice("ABCDEFGHIJKL")
            + "AC" + _s(rng, B62, 5) + "XJ3w3AAA" + rng.choice(string.ascii_uppercase) + "ACOG"
            + _s(rng, B62, 4))


def _age(rng: random.Random) -> str:
    # 32 random bytes as 52 five-bit groups (the last one padded), then the Bech32 checksum.
    data = [rng.randrange(32) for _ in range(51)] + [rng.randrange(2) << 4]
    alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    body = "".join(alphabet[d] for d in data) + bech32_create_checksum("age-secret-key-", data)
    return ("age-secret-key-1" + body).upper()


def _sentry_org(rng: random.Random) -> str:
    import base64
    import json

    facts = {"iat": 1700000000.5, "url": "https://sentry.io", "region_url": "https://us.sentry.io",
             "org": "acme-" + _s(rng, LOWER_ALNUM, 6)}
    encoded = base64.b64encode(json.dumps(facts).encode()).decode()
    return "sntrys_" + encoded + "_" + _s(rng, B62 + "+/", 43)


def _mixed(rng: random.Random, n: int) -> str:
    while True:
        v = _s(rng, B62, n)
        if any(c.isdigit() for c in v) and any(c.isupper() for c in v) and any(c.islower() for c in v):
            return v


def _password(rng: random.Random) -> str:
    # No `%`: `%s` in a password reads as a format placeholder.
    return _mixed(rng, 10) + rng.choice("!#^~+*") + _mixed(rng, 5)


_BUILDERS = {
    "openai-project-key": lambda r: "sk-proj-" + _s(r, B64URL, 74) + _MARK + _s(r, B64URL, 74),
    "openai-service-account-key": lambda r: "sk-svcacct-" + _s(r, B64URL, 74) + _MARK
    + _s(r, B64URL, 74),
    "openai-admin-key": lambda r: "sk-admin-" + _s(r, B64URL, 58) + _MARK + _s(r, B64URL, 58),
    "openai-legacy-user-key": lambda r: "sk-" + _s(r, B62, 20) + _MARK + _s(r, B62, 20),
    "anthropic-api-key": lambda r: "sk-ant-api03-" + _s(r, B64URL, 93) + "AA",
    "anthropic-admin-key": lambda r: "sk-ant-admin01-" + _s(r, B64URL, 93) + "AA",
    "anthropic-oauth-token": lambda r: "sk-ant-oat01-" + _s(r, B64URL, 93) + "AA",
    "openrouter-api-key": lambda r: "sk-or-v1-" + _s(r, HEX, 64),
    "google-api-key": lambda r: "AIzaSy" + _s(r, B64URL, 33),
    "azure-ai-services-key-84": _azure84,
    "groq-api-key": lambda r: "gsk_" + _s(r, B62, 20) + "WGdyb3FY" + _s(r, B62, 24),
    "huggingface-user-token": lambda r: "hf_" + _s(r, string.ascii_letters, 34),
    "huggingface-org-token": lambda r: "api_org_" + _s(r, string.ascii_letters, 34),
    "replicate-api-token": lambda r: "r8_" + _mixed(r, 37),
    "together-api-key-v1": lambda r: "tgp_v1_" + _s(r, B64URL, 43),
    "perplexity-api-key": lambda r: "pplx-" + _mixed(r, 48),
    "xai-api-key": lambda r: "xai-" + _mixed(r, 80),
    "fireworks-api-key": lambda r: "fw_" + _mixed(r, 24),
    "langsmith-api-key": lambda r: "lsv2_pt_" + _s(r, HEX, 32) + "_" + _s(r, HEX, 10),
    "pinecone-api-key": lambda r: "pcsk_" + _mixed(r, 5) + "_" + _mixed(r, 63),
    "elevenlabs-api-key": lambda r: "sk_" + _s(r, HEX, 48),
    "voyage-api-key": lambda r: "pa-" + _mixed(r, 43),
    "tavily-api-key": lambda r: "tvly-" + _mixed(r, 32),
    "cerebras-api-key": lambda r: "csk-" + _s(r, LOWER_ALNUM, 48),
    "nvidia-api-key": lambda r: "nvapi-" + _s(r, B64URL, 64),
    "wandb-api-key-v1": lambda r: "wandb_v1_" + _mixed(r, 27) + "_" + _mixed(r, 49),
    "aws-access-key-id": lambda r: "AKIA" + _s(r, BASE32, 16),
    "digitalocean-token": lambda r: "dop_v1_" + _s(r, HEX, 64),
    "databricks-pat": lambda r: "dapi" + _s(r, HEX, 32),
    "dynatrace-api-token": lambda r: "dt0c01." + _s(r, BASE32, 24) + "." + _s(r, string.ascii_uppercase
                                                                            + string.digits, 64),
    "doppler-token": lambda r: "dp.st.prd." + _mixed(r, 43),
    "sentry-user-token": lambda r: "sntryu_" + _hex(r, 64),
    "sentry-org-token": _sentry_org,
    "pulumi-access-token": lambda r: "pul-" + _hex(r, 40),
    "postman-api-key": lambda r: "PMAK-" + _hex(r, 24) + "-" + _hex(r, 34),
    "rubygems-api-key": lambda r: "rubygems_" + _hex(r, 48),
    "linear-api-key": lambda r: "lin_api_" + _mixed(r, 40),
    "grafana-service-account-token": lambda r: "glsa_" + _mixed(r, 32) + "_" + _s(r, HEX, 8),
    "square-access-token": lambda r: "sq0atp-" + _mixed(r, 22),
    "square-application-secret": lambda r: "sq0csp-" + _s(r, B64URL, 43),
    "shippo-api-token": lambda r: "shippo_live_" + _hex(r, 40),
    "duffel-access-token": lambda r: "duffel_test_" + _mixed(r, 43),
    "github-token": lambda r: _crc_token(r, "ghp_"),
    "github-fine-grained-pat": lambda r: "github_pat_" + _mixed(r, 22) + "_" + _mixed(r, 59),
    "gitlab-pat-routable": lambda r: "glpat-" + _mixed(r, 36) + ".01." + _s(r, LOWER_ALNUM, 9),
    "gitlab-pat": lambda r: "glpat-" + _mixed(r, 20),
    "gitlab-other-token": lambda r: "glrt-" + _mixed(r, 24),
    "npm-access-token": lambda r: _crc_token(r, "npm_"),
    "pypi-api-token": lambda r: "pypi-AgEIcHlwaS5vcmc" + _s(r, B64URL, 150),
    "slack-bot-token": lambda r: f"xoxb-{r.randrange(10**11, 10**12)}-{r.randrange(10**11, 10**12)}-"
    + _mixed(r, 24),
    "slack-webhook-url": lambda r: "https://hooks.slack.com/services/T" + _s(r, BASE32, 9) + "/B"
    + _s(r, BASE32, 9) + "/" + _mixed(r, 24),
    "slack-app-token": lambda r: f"xapp-1-A{_s(r, BASE32, 9)}-{r.randrange(10**12, 10**13)}-"
    + _s(r, HEX, 64),
    "sendgrid-api-key": lambda r: "SG." + _s(r, B64URL, 22) + "." + _s(r, B64URL, 43),
    "discord-bot-token": _discord,
    "telegram-bot-token": lambda r: f"{r.randrange(10**8, 10**9)}:AA" + _s(r, B64URL, 33),
    "stripe-secret-key": lambda r: "sk_" + "live_" + _mixed(r, 40),
    "shopify-token": lambda r: "shpat_" + _s(r, HEX, 32),
    "private-key": _pem,
    "age-secret-key": _age,
    "jwt": _jwt,
    "jwt-base64": _jwt_base64,
    "connection-string": lambda r: "postgres://app_user:" + _password(r) + "@db.internal:5432/app",
    "password-assignment": _password,
    "password-name-value": _password,
    "aws-secret-access-key": lambda r: _s(r, B62 + "/+", 40),
    "stability-api-key": lambda r: "sk-" + _mixed(r, 48),
    "deepseek-api-key": lambda r: "sk-" + _hex(r, 32),
    "twilio-api-key-sid": lambda r: "SK" + _hex(r, 32),
    "cohere-api-key": lambda r: _mixed(r, 40),
    "wandb-api-key-legacy": lambda r: _hex(r, 40),
    "deepgram-api-key": lambda r: _hex(r, 40),
    "together-api-key-legacy": lambda r: _hex(r, 64),
    "pinecone-legacy-key": lambda r: "-".join(_s(r, HEX, n) for n in (8, 4, 4, 4, 12)),
    "azure-openai-key": lambda r: _hex(r, 32),
    "elevenlabs-legacy-key": lambda r: _hex(r, 32),
    "assemblyai-api-key": lambda r: _hex(r, 32),
    "twilio-auth-token": lambda r: _hex(r, 32),
    "mistral-api-key": lambda r: _mixed(r, 32),
    "twilio-api-key-secret": lambda r: _mixed(r, 32),
    **_INFRA_BUILDERS,
    "generic-credential": lambda r: _mixed(r, 32),
}

# The variable a line assigns for each rule: its context where the rule needs one.
_CONTEXT_VAR = {
    "aws-secret-access-key": "AWS_SECRET_ACCESS_KEY",
    "stability-api-key": "STABILITY_API_KEY",
    "deepseek-api-key": "DEEPSEEK_API_KEY",
    "twilio-api-key-sid": "TWILIO_API_KEY",
    "cohere-api-key": "COHERE_API_KEY",
    "wandb-api-key-legacy": "WANDB_API_KEY",
    "deepgram-api-key": "DEEPGRAM_API_KEY",
    "together-api-key-legacy": "TOGETHER_API_KEY",
    "pinecone-legacy-key": "PINECONE_API_KEY",
    "azure-openai-key": "AZURE_OPENAI_API_KEY",
    "elevenlabs-legacy-key": "ELEVENLABS_API_KEY",
    "assemblyai-api-key": "ASSEMBLYAI_API_KEY",
    "twilio-auth-token": "TWILIO_AUTH_TOKEN",
    "mistral-api-key": "MISTRAL_API_KEY",
    "twilio-api-key-secret": "TWILIO_API_SECRET",
    "password-assignment": "DB_PASSWORD",
    **_INFRA_CONTEXT_VARS,
}

# The SaaS families' builders and context variables live in tests/fakes_saas.py.
_BUILDERS.update(fakes_saas.BUILDERS)
_CONTEXT_VAR.update(fakes_saas.CONTEXT_VAR)
# The long-tail rules' (tests/fakes_longtail.py), last so the others keep their seeds.
_BUILDERS.update(fakes_longtail.BUILDERS)
_CONTEXT_VAR.update(fakes_longtail.CONTEXT_VAR)

RULE_IDS = tuple(_BUILDERS)


def fake_key(rule_id: str, seed: int = 0) -> str:
    """A key in the rule's format, the same for the same (rule, seed)."""
    return _BUILDERS[rule_id](random.Random(f"{rule_id}:{seed}"))


def assignment(rule_id: str, key: str) -> str:
    """A line of Python that assigns `key` where the rule would expect it (context included)."""
    name = _CONTEXT_VAR.get(rule_id, "API_KEY")
    if rule_id == "private-key":
        return f'PRIVATE_KEY = """{key}"""'
    if rule_id == "password-name-value":
        return f'env:\n  - name: DB_PASSWORD\n    value: "{key}"'
    return f'{name} = "{key}"'
