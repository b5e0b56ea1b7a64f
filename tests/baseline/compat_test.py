"""Compatibility with detect-secrets itself, both ways (run as a subprocess from this venv)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pexpect
import pytest

from keylint.baseline.plugins import SHIM_NAME
from tests.baseline.helpers import doc, entries, git, init_repo, keylint, label, line, tool, write
from tests.fakes import fake_key

# Formats for which detect-secrets hashes only a piece of keylint's secret (prefix, header, ...).
DS_KEYS = ("openai-project-key", "github-token", "stripe-secret-key", "password-assignment",
           "discord-bot-token", "aws-access-key-id")
# detect-secrets' PrivateKeyDetector hashes only "BEGIN RSA PRIVATE KEY", the same for every key:
# its entry accepts the key at its recorded line (as detect-secrets does), and no other key.
PREFIX_ONLY = ("private-key",)


def _ds(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool("detect-secrets"), *args], cwd=repo, capture_output=True,
                          text=True, check=False)


def _ds_audit(repo: Path, answers: str) -> int:
    """Answer detect-secrets' own interactive audit: its question is "Should this string be
    committed to the repository?", so y = false positive and n = a real secret."""
    child = pexpect.spawn(tool("detect-secrets"), ["audit", ".secrets.baseline"], cwd=str(repo),
                          env={**os.environ, "TERM": "dumb"}, encoding="utf-8", timeout=60)
    child.logfile_read = io.StringIO()
    asked = 0
    while child.expect([r"Should this string be committed to the repository\?.*: ",
                        pexpect.EOF]) == 0:
        child.sendline(answers[asked] if asked < len(answers) else "y")
        asked += 1
    child.close()
    return asked


@pytest.fixture
def ds_repo(tmp_path: Path) -> Path:
    """A committed repository whose baseline `detect-secrets scan` wrote."""
    repo = init_repo(tmp_path / "repo")
    write(repo, "app.py", "import os\n" + "".join(line(r, 1) for r in DS_KEYS[:3]))
    write(repo, "keys.py", "".join(line(r, 1) for r in DS_KEYS[3:]))
    git(repo, "add", "-A")
    scan = _ds(repo, "scan")
    assert scan.returncode == 0
    (repo / ".secrets.baseline").write_text(scan.stdout)
    return repo


def _ci(repo: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = keylint(repo, "audit", "--ci", "--format", "json", *extra)
    return result.returncode, json.loads(result.stdout)


def test_detect_secrets_audited_baseline_is_honoured(ds_repo: Path) -> None:
    assert _ci(ds_repo)[0] == 1  # unaudited
    code, report = _ci(ds_repo, "--allow-unaudited")
    assert code == 0 and report["new"] == []  # every keylint finding is recorded by ds
    assert _ds_audit(ds_repo, "") >= 1  # detect-secrets asks once per secret, not per entry
    assert all(e["is_secret"] is False for e in entries(ds_repo / ".secrets.baseline"))
    code, report = _ci(ds_repo)
    assert code == 0, report["stats"]
    assert report["stats"]["audited_false_positives"] == len(entries(ds_repo / ".secrets.baseline"))
    write(ds_repo, "new.py", line("github-token", 7))
    code, report = _ci(ds_repo)
    assert code == 1 and [f["path"] for f in report["new"]] == ["new.py"]


def test_detect_secrets_entries_that_hash_only_a_prefix_pass_only_their_own_key(
        tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    write(repo, "keys.py", "".join(line(r, 1) for r in PREFIX_ONLY))
    git(repo, "add", "-A")
    scan = _ds(repo, "scan")
    (repo / ".secrets.baseline").write_text(scan.stdout)
    _ds_audit(repo, "")
    assert all(e["is_secret"] is False for e in entries(repo / ".secrets.baseline"))
    code, report = _ci(repo)
    assert code == 0 and report["new"] == []
    keys = repo / "keys.py"
    keys.write_text(keys.read_text() + "\n" + "".join(line(r, 2) for r in PREFIX_ONLY))
    code, report = _ci(repo)
    assert code == 1
    assert sorted(f["rule_id"] for f in report["new"]) == sorted(PREFIX_ONLY)


def test_a_real_secret_labelled_in_detect_secrets_fails(ds_repo: Path) -> None:
    _ds_audit(ds_repo, "n")  # the first entry: "no, must not be committed"
    first = entries(ds_repo / ".secrets.baseline")[0]
    assert first["is_secret"] is True
    code, report = _ci(ds_repo)
    assert code == 1
    assert [(x["path"], x["secret_type"]) for x in report["real_secrets"]] == [
        (first["filename"], first["type"])]


@pytest.fixture
def kl_repo(tmp_path: Path) -> Path:
    """A committed repository whose baseline keylint wrote, with one entry of each label."""
    repo = init_repo(tmp_path / "repo")
    write(repo, "a.py", line("aws-access-key-id", 1))
    write(repo, "b.py", line("password-assignment", 1))
    write(repo, "c.py", line("openai-project-key", 1))
    assert keylint(repo, "baseline", "create").returncode == 0
    label(repo / ".secrets.baseline", "a.py", True)
    label(repo / ".secrets.baseline", "b.py", False)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "baseline")
    return repo


def test_detect_secrets_audit_report_reads_a_keylint_baseline(kl_repo: Path) -> None:
    path = kl_repo / ".secrets.baseline"
    d = doc(path)
    d["results"].pop("c.py")  # see the README: `audit --report` cannot load any custom plugin
    path.write_text(json.dumps(d, indent=2) + "\n")
    result = _ds(kl_repo, "audit", "--report", ".secrets.baseline")
    assert result.returncode == 0, result.stderr[-300:]
    rows = {r["filename"]: (r["types"], r["category"]) for r in json.loads(result.stdout)["results"]}
    assert rows == {"a.py": (["AWS Access Key"], "VERIFIED_TRUE"),
                    "b.py": (["Secret Keyword"], "VERIFIED_FALSE")}


def test_detect_secrets_hook_loads_keylint_plugins_on_another_machine(kl_repo: Path,
                                                                      tmp_path: Path) -> None:
    clone = tmp_path / "elsewhere" / "clone"
    shutil.copytree(kl_repo, clone)
    shutil.rmtree(kl_repo)  # nothing may point back at the first checkout
    plugin_paths = {p.get("path") for p in doc(clone / ".secrets.baseline")["plugins_used"]}
    assert plugin_paths == {f"file://{SHIM_NAME}"}
    hook = [tool("detect-secrets-hook"), "--baseline", ".secrets.baseline"]
    ok = subprocess.run([*hook, "a.py", "b.py", "c.py"], cwd=clone, capture_output=True,
                        text=True, check=False)
    assert ok.returncode == 0, ok.stdout[-300:]
    write(clone, "d.py", line("anthropic-api-key", 2))  # a type only keylint's plugins know
    bad = subprocess.run([*hook, "d.py"], cwd=clone, capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "Anthropic API Key" in bad.stdout
    assert fake_key("anthropic-api-key", 2) not in bad.stdout


def test_detect_secrets_rewrite_keeps_labels_and_keylint_reads_it(kl_repo: Path) -> None:
    path = kl_repo / ".secrets.baseline"
    assert _ds(kl_repo, "scan", "--baseline", ".secrets.baseline").returncode == 0
    d = doc(path)
    assert "generated_at" in d and "filters_used" in d
    assert {p.get("path") for p in d["plugins_used"]} == {f"file://{SHIM_NAME}"}
    labels = {e["filename"]: e.get("is_secret") for e in entries(path)}
    assert labels == {"a.py": True, "b.py": False, "c.py": None}
    before = path.read_bytes()
    result = keylint(kl_repo, "baseline", "update")
    assert result.returncode == 0 and "unchanged" in result.stdout
    assert path.read_bytes() == before  # detect-secrets' timestamp and options stay as they are
    code, report = _ci(kl_repo)
    assert code == 1
    assert (report["stats"]["real_secrets"], report["stats"]["unaudited"]) == (1, 1)
