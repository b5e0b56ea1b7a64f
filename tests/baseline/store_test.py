"""Writes are atomic and locked; loading never writes; a failed change leaves the old bytes."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from keylint.baseline import store
from keylint.baseline.model import Baseline, Entry, render
from keylint.errors import KeylintError

HASHES = [f"{i:040x}" for i in range(1, 9)]


def _lock_is_free(path: Path) -> bool:
    try:
        fd = os.open(store.lock_path(path), os.O_RDWR)
    except FileNotFoundError:
        return True
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


def test_a_full_disk_is_one_line_naming_the_baseline(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from keylint.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("x = 1\n")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")  # as the kernel says it: no file name

    monkeypatch.setattr(os, "fsync", full)
    assert main(["baseline", "create"]) == 2
    err = capsys.readouterr().err
    assert err == "keylint: error: .secrets.baseline: cannot write: No space left on device\n"
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


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


def test_a_symlinked_baseline_is_written_where_its_bytes_are(tmp_path: Path) -> None:
    """`.secrets.baseline -> config/secrets.json`: the link stays and the file it names changes
    (as detect-secrets writes through it); replacing the link would leave the committed file
    stale, and its lock (beside the real file) would not guard the write."""
    real = tmp_path / "config" / "secrets.json"
    real.parent.mkdir()
    real.write_text(render(Baseline()))
    link = tmp_path / ".secrets.baseline"
    link.symlink_to(Path("config") / "secrets.json")
    _add_one(str(link), HASHES[0])
    assert link.is_symlink()
    assert [e.hashed_secret for e in store.load(real).entries] == [HASHES[0]]
    assert sorted(p.name for p in real.parent.iterdir()) == ["secrets.json"]  # no temp left


def test_the_lock_lives_beside_the_baseline_and_goes_with_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It used to be $TMPDIR/keylint-baseline-<hash>.lock, one per baseline, never removed.
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    path = tmp_path / "repo" / ".secrets.baseline"
    path.parent.mkdir()
    path.write_text(render(Baseline()))
    during = []

    def change(old: Baseline | None) -> Baseline:
        during.append(sorted(os.listdir(path.parent)))
        assert old is not None
        return old.with_entries([Entry("a.py", "T", HASHES[0], 1)])

    assert store.transact(path, change)
    assert during == [[".secrets.baseline", ".secrets.baseline.lock"]]
    assert sorted(os.listdir(path.parent)) == [".secrets.baseline"]
    assert os.listdir(temp) == []


def test_a_held_lock_times_out_with_a_message_naming_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(render(Baseline()))
    now = [0.0]
    waits: list[Path] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds

    # Another open file description of the lock file: flock treats it as another writer.
    with store.locked(path), pytest.raises(KeylintError) as failed, \
            store.locked(path, wait=5.0, on_wait=waits.append, clock=lambda: now[0], sleep=sleep):
        pytest.fail("took a lock that was held")
    assert waits == [path]
    assert 5.0 <= now[0] < 5.2
    message = str(failed.value)
    assert message.startswith(f"{path}: another keylint (process {os.getpid()}) has held the "
                              "baseline lock")
    assert "for 5 s" in message and "nothing was written" in message
    assert sorted(os.listdir(tmp_path)) == ["b.json"]


def test_a_lock_file_left_by_a_killed_run_is_taken_and_removed(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(render(Baseline()))
    store.lock_path(path).write_text("12345\n")  # no process holds it any more
    _add_one(str(path), HASHES[0])
    assert [e.hashed_secret for e in store.load(path).entries] == [HASHES[0]]
    assert sorted(os.listdir(tmp_path)) == ["b.json"]


def test_a_waiter_whose_lock_file_was_removed_waits_for_the_new_one(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(render(Baseline()))
    lock = store.lock_path(path)
    first = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(first, fcntl.LOCK_EX)
    held: list[int] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds
        if not held:  # the holder finishes: removes its file, releases; a third run locks anew
            os.unlink(lock)
            os.close(first)
            held.append(os.open(lock, os.O_RDWR | os.O_CREAT, 0o600))
            fcntl.flock(held[0], fcntl.LOCK_EX)

    try:
        with pytest.raises(KeylintError, match="has held the baseline lock"), \
                store.locked(path, wait=1.0, on_wait=lambda _: None, clock=lambda: now[0],
                             sleep=sleep):
            pytest.fail("took a removed lock file while another run held the new one")
    finally:
        os.close(held[0])


def test_a_writer_that_has_to_wait_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "b.json"
    path.write_text(render(Baseline()))
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with store.locked(path), pytest.raises(KeylintError), \
            store.locked(path, wait=0.1, clock=lambda: now[0], sleep=sleep):
        pytest.fail("took a lock that was held")
    assert capsys.readouterr().err == (
        f"keylint: note: {path}: waiting for another keylint to finish writing it\n")


@pytest.mark.parametrize("linked", [False, True])
def test_a_fifo_or_device_at_the_baseline_path_is_never_replaced(tmp_path: Path,
                                                                 linked: bool) -> None:
    """`baseline create --force` writes without reading first: through a link a repository
    committed (`.secrets.baseline -> /dev/null`), as root, it replaced the device with a file."""
    special = tmp_path / "special"
    os.mkfifo(special)  # stands in for /dev/null: a test must not touch the real one
    path = tmp_path / ".secrets.baseline"
    if linked:
        path.symlink_to(special)
    else:
        path = special
    with pytest.raises(KeylintError, match="cannot write: not a regular file"):
        store.write_atomic(path, "{}\n")
    assert os.path.exists(special) and not os.path.isfile(special)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
