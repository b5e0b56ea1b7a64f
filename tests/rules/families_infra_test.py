"""The AI, cloud, observability and developer-tool families of issue 10: each rule found in the
files such keys live in, and not found in its near misses (wrong length, alphabet, marker or
structure, placeholders, public halves of key pairs, published emulator keys).

Keys come from tests/fakes_infra.py, built at test time; the table below only says where each
rule's key usually stands and how to break it.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from keylint.rules import RULES, RULES_BY_ID
from keylint.scanner.engine import scan_text
from tests.fakes import fake_key
from tests.fakes_infra import BUILDERS, CONTEXT_VARS
from tests.scanner.meter import find_work, run_of

NEW = sorted(BUILDERS)

# Where a key sits: {v} is the variable naming it, {k} the key.
ENV = "{v}={k}\n"
SHELL = 'export {v}="{k}"\n'
PY = '{v} = "{k}"\n'
YAML = "env:\n  {v}: {k}\n"
JSON = '{{"{v}": "{k}"}}\n'
TEMPLATES = (ENV, SHELL, PY, YAML, JSON)

# Rules whose key is a fragment of a larger value: the whole line, with {k} the generated part.
LINES = {
    "azure-storage-account-key": 'AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;'
    'AccountName=prodblobs;{k};EndpointSuffix=core.windows.net"\n',
    "azure-shared-access-key": 'conn = "Endpoint=sb://ns.servicebus.windows.net/;'
    'SharedAccessKeyName=RootManageSharedAccessKey;{k}"\n',
    "gitlab-session-cookie": "curl -b '{k}' https://gitlab.example.org/api/v4/user\n",
    "npm-legacy-auth-token": "//registry.npmjs.org/:{k}\n",
    "kubernetes-bootstrap-token": "# kubeadm\nkubeadm join 10.0.0.5:6443 --token {k} "
    "--discovery-token-unsafe-skip-ca-verification\n",
    "sonar-token-legacy": "sonar.projectKey=acme\nsonar.login={k}\n",
    "github-installation-token-jwt": 'curl -H "Authorization: token {k}" https://api.github.com/\n',
    "google-oauth-refresh-token": '{{"type": "authorized_user", "refresh_token": "{k}"}}\n',
    "flyio-macaroon-token": 'FLY_API_TOKEN="FlyV1 {k}"\n',
}


def ids(text: str) -> list[str]:
    return [f.rule_id for f in scan_text(text)]


def _var(rule_id: str) -> str:
    return CONTEXT_VARS.get(rule_id, RULES_BY_ID[rule_id].env_var)


@pytest.mark.parametrize("rule_id", NEW)
@pytest.mark.parametrize("form", range(len(TEMPLATES)))
def test_found_where_it_usually_stands(rule_id: str, form: int) -> None:
    key = fake_key(rule_id, 20 + form)
    template = LINES.get(rule_id, TEMPLATES[form])
    assert ids(template.format(v=_var(rule_id), k=key)) == [rule_id]


def _swap(key: str, i: int, char: str) -> str:
    return key[:i] + char + key[i + 1:]


# How each rule's key is broken into a near miss that is not that rule's key.
Mutation = Callable[[str], str]
NEAR_MISSES: dict[str, tuple[Mutation, ...]] = {
    "openai-project-key-2024": (lambda k: k.replace("T3Blbk" + "FJ", "T3Blbk" + "FK"),
                                lambda k: _swap(k, 10, "_")),
    "langsmith-legacy-key": (lambda k: k.replace("ls__", "ls_"), lambda k: k.upper().replace("LS__", "ls__")),
    "langfuse-secret-key": (lambda k: k.replace("sk-lf-", "pk-lf-"), lambda k: _swap(k, 10, "g")),
    "privateai-api-key": (lambda k: k.upper(), lambda k: k[:-2]),
    "google-oauth-client-secret": (lambda k: k.replace("GOCSPX-", "GOCSPY-"), lambda k: k[:-3]),
    "google-oauth-refresh-token": (lambda k: k.replace("1//0", "1/0"), lambda k: k[:40]),
    "google-oauth-access-token": (lambda k: k.replace("ya29.", "ya28."), lambda k: k[:40]),
    "aws-bedrock-api-key-long-lived": (lambda k: k.replace("ABSK", "ABSL"), lambda k: k[:60]),
    "aws-bedrock-api-key-short-lived": (lambda k: k.replace("bWF6b25h", "bWF6b25i"), lambda k: k[:90]),
    "azure-storage-account-key": (lambda k: k[:-2] + "A=",
                                  lambda k: k.replace("AccountKey=", "AccountKey=" + "x")),
    "azure-shared-access-key": (lambda k: k[:-1] + "A", lambda k: _swap(k, 30, "!")),
    "azure-identifiable-account-key": (lambda k: k.replace("+ASt", "+ASx"), lambda k: "A" + k),
    "azure-identifiable-sas-key": (lambda k: k[:37] + "Z" + k[38:], lambda k: k.replace("+ASb", "+ASc")),
    "azure-function-key": (lambda k: k.replace("AzFu", "AzFv"), lambda k: k[:-3] + "B=="),
    "azure-search-key": (lambda k: k[:46] + "E" + k[47:], lambda k: k.replace("AzSe", "AzSf")),
    "azure-container-registry-key": (lambda k: k[:46] + "E" + k[47:], lambda k: k[1:]),
    "azure-entra-client-secret": (lambda k: k.replace("8Q~", "8Q-"), lambda k: k[:30]),
    "azure-search-admin-key-legacy": (lambda k: k.lower() + "G", lambda k: _swap(k, 5, "G")),
    "alibaba-access-key-id": (lambda k: k.replace("LTAI", "LTAJ"), lambda k: k[:12]),
    "alibaba-access-key-secret": (lambda k: _swap(k, 12, "-"), lambda k: k + "Q"),
    "cloudflare-origin-ca-key": (lambda k: k.replace("v1.0-", "v2.0-"), lambda k: k.upper()),
    "cloudflare-api-token": (lambda k: _swap(k, 20, "."), lambda k: k[:-1]),
    "cloudflare-global-api-key": (lambda k: _swap(k, 20, "g"), lambda k: k[:-1]),
    "clickhouse-cloud-api-secret": (lambda k: k.replace("4b1d", "4b1e"), lambda k: k[:-1]),
    "confluent-api-secret": (lambda k: _swap(k, 30, "."), lambda k: k[:-1]),
    "defined-networking-api-token": (lambda k: k.replace("dnkey-", "dnkay-"),
                                     lambda k: k.upper().replace("DNKEY", "dnkey")),
    "fastly-api-token": (lambda k: _swap(k, 16, "."), lambda k: k + "Z"),
    "flyio-oauth-token": (lambda k: k.replace("fo1_", "fo2_"), lambda k: k[:-2]),
    "flyio-macaroon-token": (lambda k: k.replace("fm2_", "fm3_"), lambda k: k[:60]),
    "heroku-api-key-v2": (lambda k: k.replace("HRKU-AA", "HRKU-AB"), lambda k: k[:-1]),
    "heroku-api-key": (lambda k: k.replace("-", ""), lambda k: _swap(k, 3, "g")),
    "netlify-access-token": (lambda k: k.replace("nfp_", "nfq_"), lambda k: k[:30]),
    "netlify-access-token-legacy": (lambda k: _swap(k, 20, "."), lambda k: k[:-4]),
    "okta-api-token": (lambda k: "01" + k[2:], lambda k: k[:-1]),
    "openshift-user-token": (lambda k: k.replace("sha256~", "sha256:"), lambda k: k[:-1]),
    "authress-access-key": (lambda k: k.replace(".acc_", ".abc_"), lambda k: k.replace("sc_", "zz_")),
    "supabase-access-token": (lambda k: k.upper().replace("SBP_", "sbp_"), lambda k: k[:-1]),
    "kubernetes-bootstrap-token": (lambda k: k.replace(".", "-"), lambda k: k.upper()),
    "grafana-api-key": (lambda k: k.replace("eyJrIjoi", "eyJ4IjoiA"), lambda k: k[:40]),
    "grafana-cloud-token": (lambda k: k.replace("glc_", "glx_"), lambda k: k[:20]),
    "new-relic-user-api-key": (lambda k: k.replace("NRAK-", "NRXK-"),
                               lambda k: k.lower().replace("nrak-", "NRAK-")),
    "new-relic-insert-key": (lambda k: k.replace("NRII-", "NRIX-"), lambda k: k[:-1]),
    "datadog-api-key": (lambda k: k.upper(), lambda k: k[:-1]),
    "datadog-app-key": (lambda k: _swap(k, 9, "z"), lambda k: k + "a"),
    "sumologic-access-key": (lambda k: _swap(k, 30, "+"), lambda k: k[:-1]),
    "sentry-legacy-token": (lambda k: _swap(k, 30, "x"), lambda k: k[:-1]),
    "github-installation-token-jwt": (lambda k: k.replace("_eyJ", "_eyK", 1),
                                      lambda k: k.replace("ghs_", "ghx_")),
    "gitlab-routable-token": (lambda k: k.replace("glrt-", "glxt-"), lambda k: k[:-1] + "_"),
    "gitlab-runner-registered-token": (lambda k: k.replace("glrtr-", "glrtx-"), lambda k: k[:15]),
    "gitlab-runner-registration-token": (lambda k: k.replace("GR1348941", "GR1348942"), lambda k: k[:-1]),
    "gitlab-session-cookie": (lambda k: k.upper().replace("_GITLAB_SESSION", "_gitlab_session"),
                              lambda k: k[:-1]),
    "npm-legacy-auth-token": (lambda k: k.replace("-", ""), lambda k: k.replace("_authToken", "_auth")),
    "terraform-cloud-token": (lambda k: k.replace("atlasv1", "atlasv2"), lambda k: k[:60]),
    "vault-service-token": (lambda k: k.replace("hvs.", "hvx."), lambda k: k[:50]),
    "vault-batch-token": (lambda k: k.replace("hvb.", "hvx."), lambda k: k[:100]),
    "jfrog-api-key": (lambda k: k.replace("AKCp", "AKCq"), lambda k: k[:-1]),
    "jfrog-reference-token": (lambda k: k.replace("cmVmdGtu", "cmVmdGtv"), lambda k: k[:-1]),
    "onepassword-secret-key": (lambda k: k.replace("A3-", "A4-"), lambda k: k.lower().replace("a3-", "A3-")),
    "onepassword-service-account-token": (lambda k: k.replace("ops_", "opx_"), lambda k: k[:200]),
    "sonar-token": (lambda k: k.replace("sqp_", "sqx_"), lambda k: k.upper().replace("SQP_", "sqp_")),
    "sourcegraph-access-token": (lambda k: k.replace("sgp_", "sgx_"), lambda k: _swap(k, 30, "z")),
    "harness-api-key": (lambda k: k.replace("pat.", "pot."), lambda k: k.replace(".", "_")),
    "octopus-deploy-api-key": (lambda k: k.lower().replace("api-", "API-"), lambda k: k[:-1]),
    "scalingo-api-token": (lambda k: k.replace("tk-us-", "tk-xx-"), lambda k: k[:-1]),
    "settlemint-access-token": (lambda k: k.replace("sm_pat_", "sm_xat_"), lambda k: k[:-1]),
    "clojars-deploy-token": (lambda k: k.upper(), lambda k: k[:-1]),
    "prefect-api-key": (lambda k: k.replace("pnu_", "pnx_"), lambda k: k[:-1]),
    "planetscale-token": (lambda k: k.replace("pscale_tkn_", "pscale_tok_"), lambda k: k[:30]),
    "planetscale-password": (lambda k: k.replace("pscale_pw_", "pscale_pd_"), lambda k: _swap(k, 20, "!")),
    "readme-api-key": (lambda k: k.upper().replace("RDME_", "rdme_"), lambda k: k[:-1]),
    "infracost-api-key": (lambda k: k.replace("ico-", "icon-"), lambda k: k[:-1]),
    "nuget-api-key": (lambda k: k.replace("oy2", "oy3", 1), lambda k: _swap(k, 19, "b")),
    "dockerhub-access-token": (lambda k: k.replace("dckr_pat_", "dckr_pet_"), lambda k: k[:-4]),
    "sonar-token-legacy": (lambda k: k.upper(), lambda k: k[:-1]),
    "cloudflare-scannable-token": (lambda k: k[:-1] + ("0" if k[-1] != "0" else "1"),
                                   lambda k: k.replace("cfut_", "cfxt_")),
    "supabase-secret-key": (lambda k: k.replace("sb_secret_", "sb_publishable_"), lambda k: k[:20]),
    "render-api-key": (lambda k: k.replace("rnd_", "rng_"), lambda k: k[:20]),
    "vercel-token": (lambda k: k.replace("vcp_", "vcx_"), lambda k: k[:20]),
    "scaleway-secret-key": (lambda k: k.upper(), lambda k: k[:-1]),
    "hetzner-cloud-token": (lambda k: _swap(k, 30, "-"), lambda k: k[:-1]),
    "linode-token": (lambda k: _swap(k, 30, "z"), lambda k: k[:-1]),
    "vultr-api-key": (lambda k: k.lower(), lambda k: k[:-1]),
    "jina-api-key": (lambda k: k.replace("jina_", "jina-"), lambda k: _swap(k, 10, "z")),
    "modal-token-secret": (lambda k: k.replace("as-", "ak-"), lambda k: k[:-1]),
    "circleci-token": (lambda k: k.replace("CCIPAT_", "CCIPXT_"), lambda k: k[:-1]),
    "buildkite-api-token": (lambda k: k.replace("bkua_", "bkux_"),
                            lambda k: k.upper().replace("BKUA_", "bkua_")),
    "vault-legacy-token": (lambda k: k.replace("s.", "t.", 1), lambda k: k[:-1]),
    "snyk-api-token": (lambda k: k.upper(), lambda k: k[:-1]),
    "travis-api-token": (lambda k: _swap(k, 10, "."), lambda k: k[:-1]),
    "drone-token": (lambda k: _swap(k, 10, "-"), lambda k: k[:-1]),
    "codecov-token": (lambda k: k.replace("-", "_"), lambda k: k[:-1]),
    # a hex digest of the same length is no token
    "codecov-access-token": (lambda k: k.upper(), lambda k: "".join(
        "abcdef"[ord(c) % 6] if c > "f" else c for c in k)),
    "jfrog-identity-token": (lambda k: k[:-1], lambda k: "".join(
        "abcdef"[ord(c) % 6] if c > "f" else c for c in k)),
}


def test_every_new_rule_has_near_misses() -> None:
    assert sorted(NEAR_MISSES) == NEW


@pytest.mark.parametrize("rule_id", NEW)
def test_near_misses_are_not_its_key(rule_id: str) -> None:
    key = fake_key(rule_id, 30)
    template = LINES.get(rule_id, PY)
    assert ids(template.format(v=_var(rule_id), k=key)) == [rule_id]  # the unbroken key is found
    for mutate in NEAR_MISSES[rule_id]:
        bad = mutate(key)
        assert bad != key
        assert rule_id not in ids(template.format(v=_var(rule_id), k=bad)), bad[:12]


@pytest.mark.parametrize("rule_id", NEW)
def test_a_placeholder_in_its_shape_is_not_a_key(rule_id: str) -> None:
    key = fake_key(rule_id, 31)
    keep = next((i for i in range(len(key) - 1, -1, -1) if not key[i].isalnum()), -1) + 1
    keep = keep if 0 < keep < len(key) - 8 else min(8, len(key) // 4)
    masked = key[:keep] + "".join("x" if c.isalnum() else c for c in key[keep:])
    template = LINES.get(rule_id, PY)
    assert rule_id not in ids(template.format(v=_var(rule_id), k=masked))


def test_langfuse_public_key_is_not_a_finding() -> None:
    secret = fake_key("langfuse-secret-key", 1)
    public = secret.replace("sk-lf-", "pk-lf-")
    text = f'LANGFUSE_PUBLIC_KEY="{public}"\nLANGFUSE_SECRET_KEY="{secret}"\n'
    assert ids(text) == ["langfuse-secret-key"]


def test_azure_emulator_keys_are_not_findings() -> None:
    # Published by Microsoft for Azurite and the Cosmos DB emulator (assembled, not pasted).
    azurite = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsu" + "Fq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
    cosmos = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nD" + "uVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
    assert ids(f'c = "AccountName=devstoreaccount1;AccountKey={azurite};"\n') == []
    assert ids(f'c = "AccountEndpoint=https://localhost:8081/;AccountKey={cosmos}"\n') == []


def test_azure_identifiable_key_in_a_connection_string_is_reported_once() -> None:
    key = fake_key("azure-identifiable-account-key", 2)
    assert ids(f'c = "AccountName=a;AccountKey={key};EndpointSuffix=core.windows.net"\n') == [
        "azure-storage-account-key"]


def test_classic_installation_tokens_keep_their_rule() -> None:
    classic = fake_key("github-token", 3).replace("ghp_", "ghs_")
    assert ids(f'GITHUB_TOKEN = "{fake_key("github-installation-token-jwt", 3)}"\n') == [
        "github-installation-token-jwt"]
    assert ids(f'T = "{fake_key("github-token", 3)}"\n') == ["github-token"]
    assert classic != fake_key("github-token", 3)


def test_routable_and_plain_gitlab_tokens_keep_apart() -> None:
    routable = fake_key("gitlab-routable-token", 4)
    plain = fake_key("gitlab-other-token", 4)
    found = scan_text(f'A = "{routable}"\nB = "{plain}"\n')
    assert [(f.rule_id, f.secret) for f in found] == [
        ("gitlab-routable-token", routable), ("gitlab-other-token", plain)]


def test_2024_and_current_openai_project_keys_both_found() -> None:
    old, new = fake_key("openai-project-key-2024", 5), fake_key("openai-project-key", 5)
    assert ids(f'A = "{old}"\nB = "{new}"\n') == ["openai-project-key-2024", "openai-project-key"]


def _work(monkeypatch: pytest.MonkeyPatch, inputs: list[bytes]) -> list[int]:
    # The provider rules only: the meter charges an anchored match of an open-ended pattern
    # (the generic JWT rule at each `eyJ` after a dot) the whole rest of the buffer, which the
    # engine never reads; tests/scanner/detector_test.py measures the generic rules.
    return find_work(monkeypatch, inputs, [r for r in RULES if not r.generic])


# Rules whose first pass starts at a marker inside the token and walks back, or whose patterns
# are open-ended: a run of their own alphabet and markers must cost linear work.
LINEAR = ["azure-identifiable-account-key", "azure-identifiable-sas-key", "azure-function-key",
          "azure-search-key", "azure-container-registry-key", "azure-entra-client-secret",
          "terraform-cloud-token", "authress-access-key", "github-installation-token-jwt",
          "flyio-macaroon-token", "aws-bedrock-api-key-short-lived", "grafana-api-key",
          "gitlab-routable-token", "onepassword-service-account-token"]


@pytest.mark.parametrize("rule_id", LINEAR)
def test_a_run_of_its_own_alphabet_costs_linear_work(
    monkeypatch: pytest.MonkeyPatch, rule_id: str
) -> None:
    key = fake_key(rule_id, 6)
    rng = random.Random(rule_id)
    pieces = [key, key[: len(key) // 2], key[len(key) // 3:]]
    small = run_of(pieces, rng, 20_000)
    few, many = _work(monkeypatch, [small, small * 2])
    assert many <= 2.3 * few
