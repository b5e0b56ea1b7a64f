"""The git merge driver: two branches that each add entries merge without a conflict."""

from __future__ import annotations

import shlex
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from keylint.baseline.merge import merge
from keylint.baseline.model import Baseline, Entry
from tests.baseline.helpers import entries, git, init_repo, keylint, label, line, write

H = [f"{i:040x}" for i in range(1, 6)]


def _repo(root: Path, driver: bool) -> Path:
    repo = init_repo(root / "repo")
    write(repo, "app.py", "import os\n" + line("openai-project-key", 1) + "\n" * 8)
    assert keylint(repo, "baseline", "create").returncode == 0
    if driver:  # the two lines the README documents
        write(repo, ".gitattributes", ".secrets.baseline merge=keylint-baseline\n")
        command = f"{shlex.quote(sys.executable)} -m keylint baseline merge %O %A %B"
        git(repo, "config", "merge.keylint-baseline.driver", command)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    for branch, rule in (("one", "github-token"), ("two", "groq-api-key")):
        git(repo, "checkout", "-qb", branch, "main")
        write(repo, f"{branch}.py", line(rule, 1))
        app = repo / "app.py"  # one branch adds a secret at its top, the other at its end
        text = app.read_text()
        app.write_text(line(rule, 2) + text if branch == "one" else text + line(rule, 2))
        assert keylint(repo, "baseline", "update").returncode == 0
        if branch == "one":
            label(repo / ".secrets.baseline", "app.py", False)  # an audit on one branch only
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", branch)
    git(repo, "checkout", "-q", "one")
    return repo


def test_two_branches_adding_entries_merge_cleanly(tmp_path: Path) -> None:
    repo = _repo(tmp_path, driver=True)
    result = git(repo, "merge", "--no-edit", "two", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    path = repo / ".secrets.baseline"
    got = {(e["filename"], e["type"], e.get("is_secret")) for e in entries(path)}
    assert got == {("app.py", "OpenAI Project Key", False), ("app.py", "GitHub Token", False),
                   ("app.py", "Groq API Key", None), ("one.py", "GitHub Token", None),
                   ("two.py", "Groq API Key", None)}
    before = path.read_bytes()
    assert keylint(repo, "baseline", "update").returncode == 0
    assert path.read_bytes() == before  # the merge wrote exactly what update would
    assert git(repo, "status", "--porcelain").stdout == ""


def test_without_the_driver_git_conflicts(tmp_path: Path) -> None:
    repo = _repo(tmp_path, driver=False)
    assert git(repo, "merge", "--no-edit", "two", check=False).returncode != 0


def test_conflicting_labels_become_unaudited() -> None:
    e = Entry("a.py", "T", H[0], 1)
    base = Baseline(entries=(e,))
    ours = Baseline(entries=(replace(e, is_secret=True),))
    theirs = Baseline(entries=(replace(e, is_secret=False),))
    notes: list[str] = []
    merged = merge(base, ours, theirs, notes)
    assert [x.is_secret for x in merged.entries] == [None]
    assert notes and "a.py:1" in notes[0]


@pytest.mark.parametrize(("ours", "theirs", "expected"), [
    pytest.param({0, 1}, {0, 2}, {0, 1, 2}, id="both add"),
    pytest.param({0}, {0, 1}, {0, 1}, id="one adds"),
    pytest.param({1}, {0, 1}, {1}, id="one deletes"),
    pytest.param({1}, {2}, {1, 2}, id="both delete the old one"),
])
def test_entry_sets_merge_three_way(ours: set[int], theirs: set[int], expected: set[int]) -> None:
    def b(ids: set[int]) -> Baseline:
        return Baseline(entries=tuple(Entry("a.py", "T", H[i], i + 1) for i in ids))

    merged = merge(b({0}), b(ours), b(theirs), [])
    assert {x.hashed_secret for x in merged.entries} == {H[i] for i in expected}


def test_an_unreadable_side_is_a_conflict_and_ours_is_untouched(tmp_path: Path) -> None:
    base, ours, theirs = (tmp_path / n for n in ("O", "A", "B"))
    base.write_text('{"version": "1.5.0", "results": {}}\n')
    ours.write_text('{"version": "1.5.0", "results": {}}\n')
    theirs.write_text("<<<<<<< not json\n")
    result = keylint(tmp_path, "baseline", "merge", str(base), str(ours), str(theirs))
    assert result.returncode == 1
    assert "B (theirs)" in result.stderr
    assert ours.read_text() == '{"version": "1.5.0", "results": {}}\n'
