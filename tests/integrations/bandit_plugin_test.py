"""bandit test KL101 (keylint.integrations.bandit_plugin), run through bandit itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from keylint.integrations.bandit_plugin import literal_findings, redact
from keylint.masking import mask
from tests.fakes import fake_key

OPENAI = fake_key("openai-project-key", 1)
ANTHROPIC = fake_key("anthropic-api-key", 2)
MISTRAL = fake_key("mistral-api-key", 3)
PASSWORD = fake_key("password-assignment", 4)
KEYS = (OPENAI, ANTHROPIC, MISTRAL, PASSWORD)

APP = f'''\
"""Settings."""
import openai

client = openai.OpenAI(api_key="{OPENAI}")
MISTRAL_API_KEY = "{MISTRAL}"
RAW = b"{ANTHROPIC}"
HEADER = f"{{scheme}} {ANTHROPIC}"
DB_PASSWORD = "{PASSWORD}"
GREETING = "hello, this is a long string without any key in it"
'''

SILENCED = f'''\
TEST_KEY = "{OPENAI}"  # nosec KL101
FIXTURE = "{ANTHROPIC}"  # pragma: allowlist secret
'''


def bandit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the bandit CLI (`python -m bandit`) in `cwd`."""
    return subprocess.run([sys.executable, "-m", "bandit", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


@pytest.fixture
def src(tmp_path: Path) -> Path:
    """A project with keys in string literals (`src/app.py`) and silenced ones (`src/ok.py`)."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(APP)
    (tmp_path / "src" / "ok.py").write_text(SILENCED)
    return tmp_path


def _kl101(done: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    return [r for r in json.loads(done.stdout)["results"] if r["test_id"] == "KL101"]


def test_plain_bandit_run_reports_provider_keys(src: Path) -> None:
    done = bandit(src, "-r", "src", "-f", "json")
    assert done.returncode == 1, done.stderr
    found = [(r["filename"], r["line_number"], r["issue_severity"], r["issue_confidence"],
              r["issue_text"].split(" (keylint")[0]) for r in _kl101(done)]
    assert found == [
        ("src/app.py", 4, "HIGH", "HIGH", f"Hard-coded OpenAI Project Key {mask(OPENAI)}"),
        ("src/app.py", 5, "HIGH", "MEDIUM", f"Hard-coded Mistral AI API Key {mask(MISTRAL)}"),
        ("src/app.py", 6, "HIGH", "HIGH", f"Hard-coded Anthropic API Key {mask(ANTHROPIC)}"),
        ("src/app.py", 7, "HIGH", "HIGH", f"Hard-coded Anthropic API Key {mask(ANTHROPIC)}"),
        ("src/app.py", 8, "MEDIUM", "MEDIUM", f"Hard-coded Secret Keyword {mask(PASSWORD)}"),
    ]
    assert all(r["issue_cwe"]["id"] == 798 for r in _kl101(done))
    assert json.loads(done.stdout)["metrics"]["_totals"]["skipped_tests"] == 1  # the nosec


@pytest.mark.parametrize("fmt", ["screen", "txt", "json", "csv", "yaml", "html"])
def test_no_output_format_shows_a_key(src: Path, fmt: str) -> None:
    # bandit prints source lines with each issue: KL101's own excerpts are masked.
    done = bandit(src, "-r", "src", "-t", "KL101", "-f", fmt, "-n", "9")
    assert done.returncode == 1
    assert "KL101" in done.stdout
    assert not [k for k in KEYS if k in done.stdout + done.stderr]


def test_test_selection_by_id(src: Path) -> None:
    only = bandit(src, "-r", "src", "-t", "KL101", "-f", "json")
    assert {r["test_id"] for r in json.loads(only.stdout)["results"]} == {"KL101"}
    skipped = bandit(src, "-r", "src", "-s", "KL101", "-f", "json")
    assert _kl101(skipped) == []


def test_nosec_and_pragma_silence_a_line(src: Path) -> None:
    done = bandit(src, "src/ok.py", "-t", "KL101", "-f", "json")
    assert done.returncode == 0, done.stdout
    assert _kl101(done) == []


def test_literal_findings_need_the_key_inside_the_literal(tmp_path: Path) -> None:
    import ast

    path = tmp_path / "m.py"
    path.write_text(f'MISTRAL_API_KEY = "{MISTRAL}"\nNAME = "mistral"\n')
    nodes = [n for n in ast.walk(ast.parse(path.read_text()))
             if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert [[f.rule_id for f in literal_findings(str(n.value), str(path), n)] for n in nodes] == [
        ["mistral-api-key"], []]
    # Without its source, a bare-format key has no provider context: not reported.
    assert literal_findings(MISTRAL, "<stdin>", nodes[0]) == []


def test_redact_masks_every_key_in_an_excerpt() -> None:
    code = f'4 client = OpenAI(api_key="{OPENAI}")\n5 MISTRAL_API_KEY = "{MISTRAL}"\n'
    out = redact(code)
    assert not [k for k in KEYS if k in out]
    assert mask(OPENAI) in out
    assert redact("x = 1\n") == "x = 1\n"
