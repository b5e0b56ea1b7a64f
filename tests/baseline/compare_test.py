"""Matching findings to entries: by the secret's hash, or by a detect-secrets piece of its line."""

from __future__ import annotations

import hashlib

from keylint.baseline.compare import LineReader, compare, overlap_hashes
from keylint.baseline.model import Baseline, Entry
from keylint.scanner.engine import scan_text
from keylint.scanner.finding import Finding
from tests.baseline.helpers import line
from tests.fakes import fake_key


def h(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def scan(files: dict[str, str]) -> tuple[list[Finding], LineReader]:
    findings = [f for name, text in files.items() for f in scan_text(text, name)]

    def read_line(path: str, n: int) -> str | None:
        lines = files[path].split("\n")
        return lines[n - 1] if 0 < n <= len(lines) else None

    return findings, read_line


def test_same_file_same_hash_matches_whatever_the_type() -> None:
    files = {"app.py": line("openai-project-key", 1)}
    findings, reader = scan(files)
    b = Baseline(entries=(Entry("app.py", "Base64 High Entropy String",
                                findings[0].hashed_secret, 1, False),))
    assert compare(findings, b, reader).new == []


def test_another_file_or_another_secret_is_new() -> None:
    files = {"app.py": line("openai-project-key", 1), "b.py": line("openai-project-key", 2)}
    findings, reader = scan(files)
    b = Baseline(entries=(Entry("b.py", "OpenAI Project Key", findings[0].hashed_secret, 1),))
    assert [f.path for f in compare(findings, b, reader).new] == ["app.py", "b.py"]


def test_github_token_recorded_by_detect_secrets_as_its_prefix() -> None:
    # detect-secrets' GitHubTokenDetector has a capture group: it hashes "ghp" only.
    files = {"app.py": line("github-token", 1)}
    findings, reader = scan(files)
    assert findings[0].secret.startswith("ghp_")
    b = Baseline(entries=(Entry("app.py", "GitHub Token", h("ghp"), 1, False),))
    cmp = compare(findings, b, reader)
    assert cmp.new == []
    assert cmp.claims[b.entries[0].key] == findings


def test_a_prefix_entry_covers_one_token_only() -> None:
    old, new = fake_key("github-token", 1), fake_key("github-token", 2)
    text = f'OLD = "{old}"\n\n\n\nNEW = "{new}"\n'
    findings, reader = scan({"app.py": text})
    b = Baseline(entries=(Entry("app.py", "GitHub Token", h("ghp"), 1, False),))
    new_findings = compare(findings, b, reader).new
    assert [f.line for f in new_findings] == [5]  # the entry stays with the token at its line


def test_stripe_key_recorded_by_its_first_24_characters() -> None:
    key = fake_key("stripe-secret-key", 1)
    findings, reader = scan({"pay.py": f'API_KEY = "{key}"\n'})
    b = Baseline(entries=(Entry("pay.py", "Stripe Access Key", h(key[:32]), 1, False),))
    assert compare(findings, b, reader).new == []


def test_an_unrelated_hash_on_the_line_does_not_match() -> None:
    findings, reader = scan({"app.py": line("openai-project-key", 1)})
    b = Baseline(entries=(Entry("app.py", "Secret Keyword", h("API_KEY"), 1, False),))
    assert len(compare(findings, b, reader).new) == 1


def test_overlap_pieces_start_at_token_boundaries() -> None:
    text = 'x = "sk_live_abcdef"'
    start = text.index("sk")
    pieces = overlap_hashes(text, start, len(text) - 1)
    assert h("sk_live_abc") in pieces  # a prefix of the secret
    assert h("sk") in pieces
    assert h('"sk_live_abcdef"') in pieces  # starts after a space, covers the span
    assert h("k_live") not in pieces  # starts inside a word
    assert h("x = ") not in pieces  # does not reach the secret
