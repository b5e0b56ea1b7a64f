"""Which commits a push sends, as `git rev-list` arguments for the history scan.

Two callers: pre-commit at the `pre-push` stage, which says what it pushes in its environment
(`PRE_COMMIT_FROM_REF`/`PRE_COMMIT_TO_REF`; for a branch whose first new commit is a root commit
it gives only `PRE_COMMIT_REMOTE_NAME` and `PRE_COMMIT_LOCAL_BRANCH`), and git's own pre-push hook,
which writes `<local ref> <local sha> <remote ref> <remote sha>` lines on standard input.
A branch the remote does not have yet is pushed with every commit that no remote-tracking branch
of that remote holds.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping

from keylint.errors import KeylintError
from keylint.scanner.ranges import range_spec


def _zero(sha: str) -> bool:
    return not sha.strip("0")


def specs_from_env(env: Mapping[str, str]) -> list[list[str]] | None:
    """The commits pre-commit is checking (a push, or `pre-commit run --from-ref --to-ref`);
    None when it passes files instead (a commit, or `--all-files`)."""
    from_ref, to_ref = env.get("PRE_COMMIT_FROM_REF"), env.get("PRE_COMMIT_TO_REF")
    if from_ref and to_ref:
        return [range_spec(f"{from_ref}..{to_ref}")]
    remote, local = env.get("PRE_COMMIT_REMOTE_NAME"), env.get("PRE_COMMIT_LOCAL_BRANCH")
    if remote and local:  # a new branch from a root commit: pre-commit says "all files"
        return [[local, "--not", f"--remotes={remote}"]]
    return None


def _have_commit(sha: str, cwd: str) -> bool:
    out = subprocess.run(["git", "cat-file", "-e", f"{sha}^{{commit}}"], cwd=cwd,
                         capture_output=True, check=False)
    return out.returncode == 0


def specs_from_stdin(text: str, remote: str, cwd: str = ".") -> list[list[str]]:
    """The commits of each ref git is about to push (deletions push none)."""
    specs: list[list[str]] = []
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:  # git writes four fields: anything else is not git, fail closed
            raise KeylintError(f"pre-push: standard input: expected '<local ref> <local sha> "
                               f"<remote ref> <remote sha>', got a line of {len(parts)} "
                               "field(s)")
        _local_ref, local_sha, _remote_ref, remote_sha = parts
        if _zero(local_sha):
            continue
        if not _zero(remote_sha) and _have_commit(remote_sha, cwd):
            specs.append([f"{remote_sha}..{local_sha}"])
        else:
            specs.append([local_sha, "--not", f"--remotes={remote}"])
    return specs
