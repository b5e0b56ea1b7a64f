"""`keylint scan --staged`: scan what the next commit would contain (the index), not the work tree.

Paths and blob ids come from `git diff --cached --raw -z` (added, copied, modified, renamed files);
the blobs are read from the object store with `git cat-file --batch`, so a key that is only in the
work tree is not reported and a key that is staged but since edited away still is. `GIT_INDEX_FILE`
is inherited, so `git commit -a` and `git commit PATH` (temporary indexes) are scanned right.
Excludes, the size cap, the binary sniff and notebooks are handled as in a normal scan. A Git LFS
pointer is scanned with the file it stands for, which `git add` put in this clone's LFS storage.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

import pathspec

from keylint.config import DEFAULT_MAX_FILE_SIZE, Config
from keylint.errors import KeylintError
from keylint.scanner.engine import MANY_FILES, detector_for, scan_bytes
from keylint.scanner.files import Problem, display_path
from keylint.scanner.finding import Finding
from keylint.scanner.gitlog import git_env
from keylint.scanner.run import ScanResult, to_scan
from keylint.scanner.thorough import binary_text, scan_file, scan_git_blob

_REGULAR_MODES = {"100644", "100755"}  # not symlinks (120000) nor submodules (160000)


@dataclass(frozen=True)
class StagedFile:
    """One staged file: its blob id and its path from the repository root."""

    blob: str
    path: str


def _git(args: Sequence[str], cwd: str, data: bytes | None = None) -> bytes:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True,
                             check=False, env=git_env())
    except OSError as exc:
        raise KeylintError(f"--staged: cannot run git: {exc.strerror or exc}") from exc
    if out.returncode != 0:
        msg = os.fsdecode(out.stderr).strip().splitlines()
        raise KeylintError(f"{cwd}: --staged: git {args[0]} failed: {msg[-1] if msg else '?'}")
    return out.stdout


def repo_root(cwd: str) -> str:
    """The top of the work tree holding `cwd`; a KeylintError outside one."""
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd,
                             capture_output=True, check=False)
    except OSError as exc:
        raise KeylintError(f"--staged: cannot run git: {exc.strerror or exc}") from exc
    root = os.fsdecode(out.stdout).strip()
    if out.returncode != 0 or not root:
        raise KeylintError(f"{cwd}: --staged needs a git work tree (this is not one)")
    return root


def staged_text(path: str, cwd: str | None = None) -> str | None:
    """The index's copy of `path` (the version the commit will hold), or None when the index
    has none (an untracked baseline: the work tree's copy is then the only one)."""
    cwd = cwd or os.getcwd()
    rel = os.path.relpath(os.path.abspath(path), cwd).replace(os.sep, "/")
    try:
        out = subprocess.run(["git", "show", f":./{rel}"], cwd=cwd, capture_output=True,
                             check=False, env=git_env())
    except OSError:
        return None
    if out.returncode != 0:
        return None
    return out.stdout.decode("utf-8", "replace")


def parse_raw(raw: bytes) -> list[StagedFile]:
    """Regular files from `git diff --raw -z --no-abbrev` output (renames and copies: new path)."""
    fields = raw.split(b"\0")
    files: list[StagedFile] = []
    i = 0
    while i < len(fields) - 1:
        meta = fields[i].split()
        status = meta[4].decode()
        paths = 2 if status[:1] in ("R", "C") else 1
        path = os.fsdecode(fields[i + paths])
        i += 1 + paths
        if meta[1].decode() in _REGULAR_MODES:
            files.append(StagedFile(meta[3].decode(), path))
    return files


def staged_files(root: str) -> list[StagedFile]:
    """Added, copied, modified and renamed regular files in the index, against HEAD."""
    raw = _git(["diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-ext-diff",
                "--no-textconv", "--diff-filter=ACMRT"], root)
    return parse_raw(raw)


def blob_sizes(root: str, blobs: Sequence[str]) -> dict[str, int]:
    """Each blob's size in bytes (`git cat-file --batch-check`)."""
    if not blobs:
        return {}
    out = _git(["cat-file", "--batch-check=%(objectname) %(objectsize)"], root,
               "".join(f"{b}\n" for b in blobs).encode())
    sizes: dict[str, int] = {}
    for line in out.splitlines():
        name, size = line.split()
        if size == b"missing":
            raise KeylintError(f"{root}: --staged: git has no object {name.decode()}")
        sizes[name.decode()] = int(size)
    return sizes


def read_blobs(root: str, blobs: Sequence[str]) -> dict[str, bytes]:
    """The contents of these blobs, read in one `git cat-file --batch` process."""
    if not blobs:
        return {}
    out = _git(["cat-file", "--batch"], root, "".join(f"{b}\n" for b in blobs).encode())
    contents: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        eol = out.index(b"\n", pos)
        header = out[pos:eol].split()
        if len(header) != 3:  # "<id> missing": gone from the object store since the diff
            raise KeylintError(f"{root}: --staged: git has no object {header[0].decode()}")
        name, _kind, size = header
        start = eol + 1
        contents[name.decode()] = out[start:start + int(size)]
        pos = start + int(size) + 1
    return contents


LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_LFS_OID = re.compile(rb"^oid sha256:([0-9a-f]{64})$", re.MULTILINE)


def _lfs_findings(root: str, pointer: bytes, shown: str, cfg: Config,
                  result: ScanResult) -> list[Finding]:
    """Findings in the file a staged Git LFS pointer stands for. The commit holds only the
    pointer, but the push uploads the file to LFS storage, and `git add` has just put it in
    this clone's (`<git dir>/lfs/objects/`): it is read there, as a gate reads any file."""
    m = _LFS_OID.search(pointer)
    common = os.fsdecode(_git(["rev-parse", "--git-common-dir"], root)).strip()
    oid = m[1].decode() if m else ""
    stored = os.path.join(root, common, "lfs", "objects", oid[:2], oid[2:4], oid)
    if not oid or not os.path.isfile(stored):
        result.problems.append(Problem(shown, "Git LFS pointer: the file it stands for is not in "
                                       "this clone's LFS storage: not scanned", error=False))
        return []
    try:
        size = os.path.getsize(stored)
        if size > cfg.max_file_size and cfg.max_file_size != DEFAULT_MAX_FILE_SIZE:
            result.problems.append(Problem(shown, f"skipped: its Git LFS file's {size:,} bytes are "
                                           f"over the {cfg.max_file_size:,}-byte limit "
                                           "(max_file_size)", error=False))
            return []
        if size > cfg.max_file_size:
            return scan_file(stored, shown, detector_for(cfg.rule_ids()), cfg.max_file_size)
        with open(stored, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        result.problems.append(Problem(shown, f"its Git LFS file is unreadable: "
                                       f"{exc.strerror or exc}"))
        return []
    text = to_scan(data, shown)[0]
    return scan_bytes(binary_text(data) if text is None else text, shown,
                      detector_for(cfg.rule_ids()))


def scan_staged(cfg: Config, *, cwd: str | None = None, skip: Sequence[str] = ()) -> ScanResult:
    """Findings in the staged version of each staged file; paths shown relative to `cwd`.

    The files in `skip` are not scanned. The baseline is: a commit can carry a key in it too (its
    sha1 hashes are not keys: `context.ID_LABEL`).
    """
    started = time.perf_counter()
    cwd = cwd or os.getcwd()
    root = repo_root(cwd)
    excluded = pathspec.GitIgnoreSpec.from_lines(cfg.exclude) if cfg.exclude else None
    skipped = {os.path.abspath(os.path.join(cwd, s)) for s in skip}
    result = ScanResult()
    wanted: list[tuple[StagedFile, str]] = []
    for f in staged_files(root):
        shown = display_path(os.path.join(root, f.path), cwd)
        if os.path.abspath(os.path.join(root, f.path)) in skipped:
            continue
        if excluded is not None and (excluded.match_file(shown) or excluded.match_file(f.path)):
            continue
        wanted.append((f, shown))
    sizes = blob_sizes(root, list(dict.fromkeys(f.blob for f, _ in wanted)))
    small = [(f, shown) for f, shown in wanted if sizes[f.blob] <= cfg.max_file_size]
    detector = detector_for(cfg.rule_ids())
    if len(wanted) >= MANY_FILES:
        detector.accelerate()
    # A commit must not carry a key because its file is large: streamed, memory bounded. A
    # max_file_size the user configured is their choice: skipped, and named.
    chosen = cfg.max_file_size != DEFAULT_MAX_FILE_SIZE
    for f, shown in wanted:
        if sizes[f.blob] <= cfg.max_file_size:
            continue
        if chosen:
            result.problems.append(Problem(
                shown, f"skipped: {sizes[f.blob]:,} bytes is over the {cfg.max_file_size:,}-byte "
                "limit (max_file_size)", error=False))
        else:
            result.findings.extend(scan_git_blob(root, f.blob, shown, detector))
            result.files_scanned += 1
            result.bytes_scanned += sizes[f.blob]
    contents = read_blobs(root, list(dict.fromkeys(f.blob for f, _ in small)))
    for f, shown in small:
        if contents[f.blob].startswith(LFS_POINTER):
            result.findings.extend(_lfs_findings(root, contents[f.blob], shown, cfg, result))
        data, problem = to_scan(contents[f.blob], shown)
        if data is None and problem is not None and problem.reason == "binary":
            data = binary_text(contents[f.blob])  # the text runs of a file with NULs
        if data is None:
            assert problem is not None
            result.problems.append(problem)
            continue
        result.findings.extend(scan_bytes(data, shown, detector))
        result.files_scanned += 1
        result.bytes_scanned += len(data)
    result.files_skipped = len(result.problems)
    result.seconds = time.perf_counter() - started
    return result
