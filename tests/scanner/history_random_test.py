"""`--history` on random histories with keys in every shape the detector reads: every secret a
whole scan of every reachable blob finds, attributed the same however many workers scan."""

from __future__ import annotations

import base64
import dataclasses
import os
import random
import subprocess
from pathlib import Path

import pytest

from keylint.config import Config
from keylint.scanner.engine import scan_bytes
from keylint.scanner.history import HistoryResult, scan_history
from tests.fakes import assignment, fake_key
from tests.gitenv import isolated_git  # noqa: F401 (autouse: git isolated in every test)
from tests.hooks.helpers import KEY_RULE, git, write
from tests.scanner.gitrepo import commit, new_repo

ANTHROPIC = "anthropic-api-key"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return new_repo(tmp_path)



def _pieces(seed: int) -> list[str]:
    """Lines a history moves around: keys, a bare key and the word that names it, a PEM block,
    a pragma, a Kubernetes Secret with a base64 value."""
    keys = [assignment(rule, fake_key(rule, seed * 10 + n)) + "\n"
            for n, rule in enumerate([KEY_RULE, ANTHROPIC, KEY_RULE])]
    bare = f'value = "{fake_key("mistral-api-key", seed)}"\n'
    wrapped = base64.b64encode(assignment(ANTHROPIC, fake_key(ANTHROPIC, seed + 77)).encode())
    return [*keys, bare, "# MISTRAL_API_KEY\n", "# pragma: allowlist nextline secret\n",
            fake_key("private-key", seed) + "\n",
            f"kind: Secret\ndata:\n  env: {wrapped.decode()}\n"]


def _random_history(repo: Path, seed: int, steps: int = 60) -> None:
    """Files edited, renamed, deleted and merged, long enough for git to store deltas."""
    rng = random.Random(seed)
    pieces = _pieces(seed)
    files: dict[str, list[str]] = {
        name: [f"line_{name[:2]}_{n} = {n * 7}  # some text to make a delta worth it\n"
               for n in range(rng.randrange(20, 80))]
        for name in ("a.py", "b.py", "conf.yaml", "notes.txt")}
    for step in range(steps):
        if step == steps // 3:
            git(repo, "checkout", "-q", "-b", "side")
        if step == 2 * steps // 3:
            git(repo, "checkout", "-q", "main")
        name = rng.choice(sorted(files))
        lines = files[name]
        action = rng.random()
        at = rng.randrange(len(lines) + 1)
        if action < 0.25:
            lines[at:at] = rng.choice(pieces).splitlines(keepends=True)
        elif action < 0.5 and lines:
            del lines[min(at, len(lines) - 1):at + rng.randrange(1, 4)]
        elif action < 0.55:
            new = f"moved{step}_{name}"
            files[new] = files.pop(name)
            if (repo / name).exists():
                os.remove(repo / name)
            name = new
        elif action < 0.6:
            write(repo, f"bin{step}.dat", b"\0\1" + rng.choice(pieces).encode())
        else:
            lines.insert(at, f"y{step} = {step}\n")
        write(repo, name, "".join(files[name]))
        commit(repo, f"step {step}")
    git(repo, "merge", "-q", "--no-edit", "-X", "ours", "side", check=False)
    commit(repo, "after the merge")


def _fields(result: HistoryResult) -> list[tuple[object, ...]]:
    return [dataclasses.astuple(f) for f in result.findings]


def _whole_scan_secrets(repo: Path) -> set[str]:
    """What a whole scan of every reachable blob finds."""
    found: set[str] = set()
    for row in git(repo, "rev-list", "--objects", "--all").stdout.splitlines():
        parts = row.split(" ", 1)
        if len(parts) == 2 and git(repo, "cat-file", "-t", parts[0]).stdout.strip() == "blob":
            data = subprocess.run(["git", "cat-file", "blob", parts[0]], cwd=repo,
                                  capture_output=True, check=True).stdout
            found |= {f.hashed_secret for f in scan_bytes(data, parts[1])}
    return found


@pytest.mark.parametrize("seed", range(6))
def test_every_secret_is_found_and_attributed_the_same_by_one_or_two_workers(
        repo: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers get a blob where the version it replaced went (renames included): with a split
    by path, a renamed file's counts and 'still in HEAD' depended on the number of workers."""
    monkeypatch.setattr("keylint.scanner.history._PARALLEL_MIN_COMMITS", 1)
    _random_history(repo, seed)
    git(repo, "repack", "-adf", "-q")
    write(repo, "late.py", assignment(KEY_RULE, fake_key(KEY_RULE, seed + 500)) + "\n")
    commit(repo, "loose")
    expected = _whole_scan_secrets(repo)
    assert expected
    one, two = (scan_history(str(repo), [["--all"]], Config(), jobs=jobs, cwd=str(repo))
                for jobs in (1, 2))
    assert {f.hashed_secret for f in one.findings} == expected
    assert _fields(one) == _fields(two)
    assert (one.files_scanned, one.files_skipped) == (two.files_scanned, two.files_skipped)


