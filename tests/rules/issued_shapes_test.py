"""Shapes providers have issued that an older rule missed (issue 10 audit): each is reported
under its provider's rule, keys built at run time."""

from __future__ import annotations

import random
import string

import pytest

from keylint.rules import RULES
from keylint.scanner.engine import scan_text

_B62 = string.ascii_letters + string.digits
_B64URL = _B62 + "_-"
_HEX = "0123456789abcdef"
_MARK = "T3BlbkFJ"  # base64 of "OpenAI", in every OpenAI key


def _s(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randrange(10 ** (n - 1), 10 ** n))


_SHAPES = {
    "openai sk-None- user key": (
        "openai-legacy-user-key",
        lambda r: "sk-None-" + _s(r, _B62, 20) + _MARK + _s(r, _B62, 20)),
    "openai short service-account key": (
        "openai-service-account-key",
        lambda r: "sk-svcacct-" + _s(r, _B62, 20) + _MARK + _s(r, _B62, 20)),
    "anthropic Claude Code OAuth token": (
        "anthropic-oauth-token",
        lambda r: "sk-ant-oat01-" + _s(r, _B64URL, 93) + "AA"),
    "slack xoxc- browser token": (
        "slack-legacy-token",
        lambda r: f"xoxc-{_digits(r, 12)}-{_digits(r, 12)}-{_digits(r, 13)}-" + _s(r, _HEX, 64)),
    "gitlab glwt- workspace token": (
        "gitlab-other-token",
        lambda r: "glwt-" + _s(r, _B62, 24)),
}


@pytest.mark.parametrize("shape", list(_SHAPES))
@pytest.mark.parametrize("seed", range(3))
def test_an_issued_shape_is_found_under_its_provider(shape: str, seed: int) -> None:
    rule_id, build = _SHAPES[shape]
    key = build(random.Random(f"{shape}:{seed}"))
    for text in (f'x = "{key}"\n', f"{rule_id.upper().replace('-', '_')}={key}\n"):
        findings = scan_text(text, "app.py")
        assert [f.rule_id for f in findings] == [rule_id], text
        assert findings[0].secret == key


def test_claude_code_oauth_token_is_moved_to_its_own_env_var() -> None:
    key = _SHAPES["anthropic Claude Code OAuth token"][1](random.Random(7))
    [finding] = scan_text(f"CLAUDE_CODE_OAUTH_TOKEN={key}\n", ".env")
    assert finding.rule_id == "anthropic-oauth-token"
    rule = next(r for r in RULES if r.id == finding.rule_id)
    assert rule.env_var == "CLAUDE_CODE_OAUTH_TOKEN"


@pytest.mark.parametrize("text", [
    "sk-None-" + "abcdefghij" * 2 + _MARK,  # no tail
    "xoxc-123-456-789-" + "f" * 64,  # numeric parts too short
    "glwt-short",
])
def test_a_truncated_shape_is_nothing(text: str) -> None:
    assert scan_text(f'x = "{text}"\n', "app.py") == []
