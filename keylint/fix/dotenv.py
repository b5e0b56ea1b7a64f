"""The env file: read what it holds, append keys atomically (mode 0600), keep it out of git.

Values are written so that `set -a; . ./.env`, direnv, docker compose v2 and python-dotenv all
read them back unchanged: bare when they are plain; otherwise in single quotes, which every one
of them takes literally (python-dotenv alone turns `\\\\` into `\\` and `\\'` into `'`
there, so a value holding `\\\\` or ending in `\\` does not go in single quotes); a value
holding a single quote goes in double quotes, as is, only when it holds none of `$`, a
backtick, `\\` or `"` (which the shell or python-dotenv would interpret). Any other value is
refused, and its key stays in the source; so is a value holding `${`, which python-dotenv
expands in any quotes.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from keylint.errors import KeylintError
from keylint.reading import read_regular

_BARE = re.compile(r"[A-Za-z0-9_\-./+:@%,=^]+")  # no `~`: the shell expands it
_LINE = re.compile(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*(.*)$")
_DOUBLE_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "r": "\r", "t": "\t"}


def refusal(value: str) -> str | None:
    """Why `value` cannot go into an env file; None when it can."""
    if any(ord(c) < 32 and c not in "\n\t" for c in value) or "\x7f" in value:
        return "the value holds control characters an env file cannot carry"
    if "${" in value:
        return "the value holds ${, which python-dotenv expands however it is quoted"
    if quote_value(value) is None:
        return ("no quoting of this value (a single quote with $ ` \\ or \") reads back the "
                "same in a shell, direnv, docker compose and python-dotenv")
    return None


def quote_value(value: str) -> str | None:
    """The value as it goes after `NAME=`; None when no quoting round-trips it."""
    if _BARE.fullmatch(value):  # not match(): `$` also matches before a final newline
        return value
    if any(ord(c) < 32 and c not in "\n\t" for c in value) or "\x7f" in value:
        return None
    if "${" in value:  # python-dotenv expands ${VAR} even in single quotes
        return None
    if "'" not in value and "\\\\" not in value and not value.endswith("\\"):
        return f"'{value}'"
    if not any(c in value for c in "$`\\\""):
        return f'"{value}"'
    return None


def representable(value: str) -> bool:
    """True when `value` can be written to an env file and read back unchanged."""
    return quote_value(value) is not None


def parse(text: str) -> dict[str, str]:
    """NAME -> value for every assignment in an env file (comments and blank lines skipped).

    Quoted values may span lines. In single quotes only `\\\\` and `\\'` are escapes (as
    python-dotenv reads them); in double quotes, python-dotenv's escapes are decoded.
    """
    out: dict[str, str] = {}
    lines = re.split(r"\r\n|\r|\n", text)  # not splitlines(): U+0085 may sit in a value
    i = 0
    while i < len(lines):
        m = _LINE.match(lines[i])
        i += 1
        if not m:
            continue
        name, rest = m.group(1), m.group(2)
        if rest[:1] in ("'", '"'):
            q = rest[0]
            raw = rest[1:]
            while not _closed(raw, q) and i < len(lines):  # a quoted value may span lines
                raw += "\n" + lines[i]
                i += 1
            out[name] = _unescape(raw, q)
        else:
            out[name] = re.split(r"[ \t]+#", rest, maxsplit=1)[0].rstrip()
    return out


def _closed(raw: str, quote: str) -> bool:
    escaped = False
    for c in raw:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == quote:
            return True
    return False


def _unescape(raw: str, quote: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if quote == '"':
                out.append(_DOUBLE_ESCAPES.get(nxt, "\\" + nxt))
            else:
                out.append(nxt if nxt in "\\'" else "\\" + nxt)
            i += 2
            continue
        if c == quote:
            break
        out.append(c)
        i += 1
    return "".join(out)


def read(path: Path) -> dict[str, str]:
    """What the env file holds; empty when it does not exist."""
    try:
        data = read_regular(path)  # a FIFO would block, /dev/zero never end
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise KeylintError(f"{path}: cannot read the env file: {exc.strerror or exc}; "
                           "no source file was changed") from exc
    return parse(data.decode("utf-8", "replace"))


@dataclass(frozen=True)
class Entry:
    """One variable to append, with a comment saying where its value came from."""

    name: str
    value: str
    origin: str


def render(entries: Sequence[Entry]) -> str:
    """The lines appended for `entries` (a comment line, then `NAME=value`, per entry)."""
    out = []
    for e in entries:
        quoted = quote_value(e.value)
        if quoted is None:  # pragma: no cover (the fixer checks representable() first)
            raise KeylintError(f"{e.name}: value cannot be written to an env file")
        origin = e.origin.replace("\n", " ")
        out.append(f"# moved by keylint fix from {origin}\n{e.name}={quoted}\n")
    return "".join(out)


def append(path: Path, entries: Sequence[Entry]) -> bool:
    """Append `entries` atomically (temp file + rename); return True when the file was created.

    A new file gets mode 0600; an existing one keeps its mode. On any failure the file is left as
    it was and a `KeylintError` is raised, so the caller must not touch the sources.
    """
    try:
        old = read_regular(path)
        mode: int | None = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        old, mode = b"", None
    except OSError as exc:
        raise KeylintError(f"{path}: cannot read the env file: {exc.strerror or exc}; "
                           "no source file was changed") from exc
    if old and not old.endswith(b"\n"):
        old += b"\n"
    data = old + render(entries).encode("utf-8")
    write_atomic(path, data, 0o600 if mode is None else mode,
                 what="cannot write the env file", suffix="; no source file was changed",
                 tmp_dir=private_dir(path))
    return mode is None


_TMP_SUFFIX = ".keylint-tmp"


def _tmp_prefix(path: Path, directory: Path | None = None) -> str:
    """`.NAME.` beside the file; in a shared directory (the git directory), `.NAME.<hash>.`
    with a hash of the file's real path, so runs for two `.env` files never touch each other's."""
    if directory is None or directory == path.parent:
        return f".{path.name}."
    return f".{path.name}.{hashlib.sha1(str(path).encode(), usedforsecurity=False).hexdigest()[:12]}."


def private_dir(path: Path) -> Path | None:
    """Where the env file's temp copy is written: the git directory of the work tree holding
    it, which git never lists, commits or shows; None outside git (then: beside the file)."""
    directory = Path(os.path.realpath(path)).parent
    if not directory.is_dir():
        return None
    out = _git(directory, "rev-parse", "--absolute-git-dir")
    if out is None or out.returncode != 0 or not out.stdout.strip():
        return None
    git_dir = Path(out.stdout.strip())
    return git_dir if git_dir.is_dir() else None


def remove_stale(path: Path) -> list[Path]:
    """Remove temp copies of the env file that a killed run left (beside it or in the git
    directory); return them. Call it holding `locked(path)`: no live run then has one."""
    real = Path(os.path.realpath(path))
    places = [real.parent, private_dir(path)]
    removed = []
    for place in dict.fromkeys(p for p in places if p is not None):
        prefix = _tmp_prefix(real, place)
        try:
            names = os.listdir(place)
        except OSError:
            continue
        for name in names:
            if name.startswith(prefix) and name.endswith(_TMP_SUFFIX):
                stale = place / name
                with contextlib.suppress(OSError):
                    if stale.is_file() and not stale.is_symlink():
                        stale.unlink()
                        removed.append(stale)
    return removed


def write_atomic(path: Path, data: bytes, mode: int, *, what: str = "cannot write",
                 suffix: str = "", tmp_dir: Path | None = None) -> None:
    """Write `data` to `path` through a temp file and `os.replace`.

    The temp file goes in `tmp_dir` (the env file's: the git directory, where a run killed
    mid-write leaves nothing git would show or commit), or beside `path` when none is given or
    `tmp_dir` is on another file system. A symlink is followed (its target is replaced, the link
    stays); anything but a regular file (a device, a FIFO) is refused rather than replaced.
    """
    path = Path(os.path.realpath(path))
    if path.exists() and not path.is_file():
        raise KeylintError(f"{path}: {what}: not a regular file{suffix}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for directory in ([tmp_dir] if tmp_dir is not None else []) + [path.parent]:
            if _replace_via(directory, path, data, mode):
                return
    except OSError as exc:
        raise KeylintError(f"{path}: {what}: {exc.strerror or exc}{suffix}") from exc


def _replace_via(directory: Path, path: Path, data: bytes, mode: int) -> bool:
    """Write a temp file in `directory` and rename it to `path`; False when the rename crosses
    file systems (the caller then tries beside `path`)."""
    fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(path, directory), suffix=_TMP_SUFFIX,
                               dir=directory)
    try:
        with open(fd, "wb", closefd=True) as fh:  # write() loops until all is written
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.replace(tmp, path)
        except OSError as exc:
            if exc.errno != errno.EXDEV or directory == path.parent:
                raise
            return False
        tmp = ""
        return True
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


LOCK_WAIT = 120.0  # seconds: a fix takes well under that; a lock held longer is a hung run


@contextlib.contextmanager
def locked(path: Path, *, wait: float = LOCK_WAIT, on_wait: Callable[[], None] = lambda: None,
           clock: Callable[[], float] = time.monotonic,
           sleep: Callable[[float], None] = time.sleep) -> Iterator[None]:
    """Hold an exclusive lock for a whole read-plan-append-rewrite of the env file at `path`.

    The lock is `flock` on the directory that holds the env file (its real path: a symlinked
    `.env` locks where the bytes are). Not on the file itself, which `os.replace` swaps for a new
    inode; not on a lock file, which would be one more file for git to show. Concurrent runs
    queue: each reads the env file (and the sources) only once it holds the lock, so none
    appends over another's keys or gives one name two values. `on_wait` is called once if the
    lock is taken; after `wait` seconds a KeylintError says who to look for.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover (windows: no flock; runs are not serialised)
        yield
        return
    directory = Path(os.path.realpath(path)).parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise KeylintError(f"{path}: cannot lock the env file's directory: "
                           f"{exc.strerror or exc}; no source file was changed") from exc
    try:
        deadline = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:  # held by another run
                if deadline is None:
                    deadline = clock() + wait
                    on_wait()
                elif clock() >= deadline:
                    raise KeylintError(
                        f"{path}: another keylint fix has held the lock on {directory} for "
                        f"{wait:.0f} s (a hung run?); no source file was changed") from None
                sleep(0.05)
            except OSError as exc:  # e.g. a file system without locks
                raise KeylintError(f"{path}: cannot lock the env file's directory: "
                                   f"{exc.strerror or exc}; no source file was changed") from exc
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True,
                              check=False)
    except OSError:
        return None


def ensure_ignored(path: Path) -> Path | None:
    """Make git ignore the env file; return the `.gitignore` changed, None when none was needed.

    Refuses (KeylintError) when the file is tracked: appending keys would commit them. A
    symlinked env file is checked twice: the link where it is, and the file it points to (where
    the keys are written), in whatever work tree holds that file.
    """
    directory = path.parent.resolve()
    if not directory.is_dir():
        directory.mkdir(parents=True, exist_ok=True)
    link = directory / path.name
    real = Path(os.path.realpath(path))
    places: list[tuple[Path, str]] = []
    for place in dict.fromkeys((link, real)):
        root = _work_tree(place.parent)
        if root is None:
            continue  # not in a git work tree: nothing to ignore it from
        rel = os.path.relpath(place, root).replace(os.sep, "/")
        tracked = _git(root, "ls-files", "--error-unmatch", "--", rel)
        if tracked is not None and tracked.returncode == 0:
            what = "the env file is" if place == link else \
                f"the env file is a symbolic link to {place}, which is"
            raise KeylintError(f"{path}: {what} tracked by git, so moved keys would be "
                               f"committed; use --env-file with an ignored path, or run "
                               f"`git rm --cached {rel}` first; no source file was changed")
        places.append((root, rel))
    changed = None
    for root, rel in places:
        changed = _ignore(root, rel, path) or changed
    return changed


def _work_tree(directory: Path) -> Path | None:
    if not directory.is_dir():
        return None
    out = _git(directory, "rev-parse", "--show-toplevel")
    if out is None or out.returncode != 0 or not out.stdout.strip():
        return None
    return Path(out.stdout.strip())


def _ignore(root: Path, rel: str, path: Path) -> Path | None:
    """Add `rel` to the work tree's `.gitignore` unless git ignores it already."""
    if _ignored(root, rel):
        return None
    gitignore = root / ".gitignore"
    try:
        old = read_regular(gitignore)
        mode = os.stat(gitignore).st_mode & 0o7777
    except FileNotFoundError:
        old, mode = b"", 0o644
    except OSError as exc:
        raise KeylintError(f"{gitignore}: cannot read: {exc.strerror or exc}; "
                           "no source file was changed") from exc
    if old and not old.endswith(b"\n"):
        old += b"\n"
    line = rel  # `.env` ignores it in every directory, as people expect
    write_atomic(gitignore, old + f"{line}\n".encode(), mode, suffix="; no source file was changed")
    if not _ignored(root, rel):
        raise KeylintError(f"{path}: still not ignored by git after adding `{line}` to "
                           f"{gitignore} (a later `!` rule?); no source file was changed")
    return gitignore


def _ignored(root: Path, rel: str) -> bool:
    out = _git(root, "check-ignore", "-q", "--no-index", "--", rel)
    return out is not None and out.returncode == 0


# ------------------------------------------------------------------------------ the example file
_EXAMPLES = (".example", ".sample", ".template", ".dist")
_NAME_LINE = re.compile(r"^[ \t]*#?[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=", re.M)


def example_path(env_file: Path) -> Path:
    """The committed template beside the env file: an existing `.env.example` (or `.sample`,
    `.template`, `.dist`), else `<env file>.example`."""
    for suffix in _EXAMPLES:
        candidate = env_file.with_name(env_file.name + suffix)
        if candidate.is_file():
            return candidate
    return env_file.with_name(env_file.name + _EXAMPLES[0])


def update_example(env_file: Path, names: Sequence[str]) -> Path | None:
    """Add `NAME=` (names only, never a value) for each of `names` the example file lacks.

    Existing lines are kept byte for byte, a name already there (even commented out) is not
    added again, and the write is atomic. Returns the file when it changed, else None.
    """
    path = example_path(env_file)
    try:
        old = read_regular(path)
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        old, mode = b"", 0o644
    except OSError as exc:
        raise KeylintError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    present = set(_NAME_LINE.findall(old.decode("utf-8", "replace")))
    missing = [n for n in dict.fromkeys(names) if n not in present]
    if not missing:
        return None
    head = b"" if old else (f"# Variables the code reads. Put the values in {env_file.name} "
                            "(never committed); commit this file.\n").encode()
    if old and not old.endswith(b"\n"):
        old += b"\n"
    write_atomic(path, old + head + "".join(f"{n}=\n" for n in missing).encode(), mode,
                 what="cannot write the example env file")
    return path
