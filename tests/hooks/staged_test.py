"""`keylint scan --staged` (keylint.scanner.staged): the index is scanned, not the work tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from keylint.config import Config
from keylint.errors import KeylintError
from keylint.scanner.staged import parse_raw, scan_staged
from tests.fakes import fake_key
from tests.hooks.helpers import KEY_RULE, git, keylint, openai_line, stage, write


def test_key_only_in_the_work_tree_is_not_reported(repo: Path) -> None:
    write(repo, "app.py", "x = 1\n")
    stage(repo, ["app.py"])
    write(repo, "app.py", "x = 1\n" + openai_line())  # edited after `git add`
    done = keylint(repo, "scan", "--staged")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 file scanned" in done.stdout


def test_key_only_in_the_index_is_reported(repo: Path) -> None:
    key = fake_key(KEY_RULE, 1)
    write(repo, "app.py", f'x = 1\nAPI_KEY = "{key}"\n')
    stage(repo, ["app.py"])
    write(repo, "app.py", "x = 1\n")  # removed from the work tree, but still staged
    done = keylint(repo, "scan", "--staged")
    assert done.returncode == 1
    assert done.stdout.startswith(f"app.py:2:12: OpenAI Project Key {key[:7]}***...")
    assert key not in done.stdout + done.stderr


def test_unstaged_and_committed_files_are_not_scanned(repo: Path) -> None:
    write(repo, "old.py", openai_line(2))
    stage(repo, ["old.py"])
    git(repo, "commit", "-q", "--no-verify", "-m", "old")
    write(repo, "untracked.py", openai_line(3))
    write(repo, "new.py", "y = 2\n")
    stage(repo, ["new.py"])
    result = scan_staged(Config(), cwd=str(repo))
    assert (result.findings, result.files_scanned) == ([], 1)


def test_modified_renamed_and_deleted_files(repo: Path) -> None:
    write(repo, "a.py", openai_line(4))
    write(repo, "b.py", "b = 1\n")
    write(repo, "gone.py", "g = 1\n")
    stage(repo, ["a.py", "b.py", "gone.py"])
    git(repo, "commit", "-q", "--no-verify", "-m", "base")
    git(repo, "mv", "a.py", "moved.py")  # a rename carries its key into the commit
    write(repo, "b.py", "b = 1\n" + openai_line(5))
    git(repo, "rm", "-q", "gone.py")
    stage(repo, ["b.py"])
    result = scan_staged(Config(), cwd=str(repo))
    assert sorted((f.path, f.line) for f in result.findings) == [("b.py", 2), ("moved.py", 1)]
    assert result.files_scanned == 2


def test_excludes_and_size_cap_are_honoured_binary_and_baseline_files_are_read(repo: Path) -> None:
    write(repo, "vendor/lib.py", openai_line(6))
    write(repo, "big.txt", openai_line(7) + "#" * 400)
    write(repo, "image.bin", b"\0PNG" + openai_line(8).encode())
    write(repo, ".secrets.baseline", openai_line(9))
    write(repo, "ok.py", openai_line(10))
    stage(repo, ["vendor/lib.py", "big.txt", "image.bin", ".secrets.baseline", "ok.py"])
    cfg = Config(exclude=("vendor/",), max_file_size=300)  # a limit the user chose: kept
    result = scan_staged(cfg, cwd=str(repo))
    # A binary file is a gate's business too: its text runs are read. So is the baseline: a
    # commit can carry a key in it as in any file.
    assert sorted(f.path for f in result.findings) == [".secrets.baseline", "image.bin", "ok.py"]
    assert {(p.display, p.reason.split(":")[0]) for p in result.problems} == {
        ("big.txt", "skipped")}
    assert (result.files_scanned, result.files_skipped) == (3, 1)


def test_notebook_image_data_is_not_scanned(repo: Path) -> None:
    key = fake_key(KEY_RULE, 11)
    notebook = ('{\n "cells": [{"outputs": [{"data": {\n'
                f'     "image/png": "iVBOR{key}",\n'
                f'     "text/plain": ["API_KEY = \\"{key}\\""]\n'
                '   }}]}]\n}\n')
    write(repo, "nb.ipynb", notebook)
    stage(repo, ["nb.ipynb"])
    result = scan_staged(Config(), cwd=str(repo))
    assert [(f.path, f.line) for f in result.findings] == [("nb.ipynb", 4)]


def test_paths_are_shown_relative_to_a_subdirectory(repo: Path) -> None:
    write(repo, "pkg/mod.py", openai_line(12))
    stage(repo, ["pkg/mod.py"])
    result = scan_staged(Config(), cwd=str(repo / "pkg"))
    assert [f.path for f in result.findings] == ["mod.py"]


def test_odd_file_names_are_read_right(repo: Path) -> None:
    name = "dir with space/ünï cödé\tname.py"
    write(repo, name, openai_line(13))
    stage(repo, [name])
    result = scan_staged(Config(), cwd=str(repo))
    assert [f.path for f in result.findings] == [name]


def test_outside_git_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KeylintError, match="needs a git work tree"):
        scan_staged(Config(), cwd=str(tmp_path))
    done = keylint(tmp_path, "scan", "--staged")
    assert done.returncode == 2
    assert "needs a git work tree" in done.stderr


def test_parse_raw_keeps_regular_files_and_new_paths() -> None:
    blob = "1" * 40
    zero = "0" * 40
    raw = (f":000000 100644 {zero} {blob} A\0new.py\0"
           f":100644 100644 {blob} {blob} R087\0old name.py\0new name.py\0"
           f":000000 120000 {zero} {blob} A\0link\0"
           f":000000 160000 {zero} {blob} A\0submodule\0").encode()
    assert [(f.path, f.blob) for f in parse_raw(raw)] == [("new.py", blob), ("new name.py", blob)]


def test_a_symlink_replaced_by_a_file_with_a_key_is_reported(repo: Path) -> None:
    # git reports this as a type change (T), not a modification.
    write(repo, "a.py", "x = 1\n")
    (repo / "cfg.py").symlink_to("a.py")
    stage(repo, ["a.py", "cfg.py"])
    git(repo, "commit", "-q", "--no-verify", "-m", "link")
    (repo / "cfg.py").unlink()
    write(repo, "cfg.py", openai_line(4))
    stage(repo, ["cfg.py"])
    done = keylint(repo, "scan", "--staged")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("cfg.py:1:")


def test_the_staged_baseline_gates_the_commit_not_the_work_tree_one(repo: Path) -> None:
    write(repo, "a.py", "x = 1\n")
    assert keylint(repo, "baseline", "create").returncode == 0
    stage(repo, ["a.py", ".secrets.baseline"])
    git(repo, "commit", "-q", "--no-verify", "-m", "baseline")
    write(repo, "app.py", openai_line(5))
    stage(repo, ["app.py"])
    assert keylint(repo, "baseline", "update").returncode in (0, 3)
    blocked = keylint(repo, "scan", "--staged")  # the update is in the work tree only
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    stage(repo, [".secrets.baseline"])
    assert keylint(repo, "scan", "--staged").returncode == 0


def test_a_staged_utf16_file_is_scanned_and_binaries_are_counted_quietly(repo: Path) -> None:
    key = fake_key(KEY_RULE, 6)
    write(repo, "ps.env", f"x=1\r\nOPENAI_API_KEY={key}\r\n".encode("utf-16"))
    write(repo, "blob.bin", b"\x00\x01\x02")
    stage(repo, ["ps.env", "blob.bin"])
    done = keylint(repo, "scan", "--staged")
    assert done.returncode == 1
    assert done.stdout.startswith("ps.env:2:16: OpenAI Project Key")
    assert "blob.bin" not in done.stderr


def test_staged_large_and_binary_files_are_read(repo: Path) -> None:
    """`--staged` is a gate: a large blob is streamed from git, a binary one read as text."""
    key = fake_key(KEY_RULE, 92)
    write(repo, "huge.txt", b"# padding line\n" * 750_000 + openai_line(92).encode())
    write(repo, "padded.cfg", b"\0" * 32 + b"\n" + openai_line(93).encode())
    stage(repo, ["huge.txt", "padded.cfg"])
    done = keylint(repo, "scan", "--staged")
    assert done.returncode == 1, done.stderr
    assert sorted(ln.split(":")[0] for ln in done.stdout.splitlines()[:-1]) == [
        "huge.txt", "padded.cfg"]
    assert "huge.txt:750001:" in done.stdout and key not in done.stdout + done.stderr


def _lfs_pointer(repo: Path, name: str, content: bytes, *, stored: bool) -> None:
    """What `git add` does for a file Git LFS tracks: the index gets a pointer, the content
    goes to the clone's LFS storage (written here by hand: git-lfs need not be installed)."""
    import hashlib

    oid = hashlib.sha256(content).hexdigest()
    if stored:
        obj = repo / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4] / oid
        obj.parent.mkdir(parents=True)
        obj.write_bytes(content)
    write(repo, name, f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\n"
                      f"size {len(content)}\n")
    stage(repo, [name])


def test_a_key_in_a_file_git_lfs_stores_is_reported(repo: Path) -> None:
    key = fake_key(KEY_RULE, 21)
    _lfs_pointer(repo, "data/config.json", f'{{"x": 1,\n "api_key": "{key}"}}\n'.encode(),
                 stored=True)
    done = keylint(repo, "scan", "--staged")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("data/config.json:2:")
    assert key not in done.stdout + done.stderr


def test_a_pointer_whose_file_is_not_here_is_noted(repo: Path) -> None:
    _lfs_pointer(repo, "model.bin", b"\0weights", stored=False)
    done = keylint(repo, "scan", "--staged")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "model.bin: Git LFS pointer: the file it stands for is not in this clone's LFS " \
           "storage: not scanned" in done.stderr


def test_a_commit_of_a_whole_tree_is_scanned_the_same_with_the_prefilter(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A vendored tree committed at once loads the hyperscan prefilter, as a tree scan does.
    pytest.importorskip("hyperscan")
    names = []
    for i in range(210):
        body = f"x = {i}\n" + (f'API_KEY = "{fake_key(KEY_RULE, i)}"\n' if i % 30 == 0 else "")
        names.append(f"vendor/m{i}.py")
        write(repo, names[-1], body)
    stage(repo, names)
    cache = tmp_path / "cache"
    monkeypatch.setenv("KEYLINT_CACHE_DIR", str(cache))
    out = {}
    for mode in ("off", "on"):
        monkeypatch.setenv("KEYLINT_PREFILTER", mode)
        done = keylint(repo, "scan", "--staged")
        assert done.returncode == 1, done.stderr
        out[mode] = done.stdout.rsplit(" in ", 1)[0]  # the summary's time differs
        assert cache.exists() == (mode == "on")  # the prefilter was used, then not
    assert out["on"] == out["off"]
    assert out["on"].count("OpenAI Project Key") == 7
