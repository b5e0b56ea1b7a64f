"""Masking of what keylint prints besides findings: keys glued into file names and arguments."""

from __future__ import annotations

import pytest

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


def test_masking_found_secrets_does_not_grow_with_how_many_were_found(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of found keys share `sk-proj-`: a text is checked against the few whose end
    it holds, not against every key of the provider."""
    from keylint import masking

    class Counting(dict[str, set[str]]):
        tried = 0

        def get(self, key: str, default: object = None) -> set[str]:  # type: ignore[override]
            found = super().get(key, set())
            Counting.tried += len(found)
            return found

    def tried(n: int) -> int:
        monkeypatch.setattr(masking, "_FOUND", Counting())
        keys = [fake_key("openai-project-key", seed) for seed in range(n)]
        for key in keys:
            masking.remember_found(key)
        Counting.tried = 0
        text = " ".join(f"dir/{key}.py" for key in keys[:20])
        assert not any(key in masking.redact_text(text) for key in keys[:20])
        return Counting.tried

    assert tried(400) == tried(100)


def test_a_masked_secret_shows_no_control_character() -> None:
    """A password may start with `ESC c` (a terminal reset): what a finding shows is escaped."""
    from keylint.scanner.finding import Finding

    def shown(secret: str) -> str:
        return Finding("a.py", 1, 1, 1, 2, "password-assignment", "generic", "Secret Keyword",
                       secret).masked

    assert shown("\x1bcQz7vLm2Rt8Wxq9") == "\\x1bcQ***...q9"
    assert shown("Qz7vLm2Rt8Wxq9P\x07") == "Qz7***...P\\x07"
