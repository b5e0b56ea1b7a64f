"""Detector defects met on real inputs (issue 10, item 6): each test failed before its fix."""

from __future__ import annotations

import base64
import random
import textwrap

import pytest

from keylint.rules import RULES, checks
from keylint.scanner import detector
from keylint.scanner.detector import Detector
from keylint.scanner.engine import scan_text
from tests.fakes import fake_key
from tests.scanner.meter import find_work, metered


def found(text: str, path: str = "app.js") -> list[tuple[str, int]]:
    return [(f.rule_id, f.line) for f in scan_text(text, path)]


def pem_lines(kind: str, size: int, seed: int = 1) -> list[str]:
    """A private key block of `size` random bytes, as lines (a fake: random base64 body)."""
    rng = random.Random(seed)
    body = base64.b64encode(bytes(rng.randrange(256) for _ in range(size))).decode()
    return [f"-----BEGIN {kind}-----", *textwrap.wrap(body, 64), f"-----END {kind}-----"]


# ---------------------------------------------------------------- a password match over a PEM


@pytest.mark.parametrize("name", ["KEY", "SECRET", "PASSWORD", "client_secret"])
def test_a_private_key_is_found_whatever_the_variable_is_named(name: str) -> None:
    # `SECRET = `-----BEGIN ...`` is password-shaped: the rejected password match used to hide
    # the key's header from the provider rules.
    block = "\n".join(pem_lines("OPENSSH PRIVATE KEY", 300))
    assert found(f"var {name} = `{block}`;\n") == [("private-key", 1)]


def test_a_password_shaped_header_without_a_key_body_is_nothing() -> None:
    assert found("var SECRET = `-----BEGIN OPENSSH PRIVATE KEY-----`;\n") == []


# ---------------------------------------------------------------- PEM inside string literals


_ESCAPES = {
    "\\n": "\\n",
    "\\\\n (escaped twice)": "\\\\n",
    "\\r\\n": "\\r\\n",
    "\\\\r\\\\n": "\\\\r\\\\n",
}


@pytest.mark.parametrize("kind,size", [
    ("PRIVATE KEY", 48),  # Ed25519 PKCS#8: one 64-character line
    ("EC PRIVATE KEY", 121),
    ("RSA PRIVATE KEY", 1190),
])
@pytest.mark.parametrize("escape", list(_ESCAPES), ids=list(_ESCAPES))
@pytest.mark.parametrize("json_slash", [False, True], ids=["", "slash escaped"])
def test_a_private_key_in_a_string_literal_with_escaped_newlines(
    kind: str, size: int, escape: str, json_slash: bool
) -> None:
    text = _ESCAPES[escape].join(pem_lines(kind, size, seed=size))
    if json_slash:
        text = text.replace("/", "\\/")
    assert found('{"private_key": "' + text + '"}\n', "sa.json") == [("private-key", 1)]


def test_a_private_key_with_mixed_escapes_and_concatenated_lines() -> None:
    lines = pem_lines("EC PRIVATE KEY", 121, seed=4)
    mixed = lines[0] + "\\r\\n" + lines[1] + "\\\\n" + "\\n".join(lines[2:])
    assert found(f'KEY = "{mixed}"\n', "k.py") == [("private-key", 1)]
    short = pem_lines("PRIVATE KEY", 48, seed=5)
    java = (f'String key = "{short[0]}\\n" +\n    "{short[1]}\\n" +\n'
            f'    "{short[2]}";\n')
    assert found(java, "K.java") == [("private-key", 1)]


@pytest.mark.parametrize("body", ["\\n...\\n", "\\n<your key here>\\n", "\\nMIIEvQ\\n"])
def test_a_templated_or_truncated_key_in_a_string_is_not_a_key(body: str) -> None:
    text = "-----BEGIN PRIVATE KEY-----" + body + "-----END PRIVATE KEY-----"
    assert found(f'KEY = "{text}"\n', "k.py") == []


# ---------------------------------------------------------------- query strings


def test_a_query_string_value_ends_at_the_ampersand() -> None:
    secret = fake_key("password-assignment", 4)
    github = fake_key("github-token", 4)
    url = f"https://auth.internal/token?client_secret={secret}&refresh_token={github}&x=1"
    findings = scan_text(f'url = "{url}"\n', "a.py")
    assert [(f.rule_id, f.secret) for f in findings] == [
        ("password-assignment", secret), ("github-token", github)]


def test_an_ampersand_inside_a_password_is_part_of_it() -> None:
    secret = "Kq8&" + fake_key("password-assignment", 5)
    assert [f.secret for f in scan_text(f"password: {secret}\n", "c.yaml")] == [secret]


# ---------------------------------------------------------------- context three lines away


def _azure_client(gap: int, key: str) -> str:
    filler = "".join(f'    option_{i}="v{i}",\n' for i in range(gap))
    return ("client = AzureOpenAI(\n    azure_endpoint=\"https://res1.openai.azure.com/\",\n"
            f"{filler}    api_key=\"{key}\",\n)\n")


def test_an_azure_key_three_lines_below_its_endpoint_is_found() -> None:
    key = fake_key("azure-openai-key", 6)
    assert found(_azure_client(2, key), "c.py") == [("azure-openai-key", 5)]


def test_an_azure_key_three_lines_above_its_api_type_is_found() -> None:
    key = fake_key("azure-openai-key", 7)
    text = (f'openai.api_key = "{key}"\nopenai.api_version = "2024-02-01"\n'
            'openai.api_base = "https://res1.openai.azure.com/"\nopenai.api_type = "azure"\n')
    assert found(text, "c.py") == [("azure-openai-key", 1)]


def test_a_bare_shape_four_lines_from_its_provider_has_no_context() -> None:
    key = fake_key("azure-openai-key", 8)
    assert "azure-openai-key" not in [rule for rule, _ in found(_azure_client(3, key), "c.py")]


def _config_lines(lines: int) -> bytes:
    """A config naming its provider on every line, each beside a key-shaped value."""
    rng = random.Random(lines)
    rows = [f'azure_{i} = "{"".join(rng.choice("0123456789abcdef") for _ in range(31))}"'
            for i in range(lines)]
    return ("\n".join(rows) + "\n").encode()


def test_wider_context_costs_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    det = Detector(RULES)
    meter = metered(monkeypatch, det, detector, checks)
    works = []
    for n in (2_000, 4_000):
        meter.work = 0
        meter.run(det.find, meter.wrap(_config_lines(n)))
        works.append(meter.work)
    assert works[1] <= 2.3 * works[0]




def _rejected_generic_shapes(entries: int) -> bytes:
    """Credential names whose values every generic rule rejects: too long for a credential
    (the trigger is looked at again), and hex under a password name (the other generic rules
    are tried at the same place and inside the name)."""
    rng = random.Random(entries)
    rows = []
    for i in range(entries):
        long_value = "".join(rng.choice("ABCDEFabcdef0123456789") for _ in range(250))
        rows.append(f'"token_{i}": "{long_value}", "secret_token": "{"ab" * 20}",')
    return ("{" + " ".join(rows) + "}\n").encode()


def test_looking_again_after_a_rejected_generic_shape_costs_linear_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = find_work(monkeypatch, [_rejected_generic_shapes(n) for n in (200, 400)])
    assert large <= 2.3 * small


def test_a_jwt_under_a_credential_name_is_a_jwt() -> None:
    key = fake_key("jwt", 40)
    assert found(f'{{"token": "{key}"}}\n', "c.json") == [("jwt", 1)]


# ---------------------------------------------------------------- a provider named in a name/value entry


@pytest.mark.parametrize(("rule_id", "name"), [
    ("twilio-api-key-secret", "TWILIO_API_SECRET"),
    ("twilio-auth-token", "TWILIO_AUTH_TOKEN"),
])
def test_a_bare_key_in_a_name_value_entry_takes_the_provider_its_name_gives(
        rule_id: str, name: str) -> None:
    # Kubernetes / ECS env entries put the name on one line and the value on the next. The
    # password trigger `name: ...SECRET ... value:` ran over the provider word in the name, so
    # the key was reported as a generic password instead of the provider's key.
    key = fake_key(rule_id, 3)
    k8s = ("      containers:\n        - name: api\n          env:\n"
           f"            - name: {name}\n              value: {key}\n")
    assert found(k8s, "deploy.yaml") == [(rule_id, 5)]
    ecs = f'[{{"name": "{name}",\n  "value": "{key}"}}]\n'
    assert found(ecs, "task.json") == [(rule_id, 2)]
