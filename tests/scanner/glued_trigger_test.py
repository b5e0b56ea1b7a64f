"""A trigger glued to the text before it must not hide a trigger inside it (issue 10 audit):
`NEXTAUTH_SECRET=` first matched as `AUTH_SECRET=`, which fails its left boundary (a letter
before `auth`), and the `SECRET=` inside it was never looked at."""

from __future__ import annotations

import random
import string

import pytest

from keylint.scanner.engine import scan_text
from tests.scanner.meter import find_work

_ALNUM = string.ascii_letters + string.digits


def _token(rng: random.Random, n: int = 40) -> str:
    return "".join(rng.choice(_ALNUM) for _ in range(n))


def _password(rng: random.Random) -> str:
    return "Kq" + _token(rng, 8) + "!" + _token(rng, 4)


@pytest.mark.parametrize("line", [
    "NEXTAUTH_SECRET={tok}",  # NextAuth.js's standard setting
    "OAUTH_SECRET={tok}",
    "GITHUB_OAUTH_SECRET={tok}",
    "GOOGLE_OAUTH_SECRET='{pw}'",
    'config.oauth_secret = "{pw}"',
    "OAUTH_TOKEN={tok}",
    "oauth_token = '{tok}'",
    "TWITTER_OAUTH_TOKEN={tok}",
    "NEXTAUTH_SECRET={pw}",
])
def test_a_credential_name_with_auth_glued_to_a_letter_is_found(line: str) -> None:
    rng = random.Random(line)
    text = line.format(tok=_token(rng), pw=_password(rng)) + "\n"
    assert len(scan_text(text, "app.env")) == 1


@pytest.mark.parametrize("line", [
    "NEXTAUTH_URL=https://app.acme-corp.io",
    "OAUTH_TOKEN=changeme",
    "NEXTAUTH_SECRET=${NEXTAUTH_SECRET}",
])
def test_a_glued_name_without_a_credential_value_is_nothing(line: str) -> None:
    assert scan_text(line + "\n", "app.env") == []


def _glued_runs(n: int) -> bytes:
    """Triggers that fail their left boundary, each over others: glued credential names, runs of
    `aeyJ` (every `eyJ` after a letter) and long upper-case names glued to `PASSWORD`."""
    rng = random.Random(n)
    rows = []
    for i in range(n):
        rows.append(f"XNEXTAUTH_SECRETX{i}=1 GOAUTH_TOKENS: a")
        rows.append("aeyJ" * 40)
        rows.append("QWERTYUIOPASDFGHJ" * 3 + "PASSWORD=" + _token(rng, 6))
        rows.append("xauth_token" * 20 + "=" + _token(rng, 12))
    return ("\n".join(rows) + "\n").encode()


def test_looking_inside_a_glued_trigger_costs_linear_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = find_work(monkeypatch, [_glued_runs(n) for n in (100, 200)])
    assert large <= 2.3 * small


def test_a_long_run_of_glued_triggers_costs_linear_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # One line: the look inside each trigger must not chain along the whole run.
    small, large = find_work(monkeypatch, [b"aeyJ" * n + b"\n" for n in (2_000, 4_000)])
    assert large <= 2.3 * small


def test_the_prefiltered_pass_looks_inside_a_glued_trigger_too() -> None:
    # Large scans use the hyperscan prefilter's spans for the first pass: same findings.
    from keylint.rules import RULES
    from keylint.scanner.detector import Detector

    det = Detector(RULES)
    if not det.accelerate():
        pytest.skip("hyperscan is not installed")
    rng = random.Random(11)
    text = f"NEXTAUTH_SECRET={_token(rng)}\nconfig.oauth_secret = '{_password(rng)}'\n"
    assert [m.rule.id for m in det.find(text.encode())] == [
        "password-assignment", "password-assignment"]
