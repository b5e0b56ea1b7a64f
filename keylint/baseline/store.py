"""Reading and writing baseline files.

Loading never writes (pre-commit runs hooks in parallel batches). Every write holds an exclusive
lock (`fcntl.flock` on a lock file beside the baseline, removed when released), so concurrent
writers queue instead of losing each other's updates, and replaces the file atomically (temp
file in the same directory + `os.replace`): a failed or interrupted run leaves the old bytes.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from keylint.baseline import plugins
from keylint.baseline.model import Baseline, loads, render
from keylint.errors import KeylintError
from keylint.reading import read_regular


def read_text(path: Path) -> str:
    """The baseline's text; a missing or unreadable file is a KeylintError."""
    try:
        return read_regular(path).decode("utf-8")
    except FileNotFoundError:
        raise KeylintError(f"{path}: baseline not found (create it with "
                           "`keylint baseline create`)") from None
    except UnicodeDecodeError:
        raise KeylintError(f"{path}: not a valid baseline: not UTF-8 text") from None
    except OSError as exc:
        raise KeylintError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None


def load(path: Path) -> Baseline:
    """Parse and check a baseline (format, version, plugins) without writing anything."""
    baseline = loads(read_text(path), str(path))
    plugins.check(baseline.plugins_used, str(path))
    return baseline


LOCK_WAIT = 30.0  # seconds: a write takes well under one; a lock held longer is a hung run


def lock_path(path: Path) -> Path:
    """The lock file of the baseline at `path`: beside it (where its bytes are, for a symlink),
    hidden, and there only while a write holds it."""
    real = Path(os.path.realpath(path))
    name = real.name if real.name.startswith(".") else f".{real.name}"
    return real.with_name(f"{name}.lock")


def _say_waiting(path: Path) -> None:
    from keylint.masking import shown_path

    print(f"keylint: note: {shown_path(str(path))}: waiting for another keylint to finish writing it",
          file=sys.stderr)


@contextlib.contextmanager
def locked(path: Path, *, wait: float = LOCK_WAIT,
           on_wait: Callable[[Path], None] = _say_waiting,
           clock: Callable[[], float] = time.monotonic,
           sleep: Callable[[float], None] = time.sleep) -> Iterator[None]:
    """Hold the baseline's write lock for the duration of the block.

    The lock is `flock` on `lock_path(path)`, created on demand and removed on release: nothing
    is left behind, in the temp directory or beside the baseline. Whoever takes the lock checks
    that the file is still the one at that path (the holder before may have removed it) and
    takes it again if not, so two writers never both hold it. `on_wait` is called once when the
    lock is taken; after `wait` seconds a KeylintError names the process that holds it.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover (Windows: os.replace alone keeps writes atomic)
        yield
        return
    lock = lock_path(path)
    deadline: float | None = None
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            raise KeylintError(f"{path}: cannot create the baseline lock file {lock}: "
                               f"{exc.strerror or exc}") from None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:  # another keylint is writing the baseline
                    if deadline is None:
                        deadline = clock() + wait
                        on_wait(path)
                    elif clock() >= deadline:
                        raise KeylintError(
                            f"{path}: another keylint{_holder(lock)} has held the baseline lock "
                            f"({lock}) for {wait:.0f} s (a hung run?); nothing was written"
                        ) from None
                    sleep(0.05)
            if _same_file(fd, lock):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the holder before removed it: lock the file now at that path
    try:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)  # while still held: a waiter then finds it gone and retries
        os.close(fd)  # closing releases the lock


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


def _holder(lock: Path) -> str:
    """` (process N)`: the process that wrote its id into the lock file, when readable."""
    try:
        pid = lock.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to a temp file beside `path`, then rename it over `path`. A symlink is
    written through: the file it names is replaced and the link stays (as detect-secrets
    writes a linked baseline), so `path` always names what was written. Anything but a regular
    file there (a device, a FIFO, also through a link a repository committed) is refused, never
    replaced: `create --force` as root must not turn /dev/null into a file."""
    shown = path
    path = Path(os.path.realpath(path)) if path.is_symlink() else path
    if path.exists() and not path.is_file():
        raise KeylintError(f"{shown}: cannot write: not a regular file (never replaced)")
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # a full disk names no file: the error must name this one
            raise OSError(exc.errno, f"cannot write: {exc.strerror or exc}", str(shown)) from None
        raise


def save(path: Path, new: Baseline, old: Baseline | None) -> bool:
    """Write `new` unless it equals `old` but for line numbers; True when the file changed."""
    if old is not None and old.semantic() == new.semantic():
        return False
    write_atomic(path, render(new))
    return True


def transact(path: Path, change: Callable[[Baseline | None], Baseline], *,
             must_exist: bool = True, wait: float = LOCK_WAIT) -> bool:
    """Under the lock: load the current file, apply `change`, save the result if it differs.

    With `must_exist=False` (a fresh baseline) a missing or invalid file counts as none."""
    with locked(path, wait=wait):
        try:
            old: Baseline | None = load(path)
        except KeylintError:
            if must_exist:
                raise
            old = None
        new = change(old)
        plugins.check(new.plugins_used, str(path))
        return save(path, new, old)


def write_shim(baseline_path: Path) -> bool:
    """Write the detect-secrets shim next to the baseline when missing or different."""
    shim = plugins.shim_path(baseline_path)
    try:
        if read_regular(shim).decode("utf-8") == plugins.shim_text():
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    except OSError as exc:
        raise KeylintError(f"{shim}: cannot read: {exc.strerror or exc}") from None
    write_atomic(shim, plugins.shim_text())
    return True
