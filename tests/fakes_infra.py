"""Fake keys for the cloud, AI, observability and developer-tool families (see tests/fakes.py).

Built at test time from a seeded generator in each rule's alphabet, with its fixed markers in
place: nothing real-looking is committed. `tests/fakes.py` merges these into its builders.
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import string
import zlib
from collections.abc import Callable

B62 = string.ascii_letters + string.digits
B64 = B62 + "+/"
B64URL = B62 + "_-"
HEX = "0123456789abcdef"
UPPER_HEX = "0123456789ABCDEF"
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
_MARK = "T3Blbk" + "FJ"  # OpenAI's marker, split so this file is not itself a finding


def rand(rng: random.Random, alphabet: str, n: int) -> str:
    """`n` random characters of `alphabet` that look random: no runs, no counting sequences, and
    every class of the alphabet present (a key without digits reads as a word to some checks)."""
    classes = [c for c in (string.ascii_lowercase, string.ascii_uppercase, string.digits)
               if any(ch in alphabet for ch in c)]
    while True:
        out = "".join(rng.choice(alphabet) for _ in range(n))
        if any(c * 5 in out for c in set(out)):
            continue
        lowered = out.lower()
        ups = sum(1 for a, b in itertools.pairwise(lowered) if ord(b) - ord(a) == 1)
        if n >= 8 and ups / (n - 1) >= 0.15:
            continue
        if n >= 12 and not all(any(ch in c for ch in out) for c in classes):
            continue
        if any(s in out for s in ("0123456789", "abcdefghij", "ABCDEFGHIJ", "1234567890")):
            continue
        return out


def _lower_token(rng: random.Random, n: int) -> str:
    """Random lower-case letters and digits with a letter past `f` and a digit (not hex)."""
    while True:
        v = rand(rng, LOWER_ALNUM, n)
        if any(c > "f" for c in v if c.isalpha()) and any(c.isdigit() for c in v):
            return v


def _uuid(rng: random.Random) -> str:
    return "-".join(rand(rng, HEX, n) for n in (8, 4, 4, 4, 12))


def _b64_of(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _jwt_segment(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def _ghs_jwt(rng: random.Random) -> str:
    header = _jwt_segment({"alg": "RS256", "typ": "JWT"})
    payload = _jwt_segment({"iss": "github", "installation": rng.randrange(10**6, 10**8),
                            "exp": 4102444800, "nonce": rand(rng, B62, 24)})
    return f"ghs_{rng.randrange(10**4, 10**7)}_{header}.{payload}.{rand(rng, B64URL, 342)}"


def _bedrock_long(rng: random.Random) -> str:
    raw = (f"BedrockAPIKey-{rand(rng, LOWER_ALNUM, 4)}-at-{rng.randrange(10**11, 10**12)}:"
           + _b64_of(rng.randbytes(45))).encode()
    return "ABSK" + _b64_of(raw)


def _bedrock_short(rng: random.Random) -> str:
    query = ("bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256"
             f"&X-Amz-Credential=ASIA{rand(rng, UPPER_ALNUM, 16)}%2F20260101%2Fus-east-1%2Fbedrock"
             f"&X-Amz-Security-Token={rand(rng, B64, 300)}&X-Amz-Signature={rand(rng, HEX, 64)}"
             "&Version=1")
    return "bedrock-api-key-" + _b64_of(query.encode())


def _azure_64(rng: random.Random, signature: str) -> str:
    return rand(rng, B64, 76) + signature + rand(rng, B64, 5) + rng.choice("AQgw") + "=="


def _azure_32(rng: random.Random, signature: str) -> str:
    return rand(rng, B64, 33) + signature + rng.choice("ABCDEFGHIJKLMNOP") + rand(rng, B64, 5) + "="


def _entra(rng: random.Random) -> str:
    return rand(rng, B62, 3) + "8Q~" + rand(rng, B62 + "_~.-", 33) + rng.choice(B62)


def _nuget(rng: random.Random) -> str:
    a = LOWER_ALNUM
    return ("oy2" + rng.choice("abcdefghijklmnop") + rand(rng, a, 15) + rng.choice("aq")
            + rand(rng, a, 11) + rng.choice("eu") + rng.choice("bdfhjlnprtvxz357")
            + rng.choice("abcdefghijklmnop") + rand(rng, a, 11) + rng.choice("aeimquy4"))


def _authress(rng: random.Random) -> str:
    return (f"sc_{rand(rng, LOWER_ALNUM, 12)}.{rand(rng, LOWER_ALNUM, 5)}.acc_"
            f"{rand(rng, LOWER_ALNUM, 16)}.{rand(rng, B64, 60)}")


def _grafana_api_key(rng: random.Random) -> str:
    facts = {"k": rand(rng, B62, 32), "n": "deploy-" + rand(rng, LOWER_ALNUM, 6), "id": 1}
    return _b64_of(json.dumps(facts, separators=(",", ":")).encode())


def _onepassword_sa(rng: random.Random) -> str:
    facts = {"signInAddress": "my.1password.com", "userAuth": {"method": "SRPg-4096"},
             "email": rand(rng, LOWER_ALNUM, 12) + "@1passwordserviceaccounts.com",
             "srpX": rand(rng, HEX, 64), "muk": {"k": rand(rng, B64URL, 43)}}
    return "ops_" + _b64_of(json.dumps(facts).encode()).rstrip("=")


def _cloudflare(rng: random.Random, prefix: str) -> str:
    body = rand(rng, B62, 40)
    return prefix + body + format(zlib.crc32(body.encode()), "08x")


BUILDERS: dict[str, Callable[[random.Random], str]] = {
    # AI and ML platforms
    "openai-project-key-2024": lambda r: "sk-proj-" + rand(r, B62, 20) + _MARK + rand(r, B62, 20),
    "langsmith-legacy-key": lambda r: "ls__" + rand(r, HEX, 32),
    "langfuse-secret-key": lambda r: "sk-lf-" + _uuid(r),
    "privateai-api-key": lambda r: rand(r, LOWER_ALNUM, 32),
    # Cloud and infrastructure
    "google-oauth-client-secret": lambda r: "GOCSPX-" + rand(r, B64URL, 28),
    "google-oauth-refresh-token": lambda r: "1//0" + r.choice("369cg") + rand(r, B64URL, 98),
    "google-oauth-access-token": lambda r: "ya29.a0" + rand(r, B64URL, 150),
    "aws-bedrock-api-key-long-lived": _bedrock_long,
    "aws-bedrock-api-key-short-lived": _bedrock_short,
    "azure-storage-account-key": lambda r: "AccountKey=" + rand(r, B64, 86) + "==",
    "azure-shared-access-key": lambda r: "SharedAccessKey=" + rand(r, B64, 43) + "=",
    "azure-identifiable-account-key": lambda r: _azure_64(r, "+ASt"),
    "azure-identifiable-sas-key": lambda r: _azure_32(r, "+ASb"),
    "azure-function-key": lambda r: rand(r, B64URL, 44) + "AzFu" + rand(r, B64URL, 5)
    + r.choice("AQgw") + "==",
    "azure-search-key": lambda r: rand(r, B62, 42) + "AzSe" + r.choice("ABCD") + rand(r, B62, 5),
    "azure-container-registry-key": lambda r: rand(r, B64, 42) + "+ACR" + r.choice("ABCD")
    + rand(r, B64, 5),
    "azure-entra-client-secret": _entra,
    "azure-search-admin-key-legacy": lambda r: rand(r, UPPER_HEX, 32),
    "alibaba-access-key-id": lambda r: "LTAI5t" + rand(r, B62, 18),
    "alibaba-access-key-secret": lambda r: rand(r, B62, 30),
    "cloudflare-origin-ca-key": lambda r: "v1.0-" + rand(r, HEX, 24) + "-" + rand(r, HEX, 146),
    "cloudflare-api-token": lambda r: rand(r, B64URL, 40),
    "cloudflare-global-api-key": lambda r: rand(r, HEX, 37),
    "clickhouse-cloud-api-secret": lambda r: "4b1d" + rand(r, B62, 38),
    "confluent-api-secret": lambda r: rand(r, B64, 64),
    "defined-networking-api-token": lambda r: "dnkey-" + rand(r, LOWER_ALNUM, 26) + "-"
    + rand(r, LOWER_ALNUM, 52),
    "fastly-api-token": lambda r: rand(r, B64URL, 32),
    "flyio-oauth-token": lambda r: "fo1_" + rand(r, B64URL, 43),
    "flyio-macaroon-token": lambda r: "fm2_" + rand(r, B64, 400) + "=",
    "heroku-api-key-v2": lambda r: "HRKU-AA" + rand(r, B64URL, 58),
    "heroku-api-key": _uuid,
    "netlify-access-token": lambda r: "nfp_" + rand(r, B62, 40),
    "netlify-access-token-legacy": lambda r: rand(r, B64URL, 43),
    "okta-api-token": lambda r: "00" + rand(r, B64URL, 40),
    "openshift-user-token": lambda r: "sha256~" + rand(r, B64URL, 43),
    "authress-access-key": _authress,
    "supabase-access-token": lambda r: "sbp_" + rand(r, HEX, 40),
    "kubernetes-bootstrap-token": lambda r: rand(r, LOWER_ALNUM, 6) + "." + rand(r, LOWER_ALNUM, 16),
    # Observability and monitoring
    "grafana-api-key": _grafana_api_key,
    "grafana-cloud-token": lambda r: "glc_" + _b64_of(json.dumps(
        {"o": str(r.randrange(10**5, 10**6)), "n": "stack-" + rand(r, LOWER_ALNUM, 6),
         "k": rand(r, B62, 24), "m": {"r": "prod-us-east-0"}}).encode()),
    "new-relic-user-api-key": lambda r: "NRAK-" + rand(r, UPPER_ALNUM, 27),
    "new-relic-insert-key": lambda r: "NRII-" + rand(r, B64URL, 32),
    "datadog-api-key": lambda r: rand(r, HEX, 32),
    "datadog-app-key": lambda r: rand(r, HEX, 40),
    "sumologic-access-key": lambda r: rand(r, B62, 64),
    "sentry-legacy-token": lambda r: rand(r, HEX, 64),
    "cloudflare-scannable-token": lambda r: _cloudflare(r, "cfut_"),
    "supabase-secret-key": lambda r: "sb_secret_" + rand(r, B64URL, 31),
    "render-api-key": lambda r: "rnd_" + rand(r, B62, 28),
    "vercel-token": lambda r: "vcp_" + rand(r, B62, 56),
    "scaleway-secret-key": _uuid,
    "hetzner-cloud-token": lambda r: rand(r, B62, 64),
    "linode-token": lambda r: rand(r, HEX, 64),
    "vultr-api-key": lambda r: rand(r, UPPER_ALNUM, 36),
    "jina-api-key": lambda r: "jina_" + rand(r, HEX, 32) + rand(r, B62, 28),
    "modal-token-secret": lambda r: "as-" + rand(r, B62, 22),
    "circleci-token": lambda r: "CCIPAT_" + rand(r, B62, 22) + "_" + rand(r, HEX, 40),
    "buildkite-api-token": lambda r: "bkua_" + rand(r, HEX, 40),
    # Developer tools and registries
    "github-installation-token-jwt": _ghs_jwt,
    "gitlab-routable-token": lambda r: "glrt-t1_" + rand(r, B64URL, 30) + ".01." + rand(r, LOWER_ALNUM, 9),
    "gitlab-runner-registered-token": lambda r: "glrtr-" + rand(r, B64URL, 20),
    "gitlab-runner-registration-token": lambda r: "GR1348941" + rand(r, B64URL, 20),
    "gitlab-session-cookie": lambda r: "_gitlab_session=" + rand(r, LOWER_ALNUM, 32),
    "npm-legacy-auth-token": lambda r: "_authToken=" + _uuid(r),
    "terraform-cloud-token": lambda r: rand(r, B62, 14) + ".atlasv1." + rand(r, B64URL, 67),
    "vault-service-token": lambda r: "hvs." + rand(r, B64URL, 95),
    "vault-batch-token": lambda r: "hvb." + rand(r, B64URL, 150),
    "jfrog-api-key": lambda r: "AKCp" + rand(r, B62, 69),
    "jfrog-reference-token": lambda r: "cmVmdGtu" + rand(r, B62, 56),
    "onepassword-secret-key": lambda r: "A3-" + "-".join(rand(r, UPPER_ALNUM, n)
                                                          for n in (6, 6, 5, 5, 5, 5)),
    "onepassword-service-account-token": _onepassword_sa,
    "sonar-token": lambda r: "sqp_" + rand(r, HEX, 40),
    "sourcegraph-access-token": lambda r: "sgp_" + rand(r, HEX, 16) + "_" + rand(r, HEX, 40),
    "harness-api-key": lambda r: "pat." + rand(r, B64URL, 22) + "." + rand(r, B62, 24) + "."
    + rand(r, B62, 20),
    "octopus-deploy-api-key": lambda r: "API-" + rand(r, UPPER_ALNUM, 26),
    "scalingo-api-token": lambda r: "tk-us-" + rand(r, B64URL, 48),
    "settlemint-access-token": lambda r: "sm_pat_" + rand(r, B62, 16),
    "clojars-deploy-token": lambda r: "CLOJARS_" + rand(r, LOWER_ALNUM, 60),
    "prefect-api-key": lambda r: "pnu_" + rand(r, B62, 36),
    "planetscale-token": lambda r: "pscale_tkn_" + rand(r, B64URL, 43),
    "planetscale-password": lambda r: "pscale_pw_" + rand(r, B64URL, 43),
    "readme-api-key": lambda r: "rdme_" + rand(r, LOWER_ALNUM, 70),
    "infracost-api-key": lambda r: "ico-" + rand(r, B62, 32),
    "nuget-api-key": _nuget,
    "dockerhub-access-token": lambda r: "dckr_pat_" + rand(r, B64URL, 27),
    "vault-legacy-token": lambda r: "s." + rand(r, B62, 24),
    "sonar-token-legacy": lambda r: rand(r, HEX, 40),
    "snyk-api-token": _uuid,
    "travis-api-token": lambda r: rand(r, B64URL, 22),
    "drone-token": lambda r: rand(r, B62, 32),
    "codecov-token": _uuid,
    "codecov-access-token": lambda r: _lower_token(r, 32),
    "jfrog-identity-token": lambda r: _lower_token(r, 64),
}

# The variable a line assigns for each bare-shape rule: it names the provider.
CONTEXT_VARS: dict[str, str] = {
    "privateai-api-key": "PRIVATEAI_API_KEY",
    "azure-search-admin-key-legacy": "AZURE_SEARCH_ADMIN_KEY",
    "alibaba-access-key-secret": "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "cloudflare-api-token": "CLOUDFLARE_API_TOKEN",
    "cloudflare-global-api-key": "CLOUDFLARE_API_KEY",
    "confluent-api-secret": "CONFLUENT_CLOUD_API_SECRET",
    "fastly-api-token": "FASTLY_API_TOKEN",
    "heroku-api-key": "HEROKU_API_KEY",
    "netlify-access-token-legacy": "NETLIFY_AUTH_TOKEN",
    "okta-api-token": "OKTA_API_TOKEN",
    "kubernetes-bootstrap-token": "KUBEADM_TOKEN",
    "datadog-api-key": "DD_API_KEY",
    "datadog-app-key": "DD_APP_KEY",
    "sumologic-access-key": "SUMOLOGIC_ACCESSKEY",
    "sentry-legacy-token": "SENTRY_AUTH_TOKEN",
    "vault-legacy-token": "VAULT_TOKEN",
    "sonar-token-legacy": "sonar.login",
    "snyk-api-token": "SNYK_TOKEN",
    "travis-api-token": "TRAVIS_API_TOKEN",
    "drone-token": "DRONE_TOKEN",
    "codecov-token": "CODECOV_TOKEN",
    "codecov-access-token": "CODECOV_API_TOKEN",
    "jfrog-identity-token": "ARTIFACTORY_IDENTITY_TOKEN",
    "scaleway-secret-key": "SCW_SECRET_KEY",
    "hetzner-cloud-token": "HCLOUD_TOKEN",
    "linode-token": "LINODE_TOKEN",
    "vultr-api-key": "VULTR_API_KEY",
    "modal-token-secret": "MODAL_TOKEN_SECRET",
}
