"""Migrating a detect-secrets repository to keylint, as the README tells a team to.

The repository is built here: keys of kinds detect-secrets records differently from keylint
(a whole token by entropy, only `ghp`/`glpat` by its GitHub and GitLab plugins, only the header
of a private key), a baseline written by the real `detect-secrets scan` and audited, and the
team's `detect-secrets` pre-commit hook. That hook runs where keylint is NOT installed (its own
environment, as pre-commit builds it from Yelp's repository): an import blocker on PYTHONPATH
stands for that environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.baseline.helpers import doc, entries, git, init_repo, keylint, line, tool, write
from tests.fakes import fake_key
from tests.gitenv import isolate_git

DS_BASELINE = ".secrets.baseline"
KL_BASELINE = ".keylint/.secrets.baseline"


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path_factory.mktemp("home"), monkeypatch)


@pytest.fixture
def no_keylint(tmp_path: Path) -> dict[str, str]:
    """The environment of a detect-secrets hook without keylint: `import keylint` fails."""
    blocker = tmp_path / "blocker" / "keylint"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'keylint'\", name='keylint')\n")
    return {**os.environ, "PYTHONPATH": str(blocker.parent)}


def _ds_hook_config(env: dict[str, str]) -> str:
    """The team's detect-secrets hook, as a local pre-commit hook in the no-keylint env."""
    entry = f"env PYTHONPATH={env['PYTHONPATH']} {tool('detect-secrets-hook')}"
    return ("repos:\n  - repo: local\n    hooks:\n      - id: detect-secrets\n"
            "        name: detect-secrets\n        language: system\n"
            f"        entry: {entry}\n        args: ['--baseline', '{DS_BASELINE}']\n")


def _pre_commit(repo: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=repo, env=env,
                          capture_output=True, text=True, check=False)


@pytest.fixture
def ds_repo(tmp_path: Path, no_keylint: dict[str, str]) -> Path:
    """A team's repository on detect-secrets: audited baseline (one key labelled real), hook."""
    repo = init_repo(tmp_path / "repo")
    write(repo, "app/settings.py", line("openai-project-key", 3) + line("stripe-secret-key", 3))
    write(repo, "deploy/.env", f"GITHUB_TOKEN={fake_key('github-token', 3)}\n"
                               f"GITLAB_TOKEN={fake_key('gitlab-pat-routable', 3)}\n")
    write(repo, "deploy/id_rsa", fake_key("private-key", 3) + "\n")
    write(repo, "app/real.py", line("aws-access-key-id", 3))
    write(repo, ".pre-commit-config.yaml", _ds_hook_config(no_keylint))
    git(repo, "add", "-A")
    scan = subprocess.run([tool("detect-secrets"), "scan"], cwd=repo, capture_output=True,
                          text=True, check=True)
    data = json.loads(scan.stdout)
    for name, items in data["results"].items():  # the team's audit, as `detect-secrets audit`
        for e in items:
            e["is_secret"] = name == "app/real.py"
    (repo / DS_BASELINE).write_text(json.dumps(data, indent=2) + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "detect-secrets baseline")
    return repo


def _findings(repo: Path) -> list[dict[str, Any]]:
    out = keylint(repo, "scan", "--format", "json")
    results: list[dict[str, Any]] = json.loads(out.stdout)["results"]
    return results


def test_keylint_reads_the_detect_secrets_baseline_without_reblocking_audited_keys(
        ds_repo: Path) -> None:
    # detect-secrets hashed only `ghp`, `glpat` and `BEGIN RSA PRIVATE KEY` for three of them.
    hashes = {e["hashed_secret"] for e in entries(ds_repo / DS_BASELINE)}
    assert {hashes_of(s) for s in ("ghp", "glpat", "BEGIN RSA PRIVATE KEY")} <= hashes
    reported = _findings(ds_repo)
    assert [(r["path"], r.get("baseline_label")) for r in reported] == [("app/real.py", "real secret")]


def hashes_of(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode()).hexdigest()


def test_migration_keeps_labels_adds_no_duplicates_and_the_old_hook_keeps_working(
        ds_repo: Path, tmp_path: Path) -> None:
    before = (ds_repo / DS_BASELINE).read_bytes()
    done = keylint(ds_repo, "baseline", "migrate")
    assert done.returncode == 0, done.stderr
    # It names every file it writes, and why each is committed.
    for name in (KL_BASELINE, ".keylint/.keylint_detect_secrets.py", "pyproject.toml"):
        assert any(x.startswith(f"keylint: {name}: ") and "commit it" in x
                   for x in done.stdout.splitlines()), (name, done.stdout)
    assert (ds_repo / DS_BASELINE).read_bytes() == before  # the old hook's file is untouched

    # (a) keylint blocks nothing the old baseline accepted; the key labelled real stays visible.
    reported = _findings(ds_repo)
    assert [(r["path"], r.get("baseline_label")) for r in reported] == [("app/real.py", "real secret")]
    audit = json.loads(keylint(ds_repo, "audit", "--ci", "--format", "json").stdout)
    assert (audit["stats"]["new"], audit["stats"]["unaudited"], audit["stats"]["real_secrets"]) == (
        0, 0, 1)

    # (c) one entry per keylint finding, keylint's type and full-token hash, the label kept.
    mine = entries(ds_repo / KL_BASELINE)
    places = Counter((e["filename"], e["line_number"], e["type"]) for e in mine)
    assert max(places.values()) == 1, places
    assert {(e["filename"], e["type"]) for e in mine} == {
        ("app/settings.py", "OpenAI Project Key"), ("app/settings.py", "Stripe Access Key"),
        ("deploy/.env", "GitHub Token"), ("deploy/.env", "GitLab Token"),
        ("deploy/id_rsa", "Private Key"), ("app/real.py", "AWS Access Key")}
    assert {e["filename"]: e["is_secret"] for e in mine}["app/real.py"] is True
    assert [e["is_secret"] for e in mine if e["filename"] != "app/real.py"] == [False] * 5
    assert hashes_of("ghp") not in {e["hashed_secret"] for e in mine}

    # (b) the team's detect-secrets hook, without keylint, passes the migration commit as it is.
    git(ds_repo, "add", "-A")
    hook = _pre_commit(ds_repo, tmp_path, "run", "--all-files")
    assert hook.returncode == 0, hook.stdout[-600:]
    assert "Traceback" not in hook.stdout and "ModuleNotFoundError" not in hook.stdout
    assert (ds_repo / DS_BASELINE).read_bytes() == before  # nor did it rewrite its baseline
    git(ds_repo, "commit", "-qm", "adopt keylint")
    # ... and still stops a new key.
    write(ds_repo, "app/new.py", f'token = "{fake_key("github-token", 9)}"\n')
    git(ds_repo, "add", "-A")
    assert _pre_commit(ds_repo, tmp_path, "run", "--all-files").returncode == 1
    assert [r["path"] for r in _findings(ds_repo) if not r.get("baseline_label")] == [
        "app/new.py"]


def test_a_token_replaced_after_migration_is_blocked(ds_repo: Path) -> None:
    assert keylint(ds_repo, "baseline", "migrate").returncode == 0
    env = ds_repo / "deploy" / ".env"
    env.write_text(f"GITHUB_TOKEN={fake_key('github-token', 4)}\n"
                   f"GITLAB_TOKEN={fake_key('gitlab-pat-routable', 3)}\n")
    assert [(r["path"], r["rule_id"]) for r in _findings(ds_repo)
            if not r.get("baseline_label")] == [("deploy/.env", "github-token")]


def test_update_keeps_a_detect_secrets_baseline_loadable_without_keylint(
        ds_repo: Path, no_keylint: dict[str, str]) -> None:
    done = keylint(ds_repo, "baseline", "update")
    assert done.returncode == 0, done.stderr
    assert "written by detect-secrets" in done.stdout
    assert not any("path" in p for p in doc(ds_repo / DS_BASELINE)["plugins_used"])
    git(ds_repo, "add", "-A")
    hook = subprocess.run([tool("detect-secrets-hook"), "--baseline", DS_BASELINE,
                           "app/settings.py", "deploy/.env"], cwd=ds_repo, env=no_keylint,
                          capture_output=True, text=True, check=False)
    assert hook.returncode == 0, hook.stdout[-400:] + hook.stderr[-400:]


def test_the_plugin_shim_degrades_where_keylint_is_missing(tmp_path: Path,
                                                           no_keylint: dict[str, str]) -> None:
    repo = init_repo(tmp_path / "kl")
    write(repo, "a.py", line("anthropic-api-key", 1))
    assert keylint(repo, "baseline", "create").returncode == 0
    assert any(str(p.get("path", "")).endswith(".keylint_detect_secrets.py")
               for p in doc(repo / DS_BASELINE)["plugins_used"])
    write(repo, "b.py", "AWS = 'AKIA" + "Q" * 16 + "'\n")
    git(repo, "add", "-A")
    hook = subprocess.run([tool("detect-secrets-hook"), "--baseline", DS_BASELINE, "b.py"],
                          cwd=repo, env=no_keylint, capture_output=True, text=True, check=False)
    assert "Traceback" not in hook.stderr and "No such" not in hook.stderr, hook.stderr[-400:]
    assert hook.returncode == 1 and "AWS Access Key" in hook.stdout  # built-ins still run
    assert hook.stderr.count("keylint is not installed here") == 1


def test_migrating_again_reads_detect_secrets_baseline_not_keylints(ds_repo: Path) -> None:
    assert keylint(ds_repo, "baseline", "migrate").returncode == 0
    first = (ds_repo / KL_BASELINE).read_bytes()
    again = keylint(ds_repo, "baseline", "migrate")
    assert again.returncode == 2 and "a baseline exists" in again.stderr
    forced = keylint(ds_repo, "baseline", "migrate", "--force")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith(f"keylint: {DS_BASELINE}: read")
    assert (ds_repo / KL_BASELINE).read_bytes() == first
    assert (ds_repo / "pyproject.toml").read_text().count("[tool.keylint]") == 1
