"""Git plumbing for history scans: which commits, what each one introduced, and the blobs' bytes.

Commits come from `git rev-list` (the user's revisions and ranges go there and nowhere else);
what each commit introduced comes from one streamed `git log --no-walk --stdin --raw -c` over
those commits (tree diffs only: no blob is read, no patch is made); the contents come from
`git cat-file --batch`, streamed one blob at a time. Merges count with `-c`: a clean merge
introduces nothing, a conflict resolution introduces what differs from every parent.

`GIT_NO_LAZY_FETCH` keeps a partial clone from fetching missing blobs over the network: a blob
that is not here is reported as missing instead. `GIT_NO_REPLACE_OBJECTS` reads the objects the
commits hold, not local stand-ins (`git replace`), which a push does not send in their place.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import queue
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from keylint.errors import KeylintError

_CHUNK = 1 << 16
T = TypeVar("T")


@dataclass(frozen=True)
class Repo:
    """A repository: its git directory, its work tree (None when bare), its shallow commits."""

    git_dir: str
    top: str | None
    shallow: frozenset[str]

    @property
    def where(self) -> str:
        """How messages name it."""
        return self.top or self.git_dir


@dataclass(frozen=True)
class Commit:
    """One commit's identity and authorship (the fields a history finding reports)."""

    sha: str
    time: int  # committer time: orders commits across separate rev-list runs
    author_date: str  # ISO 8601, as git prints %aI
    author: str


@dataclass
class Log:
    """Every commit scanned, and for each blob the (commit index, path) pairs that introduced it."""

    commits: list[Commit] = field(default_factory=list)
    blobs: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # The version each blob replaced, at its oldest introduction (first parent's side of the
    # diff): the part they share needs no second scan.
    before: dict[str, str] = field(default_factory=dict)
    gitlinks: int = 0  # submodule commits recorded (their content lives in another repository)


def git_env() -> dict[str, str]:
    """The environment of every git that reads what a scan scans (see the module docstring)."""
    return {**os.environ, "GIT_NO_LAZY_FETCH": "1", "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def _run(args: Sequence[str], cwd: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True,
                              check=False, env=git_env())
    except OSError as exc:
        raise KeylintError(f"{cwd}: cannot run git: {exc.strerror or exc}") from exc


def _last_line(stderr: bytes) -> str:
    lines = [ln for ln in os.fsdecode(stderr).strip().splitlines() if ln.strip()]
    return lines[-1].removeprefix("fatal: ").strip() if lines else "git failed"


def open_repo(path: str) -> Repo:
    """The repository `path` is in (a work tree or a bare repository); KeylintError otherwise."""
    where = path if os.path.isdir(path) else os.path.dirname(path) or "."
    if not os.path.exists(path):
        raise KeylintError(f"{path}: no such file or directory")
    # --git-path: a linked worktree's shallow list is the common directory's, not its own.
    out = _run(["rev-parse", "--absolute-git-dir", "--is-bare-repository", "--git-path",
                "shallow"], where)
    if out.returncode != 0:
        raise KeylintError(f"{path}: not a git repository (history scans need one)")
    git_dir, bare, shallow_file = os.fsdecode(out.stdout).split("\n")[:3]
    top = None
    if bare.strip() != "true":
        shown = _run(["rev-parse", "--show-toplevel"], where)
        top = os.fsdecode(shown.stdout).strip() or None if shown.returncode == 0 else None
    try:
        with open(os.path.join(where, shallow_file), encoding="ascii") as f:
            shallow = frozenset(line.strip() for line in f if line.strip())
    except OSError:
        shallow = frozenset()
    return Repo(git_dir, top, shallow)


def rev_list(repo: Repo, spec: Sequence[str]) -> list[str]:
    """The commits `git rev-list SPEC` names, children before parents; KeylintError for a bad one.

    The spec is passed as revision arguments (`--` after it), never as paths or other options.
    """
    out = _run(["rev-list", "--topo-order", *spec, "--"], repo.where)
    if out.returncode != 0:
        shown = " ".join(spec)
        hint = ""
        if repo.shallow:
            hint = (f" (this clone is shallow: {len(repo.shallow)} boundary commit(s); fetch the "
                    "history the range needs: `git fetch --unshallow`, or fetch-depth: 0 in CI)")
        raise KeylintError(f"{repo.where}: bad revision or range '{shown}': "
                           f"{_last_line(out.stderr)}{hint}")
    return os.fsdecode(out.stdout).split()


def head_blobs(repo: Repo) -> set[str]:
    """The ids of the blobs in HEAD's tree (empty when HEAD has no commit)."""
    out = _run(["ls-tree", "-r", "-z", "--full-tree", "HEAD"], repo.where)
    if out.returncode != 0:
        return set()
    blobs = set()
    for entry in out.stdout.split(b"\0"):
        meta = entry.split(b"\t", 1)[0].split()
        if len(meta) == 3 and meta[1] == b"blob":
            blobs.add(meta[2].decode())
    return blobs


def _feed(stream: IO[bytes], lines: Iterable[str]) -> None:
    """Write `lines` to a child's stdin from a thread (the child's stdout is read meanwhile)."""
    with contextlib.suppress(OSError):  # the child stopped early: its exit status says why
        try:
            for line in lines:
                stream.write(f"{line}\n".encode())
        finally:
            stream.close()


def _tokens(stream: IO[bytes]) -> Iterator[bytes]:
    """NUL-separated tokens of a stream, read in chunks (memory stays flat)."""
    rest = b""
    while chunk := stream.read(_CHUNK):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


# %x01 marks a commit header; the author name is its own NUL-terminated token.
_FORMAT = "--format=%x01%H %ct %aI%x00%an"


def read_log(repo: Repo, commits: Sequence[str],
             on_blob: Callable[[Log, str, int, str], None] | None = None) -> Log:
    """What each commit introduced: for every blob, the (commit index, path) pairs that added
    or changed a file to it. Deletions, symlinks and submodules bring no blob to scan.

    `commits` are children first (rev-list's order; indexes count in it); git log gets them
    oldest first, so `on_blob(log, blob, commit, path)` sees every introduction as it streams,
    a blob's older version always before the blob (the scan starts while git log runs)."""
    proc = subprocess.Popen(
        # --root: a root commit's files are what it introduced, whatever log.showRoot says.
        ["git", "log", "--no-walk=unsorted", "--stdin", "--raw", "-c", "--root", "--no-renames",
         "--no-abbrev", "-z", "--no-ext-diff", "--no-textconv", _FORMAT],
        cwd=repo.where, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=git_env())
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    feeder = threading.Thread(target=_feed, args=(proc.stdin, reversed(commits)), daemon=True)
    feeder.start()
    log = Log(commits=[Commit(sha, 0, "", "") for sha in commits])
    index = {sha: i for i, sha in enumerate(commits)}
    tokens = _tokens(proc.stdout)
    current = -1
    for token in tokens:
        head = token.lstrip(b"\n")
        if head.startswith(b"\x01"):
            sha, ctime, date = os.fsdecode(head[1:]).split(" ", 2)
            author = os.fsdecode(next(tokens, b""))
            current = index[sha]
            log.commits[current] = Commit(sha, int(ctime), date, author)
        elif head.startswith(b":") and current >= 0:
            path = os.fsdecode(next(tokens, b""))
            blob = _record(log, head, current, path)
            if blob is not None and on_blob is not None:
                on_blob(log, blob, current, path)
    stderr = proc.stderr.read()
    feeder.join()
    if proc.wait() != 0:
        raise KeylintError(f"{repo.where}: git log failed: {_last_line(stderr)}")
    return log


def _record(log: Log, meta: bytes, commit: int, path: str) -> str | None:
    """Record one line of `--raw` output; the blob it brought, if it is a file's content."""
    parents = len(meta) - len(meta.lstrip(b":"))
    fields = meta[parents:].split()
    mode, blob, status = fields[parents], fields[2 * parents + 1], fields[-1]
    if status.startswith(b"D") or not blob.strip(b"0"):
        return None
    if mode == b"160000":
        log.gitlinks += 1
        return None
    if not mode.startswith(b"100"):  # symlinks (120000) hold only a path
        return None
    new = blob.decode()
    places = log.blobs.setdefault(new, [])
    places.append((commit, path))
    old_mode, old = fields[0], fields[parents + 1]
    # Oldest first: the first introduction says which version a blob replaced.
    if len(places) == 1 and old_mode.startswith(b"100") and old.strip(b"0"):
        log.before[new] = old.decode()
    return new


@dataclass(frozen=True)
class Blob:
    """One blob's bytes, or why there are none (missing from this clone, over the size limit,
    unreadable: `why` then holds git's one-line reason)."""

    id: str
    data: bytes | None
    size: int = 0
    missing: bool = False
    why: str = ""


def absent_blobs(repo: Repo, specs: Sequence[Sequence[str]]) -> frozenset[str]:
    """In a partial clone, the objects the revisions reach that this clone does not hold
    (`git rev-list --objects --missing=print`); empty elsewhere (git then answers "missing"
    itself). `git cat-file` in a partial clone stops at the first object it would have to
    fetch, so these are never asked for."""
    promisor = _run(["config", "--get-regexp", r"^(remote\..*\.promisor|extensions\.partialclone)$"],
                    repo.where)
    if promisor.returncode != 0 or not promisor.stdout.strip():
        return frozenset()
    absent: set[str] = set()
    for spec in specs:
        out = _run(["rev-list", "--objects", "--missing=print", *spec, "--"], repo.where)
        absent.update(line[1:].decode() for line in out.stdout.splitlines() if line[:1] == b"?")
    return frozenset(absent)


def read_blobs(repo: Repo, items: Iterable[tuple[str, T]], max_size: int,
               absent: frozenset[str] = frozenset()) -> Iterator[tuple[Blob, T]]:
    """Stream blobs through `git cat-file --batch`, one in memory at a time, each with the tag it
    came with. `items` may be a live stream: a thread hands each id to git as it comes. A blob
    over `max_size` is read past, not kept; one in `absent` is not asked for.

    git stops at an object it cannot read (a corrupt pack, a partial clone's missing blob): that
    blob is returned with git's reason and a new `git cat-file` reads on. A failure that names
    no blob it was asked for is KeylintError."""
    source = iter(items)
    while True:
        batch = _Batch(repo, source, absent)
        yield from batch.answers(max_size)
        if batch.failed is None:
            return
        yield batch.failed
        source = itertools.chain(batch.unasked(), source)


class _Batch:
    """One `git cat-file --batch` run over a stream of (id, tag) items."""

    def __init__(self, repo: Repo, items: Iterator[tuple[str, Any]],
                 absent: frozenset[str]) -> None:
        self._where, self._absent = repo.where, absent
        self._proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=repo.where,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, env=git_env())
        assert self._proc.stdin is not None
        self._asked: queue.SimpleQueue[tuple[str, Any] | None] = queue.SimpleQueue()
        self._feeder = threading.Thread(target=_feed, args=(self._proc.stdin, self._ids(items)),
                                        daemon=True)
        self._feeder.start()
        self.failed: tuple[Blob, Any] | None = None

    def _ids(self, items: Iterator[tuple[str, Any]]) -> Iterator[str]:
        try:
            for item in items:
                self._asked.put(item)
                if item[0] not in self._absent:
                    yield item[0]
        finally:
            self._asked.put(None)

    def answers(self, max_size: int) -> Iterator[tuple[Blob, Any]]:
        proc = self._proc
        assert proc.stdout is not None and proc.stderr is not None
        out = proc.stdout
        finished = False
        expected = ""
        try:
            while (item := self._asked.get()) is not None:
                expected, tag = item
                if expected in self._absent:
                    yield Blob(expected, None, missing=True), tag
                    continue
                header = out.readline().split()
                if len(header) == 2 and header[1] == b"missing":
                    yield Blob(expected, None, missing=True), tag
                    continue
                if len(header) != 3:
                    self.failed = Blob(expected, None, missing=True), tag
                    break  # cat-file stopped: its status and message are read below
                size = int(header[2])
                if size > max_size:
                    _skip(out, size + 1)
                    yield Blob(expected, None, size), tag
                    continue
                data = out.read(size)
                if len(data) < size or out.read(1) != b"\n":  # stopped inside the object
                    self.failed = Blob(expected, None, size, missing=True), tag
                    break
                yield Blob(expected, data, size), tag
            else:
                finished = True
        finally:
            if not finished:
                proc.kill()
            stderr = proc.stderr.read()
            out.close()
            if finished:
                self._feeder.join()
            status = proc.wait()
        if finished and status == 0:
            return
        why = _last_line(stderr)
        if self.failed is None or expected not in why:
            raise KeylintError(f"{self._where}: git cat-file failed: {why}")
        blob, tag = self.failed
        self.failed = dataclasses.replace(blob, why=why), tag

    def unasked(self) -> Iterator[tuple[str, Any]]:
        """What this run was handed after the blob it stopped at (a later run asks for it)."""
        self._feeder.join()  # it stops at its next write (git is gone) or when items end
        while True:
            try:
                item = self._asked.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                yield item


def _skip(stream: IO[bytes], n: int) -> None:
    while n > 0:
        got = stream.read(min(n, _CHUNK))
        if not got:
            return
        n -= len(got)
