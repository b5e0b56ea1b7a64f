"""BREADTH.md entries that had neither a rule nor a README line (issue 10 audit): JFrog identity
tokens and Codecov access tokens, random lower-case tokens near their provider's name. Keys built
at run time."""

from __future__ import annotations

import random

import pytest

from keylint.scanner.engine import scan_text
from tests.fakes import fake_key


def rule_ids(text: str, path: str = "app.py") -> list[str]:
    return [f.rule_id for f in scan_text(text, path)]


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


@pytest.mark.parametrize("line", [
    "ARTIFACTORY_IDENTITY_TOKEN={k}",
    "jfrog_token: {k}",
    "jf config add --url https://acme.jfrog.io --access-token {k}",
])
def test_a_jfrog_identity_token_near_jfrog_is_found(line: str) -> None:
    key = fake_key("jfrog-identity-token", len(line))
    assert rule_ids(line.format(k=key) + "\n", "ci.sh") == ["jfrog-identity-token"]


def test_a_digest_near_artifactory_is_no_jfrog_token() -> None:
    digest = _hex(random.Random(3), 64)
    assert rule_ids(f"ARTIFACTORY_CHECKSUM={digest}\n", ".env") == []
    assert rule_ids(f"artifactory upload {digest}\n", "ci.sh") == []


def test_a_codecov_access_token_near_codecov_is_found() -> None:
    key = fake_key("codecov-access-token", 4)
    assert rule_ids(f"CODECOV_API_TOKEN={key}\n", ".env") == ["codecov-access-token"]
    assert rule_ids(f"codecov:\n  token: {key}\n", "codecov.yml") == ["codecov-access-token"]


def test_a_hex_value_near_codecov_is_no_access_token() -> None:
    assert rule_ids(f"codecov commit {_hex(random.Random(8), 32)}\n", "ci.sh") == []
