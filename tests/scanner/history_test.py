"""`keylint scan --history` / `--commits`: real repositories built in tmp dirs, keys made now."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
from pathlib import Path

import pytest

from keylint.config import Config
from keylint.errors import KeylintError
from keylint.scanner import gitlog
from keylint.scanner.history import scan_history
from keylint.scanner.ranges import range_spec
from tests.fakes import assignment, fake_key
from tests.gitenv import isolated_git  # noqa: F401 (autouse: git isolated in every test)
from tests.hooks.helpers import KEY_RULE, git, keylint, write
from tests.scanner.gitrepo import commit, new_repo

ANTHROPIC = "anthropic-api-key"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = new_repo(tmp_path)
    write(path, "README.md", "a project\n")
    commit(path, "init")
    return path



def line(rule: str, seed: int) -> tuple[str, str]:
    key = fake_key(rule, seed)
    return key, assignment(rule, key) + "\n"


def scan(repo: Path, *specs: list[str], **cfg: object) -> list:  # type: ignore[type-arg]
    return scan_history(str(repo), specs or [["--all"]], Config(**cfg), cwd=str(repo)).findings  # type: ignore[arg-type]


def test_key_added_then_deleted_is_found_as_history_only(repo: Path) -> None:
    key, text = line(ANTHROPIC, 1)
    write(repo, "settings.py", "DEBUG = True\n" + text)
    added = commit(repo, "add settings")
    os.remove(repo / "settings.py")
    commit(repo, "remove settings")
    done = keylint(repo, "scan", "--history")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith(f"settings.py@{added[:7]}:2:")
    assert "[history only: added " in done.stdout and "by keylint tests; 1 commit]" in done.stdout
    assert "keylint: 3 commits, 2 blobs scanned, 0 skipped, 1 finding" in done.stdout
    assert key not in done.stdout + done.stderr
    # The work tree alone is clean: this is what only history shows.
    assert keylint(repo, "scan").returncode == 0


def test_key_still_present_is_found_once(repo: Path) -> None:
    _, text = line(KEY_RULE, 2)
    write(repo, "app.py", text)
    first = commit(repo, "key")
    write(repo, "other.py", "x = 1\n")
    commit(repo, "unrelated")
    [f] = scan(repo)
    assert (f.path, f.line, f.commit, f.in_head, f.commits, f.paths) == (
        "app.py", 1, first, True, 1, 1)


def test_the_same_key_edited_in_50_commits_is_one_finding(repo: Path) -> None:
    _, text = line(KEY_RULE, 3)
    first = ""
    for i in range(50):
        write(repo, "config.py", text + "".join(f"OPTION_{n} = {n}\n" for n in range(i + 1)))
        sha = commit(repo, f"edit {i}")
        first = first or sha
    [f] = scan(repo)
    assert (f.commit, f.commits, f.paths, f.in_head) == (first, 50, 1, True)


def test_renames_count_paths_and_keep_the_first_path(repo: Path) -> None:
    _, text = line(KEY_RULE, 4)
    write(repo, "old/name.py", text)
    first = commit(repo, "key")
    git(repo, "mv", "old", "new")
    commit(repo, "rename")
    [f] = scan(repo)
    assert (f.path, f.commit, f.commits, f.paths) == ("old/name.py", first, 2, 2)
    done = keylint(repo, "scan", "--history", "--format", "json")
    [result] = json.loads(done.stdout)["results"]
    assert result["history"] == {"commit": first, "author_date": f.author_date,
                                 "author": "keylint tests", "commits": 2, "paths": 2,
                                 "in_head": True}


def test_merges_a_branch_key_and_a_key_written_while_resolving(repo: Path) -> None:
    _, branch_text = line(KEY_RULE, 5)
    _, merge_text = line(ANTHROPIC, 6)
    write(repo, "shared.py", "VALUE = 0\n")
    commit(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, "feature.py", branch_text)
    write(repo, "shared.py", "VALUE = 1\n")
    on_branch = commit(repo, "feature key")
    git(repo, "checkout", "-q", "main")
    write(repo, "shared.py", "VALUE = 2\n")
    commit(repo, "main change")
    assert git(repo, "merge", "-q", "feature", check=False).returncode != 0  # a conflict
    write(repo, "shared.py", "VALUE = 3\n" + merge_text)
    merge = commit(repo, "merge, resolved with a key")
    found = {f.rule_id: f.commit for f in scan(repo, ["HEAD"])}
    assert found == {KEY_RULE: on_branch, ANTHROPIC: merge}


def test_a_deleted_branch_is_out_of_reach_but_other_refs_are_scanned(repo: Path) -> None:
    _, text = line(KEY_RULE, 7)
    git(repo, "checkout", "-q", "-b", "wip")
    write(repo, "wip.py", text)
    commit(repo, "wip")
    git(repo, "checkout", "-q", "main")
    assert len(scan(repo)) == 1  # --all: every ref, not only the checked-out branch
    assert scan(repo, ["main"]) == []
    done = keylint(repo, "scan", "--history", "main")
    assert done.returncode == 0 and "1 commit, 1 blob scanned" in done.stdout


def test_commits_range_scans_only_what_the_range_introduced(repo: Path) -> None:
    _, old = line(KEY_RULE, 8)
    key, new = line(ANTHROPIC, 9)
    write(repo, "old.py", old)
    base = commit(repo, "old key, already pushed")
    write(repo, "new.py", new)
    commit(repo, "new key")
    os.remove(repo / "new.py")
    commit(repo, "and gone again")
    done = keylint(repo, "scan", "--commits", f"{base}..HEAD")
    assert done.returncode == 1
    assert [ln.split("@")[0] for ln in done.stdout.splitlines()[:-1]] == ["new.py"]
    assert "keylint: 2 commits," in done.stdout
    assert key not in done.stdout + done.stderr
    assert keylint(repo, "scan", "--commits", "HEAD~1..HEAD").returncode == 0


def test_baselined_history_key_is_not_new_wherever_it_appears(repo: Path) -> None:
    _, text = line(KEY_RULE, 10)
    write(repo, "a.py", text)
    commit(repo, "key")
    git(repo, "mv", "a.py", "b.py")
    commit(repo, "moved")
    os.remove(repo / "b.py")
    commit(repo, "removed")
    assert keylint(repo, "scan", "--history").returncode == 1
    created = keylint(repo, "baseline", "create", "--history")
    assert created.returncode == 0, created.stderr
    entries = json.loads((repo / ".secrets.baseline").read_text())["results"]
    assert list(entries) == ["a.py"] and "commit" in entries["a.py"][0]
    assert keylint(repo, "scan", "--history").returncode == 0
    # A later tree-only update keeps the entry: the file is gone, the history still holds it.
    assert keylint(repo, "baseline", "update").returncode == 0
    assert keylint(repo, "scan", "--history").returncode == 0
    _, other = line(ANTHROPIC, 11)
    write(repo, "c.py", other)
    commit(repo, "a new key")
    assert keylint(repo, "scan", "--history").returncode == 1


def test_pragma_applies_per_blob(repo: Path) -> None:
    key = fake_key(KEY_RULE, 12)
    write(repo, "test_fixture.py", f'API_KEY = "{key}"  # pragma: allowlist secret\n')
    commit(repo, "fixture")
    assert scan(repo) == []


def test_binary_oversized_symlink_and_utf16_blobs(repo: Path) -> None:
    key, text = line(KEY_RULE, 13)
    write(repo, "blob.bin", b"\0\1\2" + text.encode())
    write(repo, "big.py", "# padding\n" * 200 + text)
    write(repo, "ps.txt", b"\xff\xfe" + text.encode("utf-16-le"))
    os.symlink("big.py", repo / "link.py")
    sha = commit(repo, "odd files")
    result = scan_history(str(repo), [["--all"]], Config(max_file_size=1000), cwd=str(repo))
    assert [f.path for f in result.findings] == ["ps.txt"]
    notes = [(p.display, p.reason, p.error, p.quiet) for p in result.problems]
    assert (f"blob.bin@{sha[:7]}", "binary", False, True) in notes
    assert any(d == f"big.py@{sha[:7]}" and "max_file_size" in r and not e
               for d, r, e, _ in notes)
    done = keylint(repo, "scan", "--history")  # the default size limit reads big.py
    assert done.returncode == 1 and "big.py@" in done.stdout
    assert key not in done.stdout + done.stderr


def test_excludes_apply_to_history_paths(repo: Path) -> None:
    _, text = line(KEY_RULE, 14)
    write(repo, "fixtures/keys.py", text)
    commit(repo, "fixtures")
    assert scan(repo, exclude=("fixtures/",)) == []
    assert keylint(repo, "scan", "--history", "--exclude", "fixtures/").returncode == 0


def test_shallow_clone_is_an_error_not_a_clean_pass(repo: Path, tmp_path: Path) -> None:
    for i in range(3):
        write(repo, f"f{i}.py", f"x = {i}\n")
        commit(repo, f"c{i}")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    done = keylint(clone, "scan", "--history")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "shallow clone" in done.stderr and "fetch-depth: 0" in done.stderr
    assert "1 commit, " in done.stdout
    # A range whose base is not in the clone says so instead of scanning something else.
    ranged = keylint(clone, "scan", "--commits", "HEAD~2..HEAD")
    assert ranged.returncode == 2
    assert "bad revision or range 'HEAD~2..HEAD'" in ranged.stderr and "shallow" in ranged.stderr


def test_a_linked_worktree_of_a_shallow_clone_is_shallow_too(repo: Path, tmp_path: Path) -> None:
    """The shallow list lives in the common git directory, not in a linked worktree's own."""
    key, text = line(KEY_RULE, 16)
    write(repo, "settings.py", text)
    commit(repo, "key")
    os.remove(repo / "settings.py")
    for i in range(2):
        write(repo, f"f{i}.py", f"x = {i}\n")
        commit(repo, f"c{i}")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    git(clone, "worktree", "add", "-q", str(tmp_path / "linked"))
    done = keylint(tmp_path / "linked", "scan", "--history")
    assert done.returncode == 2, done.stdout + done.stderr  # the key's commit was never read
    assert "shallow clone" in done.stderr and key not in done.stdout + done.stderr


def test_missing_blob_is_reported_and_fails_the_scan(repo: Path) -> None:
    _, text = line(KEY_RULE, 15)
    write(repo, "gone.py", "x = 1\n")
    write(repo, "kept.py", text)
    sha = commit(repo, "two files")
    blob = git(repo, "rev-parse", "HEAD:gone.py").stdout.strip()
    os.remove(repo / ".git" / "objects" / blob[:2] / blob[2:])
    done = keylint(repo, "scan", "--history")
    assert done.returncode == 2
    assert f"error: gone.py@{sha[:7]}: not in this clone" in done.stderr
    assert "kept.py@" in done.stdout  # the rest is still scanned and reported


def test_bad_revision_not_a_repository_and_empty_range(repo: Path, tmp_path: Path) -> None:
    bad = keylint(repo, "scan", "--commits", "no-such-branch..HEAD")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "bad revision or range" in bad.stderr
    plain = tmp_path / "plain"
    plain.mkdir()
    outside = keylint(plain, "scan", "--history")
    assert outside.returncode == 2 and "not a git repository" in outside.stderr
    empty = keylint(repo, "scan", "--commits", "HEAD..HEAD")
    assert empty.returncode == 0 and "no commits in 'HEAD..HEAD'" in empty.stderr
    assert keylint(repo, "scan", "--history", "--staged").returncode == 2
    assert keylint(repo, "scan", "--commits", "--output=x HEAD").returncode == 2


def test_bare_repository_and_a_path_inside_the_work_tree(repo: Path, tmp_path: Path) -> None:
    _, text = line(KEY_RULE, 16)
    write(repo, "src/app.py", text)
    commit(repo, "key")
    bare = tmp_path / "mirror.git"
    git(tmp_path, "clone", "-q", "--mirror", str(repo), str(bare))
    done = keylint(tmp_path, "scan", str(bare), "--history")
    assert done.returncode == 1 and done.stdout.startswith("src/app.py@"), done.stderr
    inside = keylint(repo / "src", "scan", "--history")
    assert inside.returncode == 1 and inside.stdout.startswith("app.py@")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_output_format_holds_the_raw_key(repo: Path, fmt: str) -> None:
    keys = []
    for seed, rule in enumerate((KEY_RULE, ANTHROPIC, "github-token"), start=20):
        key, text = line(rule, seed)
        keys.append(key)
        write(repo, f"{rule}-{key[:12]}.py", text)  # a key-like piece in the file name too
    commit(repo, "keys")
    for path in repo.glob("*.py"):
        path.unlink()
    commit(repo, "gone")
    done = keylint(repo, "scan", "--history", "--format", fmt)
    assert done.returncode == 1
    out = done.stdout + done.stderr
    assert not any(k in out for k in keys)
    if fmt == "sarif":
        results = json.loads(done.stdout)["runs"][0]["results"]
        assert {r["properties"]["history"]["in_head"] for r in results} == {False}
        assert all("was committed in" in r["message"]["text"] for r in results)
    if fmt == "github":
        assert len(re.findall(r"^::error file=", done.stdout, re.M)) == 3


def test_parallel_scan_finds_the_same_as_one_process(repo: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("keylint.scanner.history._PARALLEL_MIN_COMMITS", 1)
    _, text = line(KEY_RULE, 30)
    for i in range(250):
        write(repo, f"pkg/mod{i}.py", f"VALUE = {i}\n" + (text if i % 50 == 7 else ""))
    commit(repo, "many files")
    for i in range(0, 250, 25):
        write(repo, f"pkg/mod{i}.py", f"VALUE = -{i}\n")
        commit(repo, f"edit {i}")
    one = scan_history(str(repo), [["--all"]], Config(), jobs=1, cwd=str(repo))
    two = scan_history(str(repo), [["--all"]], Config(), jobs=2, cwd=str(repo))
    assert one.files_scanned == two.files_scanned == 261
    assert [(f.path, f.commits, f.paths) for f in one.findings] == \
        [(f.path, f.commits, f.paths) for f in two.findings] == [("pkg/mod107.py", 1, 5)]


def _random_history(repo: Path, seed: int) -> None:
    """Commits on two branches that add, move, edit around and delete keys in a few files."""
    rng = random.Random(seed)
    files = [f"f{i}.py" for i in range(4)]
    keys = [line(rule, seed * 100 + n)[1] for n, rule in enumerate([KEY_RULE, ANTHROPIC] * 4)]
    content = {f: [f"x{n} = {n}\n" for n in range(12)] for f in files}
    for step in range(40):
        if step == 20:
            git(repo, "checkout", "-q", "-b", "side")
        if step == 30:
            git(repo, "checkout", "-q", "main")
        f = rng.choice(files)
        lines = content[f]
        action = rng.random()
        at = rng.randrange(len(lines) + 1)
        if action < 0.3:
            lines.insert(at, rng.choice(keys))
        elif action < 0.6 and lines:
            del lines[min(at, len(lines) - 1)]
        else:
            lines.insert(at, f"y{step} = {step}\n")
        write(repo, f, "".join(lines))
        commit(repo, f"step {step}")
    git(repo, "merge", "-q", "--no-edit", "-X", "ours", "side", check=False)


@pytest.mark.parametrize("seed", range(4))
def test_scanning_changes_finds_what_scanning_every_blob_whole_finds(
        repo: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The changed-part scan loses nothing: every secret in any reachable blob is found, and
    each blob's held secrets give the same 'still in HEAD' as a whole scan of HEAD."""
    from keylint.scanner.engine import scan_bytes

    _random_history(repo, seed)
    listed = git(repo, "rev-list", "--objects", "--all").stdout.split("\n")
    expected: set[str] = set()
    for row in listed:
        parts = row.split(" ", 1)
        if len(parts) == 2 and git(repo, "cat-file", "-t", parts[0]).stdout.strip() == "blob":
            data = subprocess.run(["git", "cat-file", "blob", parts[0]], cwd=repo,
                                  capture_output=True, check=True).stdout
            expected |= {f.hashed_secret for f in scan_bytes(data, parts[1])}
    at_head = {f.hashed_secret for f in
               scan_history(str(repo), [["HEAD"]], Config(), cwd=str(repo)).findings if f.in_head}
    tree = {f.hashed_secret for p in repo.glob("*.py")
            for f in scan_bytes(p.read_bytes(), p.name)}
    assert at_head == tree
    monkeypatch.setattr("keylint.scanner.history._PARALLEL_MIN_COMMITS", 1)
    for jobs in (1, 2):
        found = scan_history(str(repo), [["--all"]], Config(), jobs=jobs, cwd=str(repo)).findings
        assert {f.hashed_secret for f in found} == expected


def test_each_blob_is_read_once(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file untouched by 30 commits is one blob: work grows with blobs, not commits."""
    _, text = line(KEY_RULE, 31)
    write(repo, "stable.py", text)
    for i in range(30):
        write(repo, "changing.py", f"x = {i}\n")
        commit(repo, f"c{i}")
    asked: list[str] = []
    real = gitlog.read_blobs

    def counting(repo_: gitlog.Repo, items, max_size: int, absent):  # type: ignore[no-untyped-def]
        def recorded():  # type: ignore[no-untyped-def]
            for item in items:
                asked.append(item[0])
                yield item
        return real(repo_, recorded(), max_size, absent)

    monkeypatch.setattr("keylint.scanner.blobscan.read_blobs", counting)
    [f] = scan(repo)
    assert f.commits == 1
    assert len(asked) == len(set(asked)) == 1 + 1 + 30  # README, stable.py, each changing.py


@pytest.mark.parametrize(("text", "spec"), [
    ("main..HEAD", ["main..HEAD"]),
    ("A...B", ["A...B"]),
    ("--since=2.weeks main", ["--since=2.weeks", "main"]),
    ("0" * 40 + "..abc", ["abc"]),
    ("-n5 HEAD", ["-n5", "HEAD"]),
])
def test_range_spec(text: str, spec: list[str]) -> None:
    assert range_spec(text) == spec


@pytest.mark.parametrize("text", ["", "--output=/tmp/x HEAD", "--count HEAD", "'unclosed"])
def test_range_spec_refuses(text: str) -> None:
    with pytest.raises(KeylintError):
        range_spec(text)


def test_git_log_parsing_survives_odd_paths(repo: Path) -> None:
    _, text = line(KEY_RULE, 32)
    odd = "we:ird\tname\x01.py"
    write(repo, odd, text)
    commit(repo, "odd")
    [f] = scan(repo)
    assert f.path == odd


def test_commit_metadata_needs_no_blob(repo: Path) -> None:
    """git log reads trees only: the log of a repository missing every blob still parses."""
    write(repo, "a.py", "x = 1\n")
    commit(repo, "a")
    r = gitlog.open_repo(str(repo))
    commits = gitlog.rev_list(r, ["HEAD"])
    log = gitlog.read_log(r, commits)
    assert [c.sha for c in log.commits] == commits
    assert sorted(p for places in log.blobs.values() for _, p in places) == ["README.md", "a.py"]


def test_git_is_never_asked_to_fetch(repo: Path) -> None:
    env = gitlog.git_env()
    assert env["GIT_NO_LAZY_FETCH"] == "1" and env["GIT_TERMINAL_PROMPT"] == "0"
    assert subprocess.run(["git", "--version"], env=env, capture_output=True).returncode == 0


def test_commits_range_does_not_report_a_key_the_edited_file_already_had(repo: Path) -> None:
    """A range introduces only what its commits changed: an old key in a file the range edits
    was already pushed (gitleaks and ggshield scan only added lines for the same reason)."""
    _, old = line(KEY_RULE, 40)
    write(repo, "settings.py", "A = 1\n" + old + "".join(f"X{n} = {n}\n" for n in range(20)))
    base = commit(repo, "old key")
    write(repo, "settings.py", "A = 2\n" + old + "".join(f"X{n} = {n}\n" for n in range(21)))
    commit(repo, "edit elsewhere in the file")
    assert keylint(repo, "scan", "--commits", f"{base}..HEAD").returncode == 0
    key, new = line(ANTHROPIC, 41)
    text = (repo / "settings.py").read_text()
    write(repo, "settings.py", text.replace("X10 = 10\n", "X10 = 10\n" + new))
    commit(repo, "a new key in the middle")
    done = keylint(repo, "scan", "--commits", f"{base}..HEAD")
    assert done.returncode == 1 and "anthropic-api-key" in done.stdout
    assert KEY_RULE not in done.stdout and key not in done.stdout


def test_edit_next_to_a_bare_key_that_gives_it_context_is_found(repo: Path) -> None:
    """Only the changed lines and the lines around them are scanned again: a provider word added
    on the line before a bare-shape key turns it into a finding in that commit."""
    bare = fake_key("mistral-api-key", 42)
    write(repo, "conf.py", "".join(f"A{n} = {n}\n" for n in range(30)) + f'value = "{bare}"\n'
          + "".join(f"B{n} = {n}\n" for n in range(30)))
    commit(repo, "a bare 32-character string, no provider named")
    assert scan(repo) == []
    text = (repo / "conf.py").read_text()
    write(repo, "conf.py", text.replace("A29 = 29\n", "A29 = 29\n# MISTRAL_API_KEY\n"))
    named = commit(repo, "now it says what it is")
    [f] = scan(repo)
    assert (f.rule_id, f.commit, f.line) == ("mistral-api-key", named, 32)


def test_a_key_edited_inside_a_pem_block_is_found(repo: Path) -> None:
    pem = fake_key("private-key", 43)
    write(repo, "key.pem", "".join(f"# note {n}\n" for n in range(10)) + pem + "\n")
    commit(repo, "a key")
    body = pem.splitlines()
    body[3] = body[3][::-1]  # one line of the body changed: a different key
    write(repo, "key.pem", "".join(f"# note {n}\n" for n in range(10)) + "\n".join(body) + "\n")
    changed = commit(repo, "another key")
    found = sorted((f.commit, f.line) for f in scan(repo))
    assert len(found) == 2 and (changed, 11) in found


def test_a_submodule_commit_is_noted_not_scanned(repo: Path, tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    git(sub, "init", "-q")
    write(sub, "lib.py", "x = 1\n")
    commit(sub, "sub")
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendor/sub")
    commit(repo, "a submodule")
    done = keylint(repo, "scan", "--history")
    assert done.returncode == 0, done.stderr
    assert "1 submodule commit(s) recorded" in done.stderr


def test_lfs_pointers_are_noted(repo: Path) -> None:
    oid = "a" * 64
    write(repo, "model.bin", f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\n"
          "size 12345\n")
    commit(repo, "an LFS pointer")
    done = keylint(repo, "scan", "--history")
    assert done.returncode == 0 and "1 Git LFS pointer(s)" in done.stderr


def test_commits_is_a_gate_it_reads_binary_and_large_blobs(repo: Path) -> None:
    """`--commits` (CI, pre-push) must not pass a key because its file has a NUL byte or is over
    the size limit, as the hook and --staged do not; `--history` keeps skipping them (named)."""
    key, text = line(KEY_RULE, 50)
    other, big = line(ANTHROPIC, 51)
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    write(repo, "padded.cfg", b"\0" * 32 + b"\n" + text.encode())
    write(repo, "huge.txt", b"# padding line\n" * 750_000 + big.encode())  # 11 MB
    commit(repo, "binary and large")
    ranged = keylint(repo, "scan", "--commits", f"{base}..HEAD")
    assert ranged.returncode == 1, ranged.stderr
    assert sorted(ln.split("@")[0] for ln in ranged.stdout.splitlines()[:-1]) == [
        "huge.txt", "padded.cfg"]
    assert "huge.txt@" in ranged.stdout and ":750001:" in ranged.stdout
    assert key not in ranged.stdout + ranged.stderr and other not in ranged.stdout
    whole = keylint(repo, "scan", "--history")
    assert whole.returncode == 0 and "note: huge.txt@" in whole.stderr


def test_files_not_yet_edited_again_keep_their_place_in_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file edited over and over must not push out the last versions of the files beside it:
    their next edit would then be scanned whole (work counted in bytes scanned)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    def rows(name: str) -> str:
        return "".join(f"{name[0]}_{n} = {n}\n" for n in range(150))  # 1.5 kB

    for name in ("a.py", "b.py", "c.py", "hot.py"):
        write(repo, name, rows(name))
    commit(repo, "four files")
    for n in range(12):
        write(repo, "hot.py", rows("hot.py") + f"edit = {n}\n")
        commit(repo, f"hot {n}")
    for name in ("a.py", "b.py", "c.py"):
        write(repo, name, rows(name) + "tail = 1\n")
        commit(repo, f"edit {name}")
    monkeypatch.setattr("keylint.scanner.blobscan._BUDGET", 14000)
    result = scan_history(str(repo), [["--all"]], Config(), cwd=str(repo), jobs=1)
    first = sum(len(rows(name)) for name in ("a.py", "b.py", "c.py", "hot.py"))
    # Each first version whole, then each edit's line and the three lines around it.
    assert first < result.bytes_scanned < first + 15 * 60
