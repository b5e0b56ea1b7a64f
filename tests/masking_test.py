"""Masking of what keylint prints besides findings: keys glued into file names and arguments."""

from __future__ import annotations

import random
import string
import threading
from collections import OrderedDict

import pytest

from keylint import masking
from keylint.masking import mask, redact_text, shown_path
from tests.fakes import fake_key


@pytest.mark.parametrize("shape", (
    "{k}", "{k}.py", "dir/{k}", "backup-{k}.py", "old_{k}", "{k}-old", "{k}_2.env",
    "v1.{k}.txt", "--baseline={k}", "missing-{k}: no such file", "a b {k}",
))
@pytest.mark.parametrize("rule", ("github-token", "openai-project-key", "anthropic-api-key",
                                  "aws-access-key-id", "stripe-secret-key"))
def test_a_key_glued_into_a_name_is_masked(shape: str, rule: str) -> None:
    key = fake_key(rule, 11)
    shown = shown_path(shape.format(k=key))
    assert key not in shown
    assert shown == shape.format(k=mask(key))


@pytest.mark.parametrize("name", (
    "src/my-module_name/some-file-name_here.py",
    "tests/fixtures/very_long_file_name_without_any_key_in_it.json",
    "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z-0-1-2-3-4-5-6-7-8-9.txt",
))
def test_ordinary_names_are_unchanged(name: str) -> None:
    assert shown_path(name) == name


def test_control_characters_are_escaped() -> None:
    assert shown_path("a\nb\x1b[31m\x7f") == "a\\nb\\x1b[31m\\x7f"


def test_a_word_full_of_separators_stays_bounded() -> None:
    key = fake_key("github-token", 12)
    text = "-".join("ab" for _ in range(1300)) + "-" + key + "-" + "-".join("cd" for _ in range(9))
    assert key not in redact_text(text)
    assert redact_text(text).count("***...") == 1


def test_a_very_long_word_gets_the_plain_pass_only() -> None:
    key = fake_key("github-token", 13)
    assert key not in redact_text("x" * 5000 + " " + key)


def _passwords(n: int, prefix: str = "Pw!shared-") -> list[str]:
    """Secrets the rules do not know alone (a password is one only after its name), sharing a
    prefix as keys of one provider do; built now from a seeded generator."""
    rng = random.Random(n)
    alphabet = string.ascii_letters + string.digits
    return [prefix + "".join(rng.choice(alphabet) for _ in range(14)) for _ in range(n)]


@pytest.fixture
def found(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty memory of found secrets for the test (the process's own is left as it was)."""
    monkeypatch.setattr(masking, "_FOUND", {})
    monkeypatch.setattr(masking, "_FOUND_ORDER", OrderedDict())


def test_masking_found_secrets_does_not_grow_with_how_many_were_found(
        monkeypatch: pytest.MonkeyPatch, found: None) -> None:
    """Thousands of found secrets share a prefix (`sk-proj-`): a text is checked against the few
    whose end it holds, not against every one."""

    class Counting(dict[str, tuple[str, ...]]):
        tried = 0

        def get(self, key: str, default: object = None) -> tuple[str, ...]:  # type: ignore[override]
            found = super().get(key, ())
            Counting.tried += len(found)
            return found

    def tried(n: int) -> int:
        monkeypatch.setattr(masking, "_FOUND", Counting())
        monkeypatch.setattr(masking, "_FOUND_ORDER", OrderedDict())
        secrets = _passwords(n)
        for secret in secrets:
            masking.remember_found(secret)
        Counting.tried = 0
        text = " ".join(f"dir/{secret}.py" for secret in secrets[:20])
        shown = masking.redact_text(text)
        assert not any(secret in shown for secret in secrets[:20])
        return Counting.tried

    assert tried(400) == tried(100) == 20


def test_found_secrets_are_kept_up_to_a_bound(found: None) -> None:
    """A process that scans for as long as it runs keeps only the most recently found."""
    limit = masking._FOUND_LIMIT
    secrets = _passwords(limit + 100)
    for secret in secrets[:limit]:
        masking.remember_found(secret)
    masking.remember_found(secrets[0])  # found again: the most recent now
    for secret in secrets[limit:]:
        masking.remember_found(secret)
    kept = [s for bucket in masking._FOUND.values() for s in bucket]
    assert len(kept) == len(masking._FOUND_ORDER) == limit
    assert set(kept) == set(masking._FOUND_ORDER)
    for secret in (secrets[0], secrets[101], secrets[-1]):
        assert secret not in masking.redact_text(f"dir/{secret}.py")
    for secret in secrets[1:101]:  # the least recently found: forgotten
        assert masking.redact_text(f"dir/{secret}.py") == f"dir/{secret}.py"


def test_forget_found_drops_one_secret_or_all(found: None) -> None:
    one, two = _passwords(2)
    for secret in (one, two):
        masking.remember_found(secret)
    assert one not in masking.redact_text(f"dir/{one}.py")
    masking.forget_found(one)
    assert masking.redact_text(f"dir/{one}.py") == f"dir/{one}.py"
    assert two not in masking.redact_text(f"dir/{two}.py")
    masking.forget_found()
    assert masking.redact_text(f"dir/{two}.py") == f"dir/{two}.py"
    assert not masking._FOUND and not masking._FOUND_ORDER
    key = fake_key("openai-project-key", 14)  # a key the rules know alone: still masked
    assert key not in masking.redact_text(f"dir/{key}.py")


def test_threads_finding_and_showing_at_once_keep_the_bound(
        monkeypatch: pytest.MonkeyPatch, found: None) -> None:
    monkeypatch.setattr(masking, "_FOUND_LIMIT", 500)
    errors: list[BaseException] = []

    def remember(prefix: str) -> None:
        try:
            for secret in _passwords(2000, prefix):
                masking.remember_found(secret)
                masking.redact_text(f"x/{secret}.py")
        except BaseException as exc:  # pragma: no cover (the failure this test looks for)
            errors.append(exc)

    threads = [threading.Thread(target=remember, args=(f"Pw!t{i}-",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    kept = [s for bucket in masking._FOUND.values() for s in bucket]
    assert len(kept) == len(masking._FOUND_ORDER) == 500
    assert set(kept) == set(masking._FOUND_ORDER)


def test_a_masked_secret_shows_no_control_character() -> None:
    """A password may start with `ESC c` (a terminal reset): what a finding shows is escaped."""
    from keylint.scanner.finding import Finding

    def shown(secret: str) -> str:
        return Finding("a.py", 1, 1, 1, 2, "password-assignment", "generic", "Secret Keyword",
                       secret).masked

    assert shown("\x1bcQz7vLm2Rt8Wxq9") == "\\x1bcQ***...q9"
    assert shown("Qz7vLm2Rt8Wxq9P\x07") == "Qz7***...P\\x07"
