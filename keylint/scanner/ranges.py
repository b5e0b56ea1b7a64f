"""What `--commits RANGE` means, as `git rev-list` arguments.

A range is git's revision syntax (`main..HEAD`, `A...B`, `HEAD~5..`, `A ^B`) with, as a bonus,
rev-list's commit-limiting options (`--since=2.weeks main`). Options that change what rev-list
prints, or anything else, are refused: the output is parsed. A base of all zeros (a push event's
`before` when a branch is created) has no commits to exclude, so the whole history of the tip is
scanned rather than nothing.
"""

from __future__ import annotations

import shlex

from keylint.errors import KeylintError

# rev-list options that only choose commits (`--since=...` and friends take a value after `=`).
_LIMITS = frozenset({
    "--since", "--until", "--after", "--before", "--max-age", "--min-age", "--author",
    "--committer", "--grep", "--not", "--all", "--branches", "--tags", "--remotes", "--glob",
    "--exclude", "--first-parent", "--max-count", "--skip", "--no-merges", "--merges",
    "--ancestry-path", "--regexp-ignore-case", "-i", "--all-match", "--invert-grep",
    "--fixed-strings", "-F", "--extended-regexp", "-E", "--perl-regexp", "-P",
})


def _is_zero(rev: str) -> bool:
    return len(rev) >= 40 and not rev.strip("0")


def range_spec(text: str) -> list[str]:
    """`git rev-list` arguments for a `--commits` RANGE; KeylintError for what is not a range."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise KeylintError(f"--commits {text!r}: {exc}") from None
    if not words:
        raise KeylintError("--commits needs a range, e.g. origin/main..HEAD")
    spec: list[str] = []
    for word in words:
        if word.startswith("-") and not (word[:2] == "-n" and word[2:].isdigit()):
            name = word.split("=", 1)[0]
            if name not in _LIMITS:
                raise KeylintError(f"--commits: {name} is not a commit-limiting option "
                                   "(a range is e.g. origin/main..HEAD or '--since=2.weeks main')")
            spec.append(word)
            continue
        for sep in ("...", ".."):
            left, found, right = word.partition(sep)
            if found:
                if _is_zero(left):  # a new branch: no base to exclude
                    spec.append(right or "HEAD")
                else:
                    spec.append(word)
                break
        else:
            spec.append(word)
    return spec
