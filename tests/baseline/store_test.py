"""Writes are atomic and locked; loading never writes; a failed change leaves the old bytes."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
from dataclasses import replace
from pathlib import Path

import pytest

from keylint.baseline import store
from keylint.baseline.model import Baseline, Entry, render
from keylint.errors import KeylintError

HASHES = [f"{i:040x}" for i in range(1, 9)]


def _lock_is_free(path: Path) -> bool:
    fd = os.open(store._lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_change_runs_under_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(render(Baseline()))
    seen = []

    def change(old: Baseline | None) -> Baseline:
        seen.append(_lock_is_free(path))  # a second open file description cannot take it
        assert old is not None
        return old.with_entries([Entry("a.py", "T", HASHES[0], 1)])

    assert store.transact(path, change)
    assert seen == [False]
    assert _lock_is_free(path)  # released afterwards


def _add_one(path: str, digest: str) -> None:
    def change(old: Baseline | None) -> Baseline:
        assert old is not None
        return old.with_entries([*old.entries, Entry("a.py", "T", digest, 1)])

    store.transact(Path(path), change)


def test_concurrent_writers_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(render(Baseline()))
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_add_one, args=(str(path), d)) for d in HASHES]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert sorted(e.hashed_secret for e in store.load(path).entries) == HASHES
    assert sorted(os.listdir(tmp_path)) == ["b.json"]  # no temp file left behind


def test_a_failing_change_leaves_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(render(Baseline(entries=(Entry("a.py", "T", HASHES[0], 1),))))
    before = path.read_bytes()

    def change(old: Baseline | None) -> Baseline:
        raise KeylintError("boom")

    with pytest.raises(KeylintError):
        store.transact(path, change)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["b.json"]


def test_an_interrupted_write_leaves_the_old_file(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "b.json"
    path.write_text("old\n")

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        store.write_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["b.json"]


def test_a_moved_line_is_no_change(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    old = Baseline(entries=(Entry("a.py", "T", HASHES[0], 3, False),))
    path.write_text(render(old))
    moved = old.with_entries([replace(old.entries[0], line_number=30)])
    assert not store.save(path, moved, old)
    assert store.save(path, moved.with_entries([replace(moved.entries[0], is_secret=True)]), old)


def test_loading_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(render(Baseline(entries=(Entry("a.py", "T", HASHES[0], 1),))))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    store.load(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(os.listdir(tmp_path)) == ["b.json"]
    assert _lock_is_free(path)


def test_the_file_mode_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text("{}")
    os.chmod(path, 0o640)
    store.write_atomic(path, "x")
    assert path.stat().st_mode & 0o777 == 0o640
