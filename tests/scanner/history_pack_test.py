"""`--history` read from pack files (pack.py): the same findings, attributed the same way, as
the changed-part scan through git plumbing, and every secret a whole scan of every blob finds."""

from __future__ import annotations

import base64
import dataclasses
import os
import random
import subprocess
from pathlib import Path

import pytest

from keylint.config import Config
from keylint.scanner import pack
from keylint.scanner.engine import detector_for, scan_bytes
from keylint.scanner.finding import Finding
from keylint.scanner.history import HistoryResult, scan_history
from keylint.scanner.workers import Forked
from tests.fakes import assignment, fake_key
from tests.gitenv import isolated_git  # noqa: F401 (autouse: git isolated in every test)
from tests.hooks.helpers import KEY_RULE, git, keylint, write

ANTHROPIC = "anthropic-api-key"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    return path


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


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


def _both(repo: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> tuple[HistoryResult,
                                                                          HistoryResult]:
    """The scan from packs, then the scan through git plumbing (packs not read)."""
    used: list[int] = []
    real = pack.Packs.scan

    def counted(self: pack.Packs, share: tuple[int, int] = (0, 1)) -> pack.PackScan:
        out = real(self, share)
        used.append(len(out.covered))
        return out

    with monkeypatch.context() as m:
        m.setattr(pack.Packs, "scan", counted)
        m.setattr(pack.Packs, "pays", lambda self: True)  # whatever the shape of the history
        from_packs = scan_history(str(repo), [["--all"]], Config(), jobs=jobs, cwd=str(repo))
    if jobs == 1:
        assert used and used[0] > 0  # the packs were read
    with monkeypatch.context() as m:
        m.setattr(pack.Packs, "pays", lambda self: False)
        plumbing = scan_history(str(repo), [["--all"]], Config(), jobs=jobs, cwd=str(repo))
    return from_packs, plumbing


@pytest.mark.parametrize("seed", range(6))
def test_packs_find_what_plumbing_finds_with_the_same_attribution(
        repo: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("keylint.scanner.history._PARALLEL_MIN_COMMITS", 1)
    _random_history(repo, seed)
    git(repo, "repack", "-adf", "-q")
    # A few commits after the repack: their blobs are loose, read through git.
    write(repo, "late.py", assignment(KEY_RULE, fake_key(KEY_RULE, seed + 500)) + "\n")
    commit(repo, "loose")
    expected = _whole_scan_secrets(repo)
    assert expected
    first = None
    for jobs in (1, 2):  # and the same whatever the number of workers
        from_packs, plumbing = _both(repo, monkeypatch, jobs)
        assert {f.hashed_secret for f in from_packs.findings} == expected
        assert _fields(from_packs) == _fields(plumbing) == (first or _fields(plumbing))
        first = _fields(plumbing)
        assert (from_packs.files_scanned, from_packs.files_skipped) == \
            (plumbing.files_scanned, plumbing.files_skipped)
        assert sorted(map(str, from_packs.problems)) == sorted(map(str, plumbing.problems))


def test_every_blob_of_a_pack_is_covered_and_the_keyed_ones_are_candidates(repo: Path) -> None:
    _random_history(repo, 11, steps=40)
    git(repo, "repack", "-adf", "-q", "--depth=5")
    listed = git(repo, "cat-file", "--batch-all-objects", "--batch-check").stdout.split("\n")
    blobs = {row.split()[0] for row in listed if row.split()[1:2] == ["blob"]}
    objects = git(repo, "rev-parse", "--git-path", "objects").stdout.strip()
    scanned = pack.scan_packs(str(repo / objects), 1 << 20, detector_for())
    assert scanned.covered == blobs
    keyed, wrapped = set(), set()
    for blob in blobs:
        data = subprocess.run(["git", "cat-file", "blob", blob], cwd=repo, capture_output=True,
                              check=True).stdout
        if b"\0" not in data[:8192] and scan_bytes(data, "x.py"):
            keyed.add(blob)
        if b"\0" not in data[:8192] and scan_bytes(data, "x.yaml"):  # base64 wrappers read
            wrapped.add(blob)
        assert (blob in scanned.binary) == (b"\0" in data[:8192])
    assert keyed and keyed <= scanned.candidates
    assert wrapped - keyed and wrapped <= scanned.candidates | scanned.wrappers
    assert len(scanned.candidates) < len(blobs)  # a filter, not everything
    shared = pack.merge([pack.scan_packs(str(repo / objects), 1 << 20, detector_for(), (k, 3))
                         for k in range(3)])
    assert (shared.covered, shared.candidates, shared.wrappers, shared.binary, shared.bytes) == \
        (scanned.covered, scanned.candidates, scanned.wrappers, scanned.binary, scanned.bytes)


def test_delta_application_rebuilds_every_version(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What pack.py builds from deltas is byte for byte what git stores."""
    _random_history(repo, 12, steps=30)
    git(repo, "repack", "-adf", "-q")
    built: dict[str, bytes] = {}
    real = pack._Pack._build

    def keep(self: pack._Pack, off: int, *args: object) -> bytes | None:
        text = real(self, off, *args)  # type: ignore[arg-type]
        if text is not None:
            built[self._id(off)] = text
        return text

    monkeypatch.setattr(pack._Pack, "_build", keep)
    objects = git(repo, "rev-parse", "--git-path", "objects").stdout.strip()
    pack.scan_packs(str(repo / objects), 1 << 20, detector_for())
    assert len(built) > 20
    for blob, text in built.items():
        assert subprocess.run(["git", "cat-file", "blob", blob], cwd=repo, capture_output=True,
                              check=True).stdout == text


def test_blobs_over_the_size_limit_and_missing_blobs_fall_back_to_git(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack.Packs, "pays", lambda self: True)
    key = fake_key(KEY_RULE, 60)
    write(repo, "big.py", "# padding\n" * 300 + assignment(KEY_RULE, key) + "\n")
    write(repo, "small.py", assignment(ANTHROPIC, fake_key(ANTHROPIC, 61)) + "\n")
    sha = commit(repo, "files")
    git(repo, "repack", "-adf", "-q")
    result = scan_history(str(repo), [["--all"]], Config(max_file_size=1000), cwd=str(repo))
    assert [f.path for f in result.findings] == ["small.py"]
    assert any(p.display == f"big.py@{sha[:7]}" and "max_file_size" in p.reason
               for p in result.problems)
    # A partial clone: its packs hold no blobs, so they are asked of git, which refuses to
    # fetch them: the scan fails (one line), it does not pass.
    git(repo, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "partial"
    git(tmp_path, "clone", "-q", "--no-checkout", "--filter=blob:none", f"file://{repo}", str(clone))
    done = keylint(clone, "scan", "--history")
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "promisor" in done.stderr
    assert key not in done.stdout + done.stderr


def test_a_damaged_pack_is_read_through_git(repo: Path) -> None:
    write(repo, "a.py", assignment(KEY_RULE, fake_key(KEY_RULE, 62)) + "\n")
    commit(repo, "key")
    git(repo, "repack", "-adf", "-q")
    objects = Path(repo / git(repo, "rev-parse", "--git-path", "objects").stdout.strip())
    for idx in (objects / "pack").glob("*.idx"):
        os.chmod(idx, 0o644)
        idx.write_bytes(b"not an index")
    assert pack.scan_packs(str(objects), 1 << 20, detector_for()).covered == set()


def test_forked_work_is_redone_here_when_the_child_dies() -> None:
    parent = os.getpid()

    def work() -> list[int]:
        if os.getpid() != parent:
            os._exit(3)  # the child dies without a result
        return [1, 2]

    assert Forked(work).result() == [1, 2]
    assert Forked(lambda: {"a": 1}).result() == {"a": 1}


def test_findings_are_plain_findings(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack.Packs, "pays", lambda self: True)
    write(repo, "a.py", assignment(KEY_RULE, fake_key(KEY_RULE, 63)) + "\n")
    commit(repo, "key")
    git(repo, "repack", "-adf", "-q")
    [f] = scan_history(str(repo), [["--all"]], Config(), cwd=str(repo)).findings
    assert isinstance(f, Finding) and f.in_head and f.commits == 1


def test_the_packs_are_read_where_they_spare_git_many_versions(repo: Path) -> None:
    objects = repo / ".git" / "objects"
    for i in range(10):
        write(repo, f"distinct{i}.py", "".join(f"v{i}_{n} = {n * i}\n" for n in range(40)))
    commit(repo, "ten files")
    git(repo, "repack", "-adf", "-q")
    assert not pack.Packs(str(objects), 1 << 20, detector_for()).pays()
    text = "".join(f"line_{n} = {n}  # a long enough line for a delta\n" for n in range(80))
    for i in range(3 * pack.PAYS * 11):
        text = text.replace(f"line_{i % 80} =", f"line_{i % 80}_{i} =")
        write(repo, "edited.py", text)
        commit(repo, f"edit {i}")
    git(repo, "repack", "-adf", "-q")
    assert pack.Packs(str(objects), 1 << 20, detector_for()).pays()
