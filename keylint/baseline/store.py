"""Reading and writing baseline files.

Loading never writes (pre-commit runs hooks in parallel batches). Every write holds an exclusive
lock (`fcntl.flock` on a lock file in the temp directory, keyed by the baseline's real path), so
concurrent writers queue instead of losing each other's updates, and replaces the file atomically
(temp file in the same directory + `os.replace`): a failed or interrupted run leaves the old bytes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from keylint.baseline import plugins
from keylint.baseline.model import Baseline, loads, render
from keylint.errors import KeylintError
from keylint.masking import sha1_hex


def read_text(path: Path) -> str:
    """The baseline's text; a missing or unreadable file is a KeylintError."""
    try:
        return path.read_bytes().decode("utf-8")
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


def _lock_path(path: Path) -> str:
    key = sha1_hex(os.path.realpath(path))
    return os.path.join(tempfile.gettempdir(), f"keylint-baseline-{key[:20]}.lock")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the baseline's write lock (blocking) for the duration of the block."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover (Windows: os.replace alone keeps writes atomic)
        yield
        return
    try:
        fd = os.open(_lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise KeylintError(f"{path}: cannot create the baseline lock file: "
                           f"{exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to a temp file beside `path`, then rename it over `path`."""
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
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save(path: Path, new: Baseline, old: Baseline | None) -> bool:
    """Write `new` unless it equals `old` but for line numbers; True when the file changed."""
    if old is not None and old.semantic() == new.semantic():
        return False
    write_atomic(path, render(new))
    return True


def transact(path: Path, change: Callable[[Baseline | None], Baseline], *,
             must_exist: bool = True) -> bool:
    """Under the lock: load the current file, apply `change`, save the result if it differs.

    With `must_exist=False` (a fresh baseline) a missing or invalid file counts as none."""
    with locked(path):
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
        if shim.read_text(encoding="utf-8") == plugins.SHIM_TEXT:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    except OSError as exc:
        raise KeylintError(f"{shim}: cannot read: {exc.strerror or exc}") from None
    write_atomic(shim, plugins.SHIM_TEXT)
    return True
