"""Matching findings to entries: by the secret's hash, or by a detect-secrets piece of its line."""

from __future__ import annotations

import hashlib
from pathlib import Path

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


def test_a_detect_secrets_prefix_hash_vouches_only_on_its_own_line() -> None:
    # detect-secrets' GitHubTokenDetector hashes only "ghp": the same hash for every GitHub token.
    # Such an entry accepts the token of its kind on its recorded line (what detect-secrets
    # accepted), never a token on another line.
    files = {"app.py": line("github-token", 1) + line("github-token", 2)}
    findings, reader = scan(files)
    assert findings[0].secret.startswith("ghp_")
    b = Baseline(entries=(Entry("app.py", "GitHub Token", h("ghp"), 1, False),))
    assert compare(findings, b, reader).new == findings[1:]
    moved = Baseline(entries=(Entry("app.py", "GitHub Token", h("ghp"), 3, False),))
    assert compare(findings, moved, reader).new == findings


def test_a_prefix_hash_of_another_kind_vouches_for_nothing() -> None:
    findings, reader = scan({"app.py": line("github-token", 1)})
    b = Baseline(entries=(Entry("app.py", "Secret Keyword", h("ghp"), 1, False),))
    assert compare(findings, b, reader).new == findings


def test_a_private_key_header_hash_vouches_for_the_key_it_heads() -> None:
    pem = fake_key("private-key", 1)
    findings, reader = scan({"id_rsa": pem + "\n\n" + fake_key("private-key", 2) + "\n"})
    b = Baseline(entries=(Entry("id_rsa", "Private Key", h("BEGIN RSA PRIVATE KEY"), 1, False),))
    assert [f.line for f in compare(findings, b, reader).new] == [findings[1].line]


def test_stripe_key_recorded_by_its_first_24_characters() -> None:
    key = fake_key("stripe-secret-key", 1)
    findings, reader = scan({"pay.py": f'API_KEY = "{key}"\n'})
    b = Baseline(entries=(Entry("pay.py", "Stripe Access Key", h(key[:32]), 1, False),))
    assert compare(findings, b, reader).new == []


def test_an_unrelated_hash_on_the_line_does_not_match() -> None:
    findings, reader = scan({"app.py": line("openai-project-key", 1)})
    b = Baseline(entries=(Entry("app.py", "Secret Keyword", h("API_KEY"), 1, False),))
    assert len(compare(findings, b, reader).new) == 1


def test_overlap_pieces_start_at_token_boundaries_and_share_key_material() -> None:
    text = 'x = "sk_live_4eXq9Lr2Tb7Zp1Wc"'
    start = text.index("sk")
    pieces = overlap_hashes(text, start, len(text) - 1)
    assert h("sk_live_4eXq9") in pieces  # a prefix of the secret with 12+ mixed characters
    assert h('"sk_live_4eXq9Lr2Tb7Zp1Wc"') in pieces  # starts after a space, covers the span
    assert h("sk_live_4eX") not in pieces  # too little of the secret to say which key it is
    assert h("sk") not in pieces
    assert h("k_live_4eXq9Lr2") not in pieces  # starts inside a word
    assert h("x = ") not in pieces  # does not reach the secret

def test_an_entry_of_a_detect_secrets_only_type_goes_stale_when_its_string_leaves_the_file(
    tmp_path: Path,
) -> None:
    from keylint.baseline.compare import Comparison, is_stale

    blob = fake_key("together-api-key-legacy", 3)
    f = tmp_path / "cfg.py"
    f.write_text(f'BLOB = "{blob}"\n')
    e = Entry(str(f), "Hex High Entropy String", h(blob), 1, True)
    assert not is_stale(e, Comparison(), {str(f)}, {"GitHub Token"})
    f.write_text("BLOB = None\n")
    assert is_stale(e, Comparison(), {str(f)}, {"GitHub Token"})
