"""Was a key ever committed? Search the git history of one file, without putting the key in argv.

`git log -S<key>` would show the key to every local user through the process list, so instead
the blobs the file ever had are listed (`git log --all --raw -- FILE`), read in one
`git cat-file --batch`, and searched here.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class History:
    """For one file: the commits holding each key (by position in the `secrets` given)."""

    in_git: bool
    commits: tuple[frozenset[bytes], ...] = ()


def _git(cwd: str, args: Sequence[str], stdin: bytes | None = None) -> bytes | None:
    try:
        out = subprocess.run(["git", "-C", cwd, *args], input=stdin, capture_output=True,
                             check=False)
    except OSError:
        return None
    return out.stdout if out.returncode == 0 else None


def commits_holding(path: str, secrets: Sequence[str]) -> History:
    """The commits (on any ref) that had a version of `path` containing each secret."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    top = _git(directory, ["rev-parse", "--show-toplevel"])
    if top is None:
        return History(False)
    root = os.fsdecode(top.strip())
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    log = _git(root, ["log", "--all", "--format=%x00%H", "--raw", "--no-abbrev", "--no-renames",
                      "--", rel])
    if log is None:
        return History(True, tuple(frozenset() for _ in secrets))
    blobs: dict[bytes, set[bytes]] = {}  # blob -> commits
    commit = b""
    for line in log.splitlines():
        if line.startswith(b"\0"):
            commit = line[1:]
        elif line.startswith(b":"):
            fields = line.split(b"\t", 1)[0].split()
            if len(fields) >= 4 and fields[3].strip(b"0"):
                blobs.setdefault(fields[3], set()).add(commit)
    counts = [set[bytes]() for _ in secrets]
    if blobs:
        names = list(blobs)
        out = _git(root, ["cat-file", "--batch"], b"".join(n + b"\n" for n in names))
        for name, content in zip(names, _batch_contents(out or b""), strict=False):
            for i, secret in enumerate(secrets):
                if secret.encode("utf-8", "surrogateescape") in content:
                    counts[i] |= blobs[name]
    return History(True, tuple(frozenset(c) for c in counts))


def _batch_contents(out: bytes) -> list[bytes]:
    """The contents, in order, of a `git cat-file --batch` answer."""
    contents = []
    pos = 0
    while pos < len(out):
        nl = out.find(b"\n", pos)
        if nl < 0:
            break
        header = out[pos:nl].split()
        if len(header) < 3 or header[1] == b"missing":
            contents.append(b"")
            pos = nl + 1
            continue
        size = int(header[2])
        contents.append(out[nl + 1:nl + 1 + size])
        pos = nl + 1 + size + 1
    return contents
