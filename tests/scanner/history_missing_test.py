"""History scans of clones that lack objects: every missing blob is listed, the rest is scanned,
and the gate fails (exit 2)."""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest

from keylint.config import Config
from keylint.errors import KeylintError
from keylint.scanner import gitlog
from keylint.scanner.history import scan_history
from tests.fakes import assignment, fake_key
from tests.gitenv import isolated_git  # noqa: F401 (autouse: git isolated in every test)
from tests.hooks.helpers import KEY_RULE, git, keylint, write
from tests.scanner.gitrepo import commit


def big(seed: int) -> str:
    rng = random.Random(seed)
    return "".join(f"row_{n} = {rng.random()}\n" for n in range(400))  # ~10 kB, incompressible


@pytest.fixture
def upstream(tmp_path: Path) -> tuple[Path, list[str], str]:
    """A repository whose large file has four versions, with a key committed in between;
    partial clones may fetch from it."""
    src = tmp_path / "src"
    src.mkdir()
    git(src, "init", "-q", "-b", "main")
    git(src, "config", "uploadpack.allowFilter", "true")
    shas = []
    for n in range(4):
        write(src, "data.py", big(n))
        write(src, "small.py", f"x = {n}\n")
        if n == 2:
            write(src, "settings.py", assignment(KEY_RULE, fake_key(KEY_RULE, 7)) + "\n")
        shas.append(commit(src, f"version {n}"))
    return src, shas, "settings.py@" + shas[2][:7]


def partial_clone(src: Path, dest: Path) -> Path:
    git(src.parent, "clone", "-q", "--no-checkout", "--filter=blob:limit=2k",
        src.resolve().as_uri(), str(dest))
    missing = git(dest, "rev-list", "--objects", "--all", "--missing=print").stdout
    assert len(re.findall(r"^\?", missing, re.M)) == 4  # the four versions of data.py
    return dest


def test_partial_clone_lists_every_missing_blob_and_scans_the_rest(
        upstream: tuple[Path, list[str], str], tmp_path: Path) -> None:
    src, shas, found_at = upstream
    clone = partial_clone(src, tmp_path / "clone")
    done = keylint(clone, "scan", "--history")
    assert done.returncode == 2, done.stderr
    errors = [ln for ln in done.stderr.splitlines() if "not in this clone" in ln]
    assert sorted(errors) == sorted(
        f"keylint: error: data.py@{sha[:7]}: not in this clone (a partial or damaged clone?): "
        "not scanned; fetch it or use a full clone" for sha in shas)
    assert done.stdout.startswith(found_at)  # the blobs it has are scanned
    assert "5 blobs scanned, 4 skipped" in done.stdout
    ranged = keylint(clone, "scan", "--commits", f"{shas[1]}..HEAD")
    assert ranged.returncode == 2 and ranged.stderr.count("not in this clone") == 2


def test_git_stopping_at_a_missing_blob_loses_nothing(
        upstream: tuple[Path, list[str], str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the list of absent blobs, git cat-file stops at each one: a new one reads on."""
    src, shas, found_at = upstream
    clone = partial_clone(src, tmp_path / "clone")
    monkeypatch.setattr("keylint.scanner.history.absent_blobs", lambda repo, specs: frozenset())
    for jobs in (1, 2):
        result = scan_history(str(clone), [["--all"]], Config(), cwd=str(clone), jobs=jobs)
        assert sorted(p.display for p in result.problems if p.error) == sorted(
            f"data.py@{sha[:7]}" for sha in shas)
        assert [f"{f.path}@{f.commit[:7]}" for f in result.findings] == [found_at]
        assert result.files_scanned == 5 and result.files_skipped == 4


def test_a_corrupt_object_is_named_and_the_rest_is_scanned(
        upstream: tuple[Path, list[str], str], tmp_path: Path) -> None:
    src, shas, found_at = upstream
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-local", str(src), str(clone))
    git(clone, "repack", "-adq")
    blob = git(clone, "rev-parse", f"{shas[0]}:data.py").stdout.strip()
    pack = next((clone / ".git" / "objects" / "pack").glob("*.pack"))
    with open(pack.with_suffix(".idx"), "rb") as idx:
        index = subprocess.run(["git", "show-index"], stdin=idx, capture_output=True, text=True,
                               check=True).stdout
    offset = next(int(ln.split()[0]) for ln in index.splitlines() if ln.split()[1] == blob)
    data = bytearray(pack.read_bytes())
    data[offset + 20] ^= 0xFF  # inside the compressed body
    pack.chmod(0o644)
    pack.write_bytes(bytes(data))
    done = keylint(clone, "scan", "--history")
    assert done.returncode == 2
    assert f"error: data.py@{shas[0][:7]}: unreadable in this clone (packed object {blob}" in done.stderr
    assert done.stdout.startswith(found_at)
    assert "8 blobs scanned, 1 skipped" in done.stdout


def test_what_git_cannot_start_on_is_one_error(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    r = gitlog.open_repo(str(repo))
    (repo / ".git" / "objects").rename(repo / ".git" / "gone")
    with pytest.raises(KeylintError, match="git cat-file failed"):
        list(gitlog.read_blobs(r, [("0" * 39 + "1", None)], 1000))

