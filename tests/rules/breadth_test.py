"""Rules added for issue 10's breadth checklist: realistic hits and near misses per family.

The table-driven tests in tests/scanner/detector_test.py already give every rule a generated
positive, one-char-short/too-long and placeholder negatives; these add each family's own traps
(wrong alphabet, wrong checksum, wrong structure) and the files such keys are usually found in.
"""

from __future__ import annotations

import pytest

from keylint.scanner.engine import scan_text
from tests.fakes import fake_key


def ids(text: str) -> list[str]:
    return [f.rule_id for f in scan_text(text)]


def _swap_case(key: str, start: int) -> str:
    return key[:start] + key[start:].swapcase()


@pytest.mark.parametrize(("rule_id", "template"), [
    pytest.param("dynatrace-api-token", 'DT_API_TOKEN={k}\n', id="dynatrace .env"),
    pytest.param("dynatrace-api-token", '  apiToken: "{k}"\n', id="dynatrace yaml"),
    pytest.param("doppler-token", 'export DOPPLER_TOKEN="{k}"\n', id="doppler shell"),
    pytest.param("sentry-user-token", "SENTRY_AUTH_TOKEN={k}\n", id="sentry user .env"),
    pytest.param("sentry-org-token", "      SENTRY_AUTH_TOKEN: {k}\n", id="sentry org CI yaml"),
    pytest.param("age-secret-key", "# created: 2024-01-01T00:00:00Z\n{k}\n", id="age keys.txt"),
    pytest.param("pulumi-access-token", "  PULUMI_ACCESS_TOKEN: {k}\n", id="pulumi CI yaml"),
    pytest.param("grafana-service-account-token", 'provider "grafana" {{\n  auth = "{k}"\n}}\n',
                 id="grafana terraform"),
    pytest.param("square-access-token", "SQUARE_ACCESS_TOKEN={k}\n", id="square .env"),
    pytest.param("shippo-api-token", 'shippo_sdk = shippo.Shippo(api_key_header="{k}")\n',
                 id="shippo python"),
    pytest.param("duffel-access-token", "Authorization: Bearer {k}\n", id="duffel header"),
    pytest.param("square-application-secret", '{{"client_secret": "{k}"}}\n', id="square json"),
    pytest.param("postman-api-key", 'curl -H "X-API-Key: {k}" https://api.getpostman.com/me\n',
                 id="postman curl"),
    pytest.param("rubygems-api-key", "---\n:rubygems_api_key: {k}\n", id="rubygems credentials"),
    pytest.param("linear-api-key", "const linear = new LinearClient({{ apiKey: '{k}' }});\n",
                 id="linear js"),
])
def test_found_in_its_usual_file(rule_id: str, template: str) -> None:
    assert ids(template.format(k=fake_key(rule_id, 11))) == [rule_id]


@pytest.mark.parametrize(("rule_id", "mutate"), [
    pytest.param("dynatrace-api-token", lambda k: _swap_case(k, 7), id="dynatrace lower case"),
    pytest.param("dynatrace-api-token", lambda k: k.replace(".", "_"), id="dynatrace no dots"),
    pytest.param("doppler-token", lambda k: k.replace("dp.st.", "dp.xx."), id="doppler unknown kind"),
    pytest.param("doppler-token", lambda k: k[:20] + "+" + k[21:], id="doppler wrong alphabet"),
    pytest.param("sentry-user-token", lambda k: k.upper().replace("SNTRYU_", "sntryu_"),
                 id="sentry user upper hex"),
    pytest.param("sentry-org-token", lambda k: "sntrys_eyJ" + k[12:], id="sentry org facts not json"),
    pytest.param("age-secret-key", lambda k: k[:-1] + ("Q" if k[-1] != "Q" else "P"),
                 id="age wrong checksum"),
    pytest.param("age-secret-key", lambda k: k[:20] + "B" + k[21:], id="age not bech32 (B)"),
    pytest.param("age-secret-key", lambda k: k.replace("SECRET-KEY", "PUBLIC-KEY"), id="age other hrp"),
    pytest.param("grafana-service-account-token", lambda k: k[:-8] + k[-8:].upper() + "Z",
                 id="grafana suffix not hex"),
    pytest.param("grafana-service-account-token", lambda k: k.replace("_", "-"), id="grafana dashes"),
    pytest.param("square-access-token", lambda k: k[:15] + "+" + k[16:], id="square wrong alphabet"),
    pytest.param("square-application-secret", lambda k: k.replace("sq0csp-", "sq0xxx-"),
                 id="square unknown kind"),
    pytest.param("shippo-api-token", lambda k: k.replace("shippo_live_", "shippo_prod_"),
                 id="shippo unknown mode"),
    pytest.param("shippo-api-token", lambda k: k[:20] + "G" + k[21:], id="shippo not hex"),
    pytest.param("duffel-access-token", lambda k: k[:20] + "." + k[21:], id="duffel wrong alphabet"),
    pytest.param("pulumi-access-token", lambda k: k.upper().replace("PUL-", "pul-"),
                 id="pulumi upper hex"),
    pytest.param("postman-api-key", lambda k: k.replace("-", "_"), id="postman underscores"),
    pytest.param("postman-api-key", lambda k: k[:10] + "g" + k[11:], id="postman not hex"),
    pytest.param("rubygems-api-key", lambda k: k[:20] + "Z" + k[21:], id="rubygems not hex"),
    pytest.param("linear-api-key", lambda k: k[:20] + "-" + k[21:], id="linear wrong alphabet"),
])
def test_near_miss_is_not_a_key(rule_id: str, mutate) -> None:
    key = fake_key(rule_id, 12)
    bad = mutate(key)
    assert bad != key
    assert rule_id not in ids(f'TOKEN = "{bad}"\n')


@pytest.mark.parametrize("text", [
    pytest.param('DT_API_TOKEN = "dt0c01.XXXXXXXXXXXXXXXXXXXXXXXX.' + "X" * 64 + '"', id="dynatrace xs"),
    pytest.param('DOPPLER_TOKEN = "dp.pt.' + "x" * 43 + '"', id="doppler xs"),
    pytest.param('SENTRY_AUTH_TOKEN = "sntryu_' + "0" * 64 + '"', id="sentry zeros"),
    pytest.param("token: sntryu_<your-token>", id="sentry angle placeholder"),
    pytest.param("rubygems_version: 3.5.11", id="rubygems metadata key"),
    pytest.param('PULUMI_ACCESS_TOKEN = "pul-' + "0" * 40 + '"', id="pulumi zeros"),
    pytest.param('LINEAR_API_KEY = "lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"', id="linear xs"),
    pytest.param("Get it from https://docs.doppler.com/docs/service-tokens (dp.st.)", id="prefix in prose"),
])
def test_placeholders_are_not_keys(text: str) -> None:
    assert ids(text) == []


def test_doppler_service_token_with_and_without_environment_slug() -> None:
    key = fake_key("doppler-token", 13)
    assert ids(f'DOPPLER_TOKEN="{key}"') == ["doppler-token"]
    bare = key.replace("dp.st.prd.", "dp.st.")
    assert ids(f'DOPPLER_TOKEN="{bare}"') == ["doppler-token"]
    assert ids(f'DOPPLER_TOKEN="{bare.replace("dp.st.", "dp.pt.")}"') == ["doppler-token"]
