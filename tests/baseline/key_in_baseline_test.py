"""A key inside the baseline file is found like a key in any other file; the sha1 hashes a
baseline records (and the rest of its normal content) are not keys."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from keylint.rules import RULES
from tests.baseline.helpers import git, init_repo, keylint, line, tool, write
from tests.fakes import assignment, fake_key

_HEX40 = re.compile(r"[0-9a-f]{40}")


def _key_tree(root: Path, rule_ids: list[str], seeds: int) -> None:
    """One file per rule, under a directory named after its provider (as a repository keeps
    `datadog/`, `sonar/`...): the provider word then stands near the baseline's hashes."""
    by_id = {r.id: r for r in RULES}
    for rule_id in rule_ids:
        text = "".join(assignment(rule_id, fake_key(rule_id, s)) + "\n" for s in range(seeds))
        write(root, f"src/{by_id[rule_id].provider}/{rule_id}_config.py", text)


def _hex_rules() -> list[str]:
    """The rules whose keys have a sha1's shape (40 lowercase hex digits)."""
    return [r.id for r in RULES if _HEX40.fullmatch(fake_key(r.id, 0))]


def test_the_hex_rules_exist() -> None:
    assert len(_hex_rules()) >= 3  # else the tests below would prove nothing about hashes


@pytest.mark.parametrize("writer", ["keylint", "detect-secrets"])
def test_a_normal_baseline_is_clean_wherever_it_is(tmp_path: Path, writer: str) -> None:
    """A baseline of many entries (every rule, three keys each; plugin and filter lists as each
    tool writes them) holds nothing to report: as the gate's baseline, and as one more file
    (a package's baseline in a monorepo, a copy)."""
    repo = init_repo(tmp_path / "repo")
    rule_ids = [r.id for r in RULES] if writer == "keylint" else _hex_rules()
    _key_tree(repo, rule_ids, 3)
    git(repo, "add", "-A")
    if writer == "keylint":
        made = keylint(repo, "baseline", "create")
        assert made.returncode == 0, made.stderr
    else:
        made = subprocess.run([tool("detect-secrets"), "scan"], cwd=repo, capture_output=True,
                              text=True, check=True)
        (repo / ".secrets.baseline").write_text(made.stdout, encoding="utf-8")
    baseline = json.loads((repo / ".secrets.baseline").read_text(encoding="utf-8"))
    assert sum(len(v) for v in baseline["results"].values()) >= 2 * len(rule_ids)
    (repo / "pkg").mkdir()
    shutil.copy(repo / ".secrets.baseline", repo / "pkg/.secrets.baseline")
    shutil.copy(repo / ".secrets.baseline", repo / "copy.json")
    git(repo, "add", "-A")
    for gate in (("scan",), ("scan", "--staged")):
        done = keylint(repo, *gate)
        assert done.returncode == 0, done.stdout
    for path in ("pkg/.secrets.baseline", "copy.json"):
        done = keylint(repo, "scan", "--no-baseline", path)
        assert done.returncode == 0, done.stdout


def _leaky(tmp_path: Path) -> tuple[Path, str]:
    """A repository whose committed, valid baseline gets a raw key in an extra field."""
    repo = init_repo(tmp_path / "repo")
    write(repo, "app.py", line("openai-project-key", 1))
    assert keylint(repo, "baseline", "create").returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "baseline")
    assert keylint(repo, "scan").returncode == 0
    key = fake_key("anthropic-api-key", 2)
    data = json.loads((repo / ".secrets.baseline").read_text(encoding="utf-8"))
    data["results"]["app.py"][0]["note"] = f"the old one was {key}"
    (repo / ".secrets.baseline").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return repo, key


def _blocked(done: subprocess.CompletedProcess[str], key: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert ".secrets.baseline" in done.stdout and "Anthropic API Key" in done.stdout
    assert key not in done.stdout + done.stderr


def test_a_key_in_the_baseline_fails_every_gate(tmp_path: Path) -> None:
    repo, key = _leaky(tmp_path)
    _blocked(keylint(repo, "scan"), key)
    hook = subprocess.run([tool("keylint-hook"), ".secrets.baseline"], cwd=repo,
                          capture_output=True, text=True, check=False)
    _blocked(hook, key)
    git(repo, "add", "-A")
    _blocked(keylint(repo, "scan", "--staged"), key)
    git(repo, "commit", "-q", "--no-verify", "-m", "note")
    _blocked(keylint(repo, "scan", "--commits", "HEAD~1..HEAD"), key)
    _blocked(keylint(repo, "scan", "--history"), key)
    ci = keylint(repo, "audit", "--ci")
    assert ci.returncode == 1 and "1 new" in ci.stdout and key not in ci.stdout + ci.stderr


def test_a_key_as_a_file_name_in_the_baseline_is_found_then_recordable(tmp_path: Path) -> None:
    """A file named by its key is recorded under that name: the baseline then carries the key.
    It is reported (the name is committed too); `baseline update` records it like any finding,
    after which the gate passes and `audit` asks for a label."""
    repo = init_repo(tmp_path / "repo")
    key = fake_key("openai-project-key", 5)
    write(repo, f"{key}.py", line("openai-project-key", 5))
    assert keylint(repo, "baseline", "create").returncode == 0
    done = keylint(repo, "scan")
    assert done.returncode == 1 and done.stdout.startswith(".secrets.baseline:")
    assert key not in done.stdout + done.stderr
    assert keylint(repo, "baseline", "update").returncode == 0
    assert keylint(repo, "scan").returncode == 0
    ci = keylint(repo, "audit", "--ci")
    assert ci.returncode == 1 and "0 new" in ci.stdout and "2 unaudited" in ci.stdout
