"""A JWT wrapped in base64 (gitleaks' `jwt-base64`, issue 10 audit). Keys built at run time."""

from __future__ import annotations

import base64
import random
import string

import pytest

from keylint.scanner.engine import scan_text
from tests.fakes import fake_key


def rule_ids(text: str, path: str = "app.py") -> list[str]:
    return [f.rule_id for f in scan_text(text, path)]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("seed", range(3))
def test_a_base64_wrapped_jwt_is_found(seed: int) -> None:
    wrapped = _b64(fake_key("jwt", seed))
    assert wrapped.startswith("ZXlK")
    assert rule_ids(f"token = '{wrapped}'\n") == ["jwt-base64"]
    assert rule_ids(f"SERVICE_JWT={wrapped}\n", ".env") == ["jwt-base64"]


def test_base64_that_is_no_jwt_is_nothing() -> None:
    rng = random.Random(5)
    noise = "ZXlK" + "".join(rng.choice(string.ascii_letters) for _ in range(80))
    assert rule_ids(f"x = '{noise}'\n") == []
    # `eyJ` followed by something that is no JWT, wrapped
    assert rule_ids(f"x = '{_b64('eyJ' + 'not a token at all, only prose. ' * 3)}'\n") == []


def test_a_jwt_in_a_kubernetes_secret_is_reported_once() -> None:
    wrapped = _b64(fake_key("jwt", 9))
    secret = (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\n"
              f"data:\n  TOKEN: {wrapped}\n")
    assert rule_ids(secret, "secret.yaml") == ["jwt"]
