"""Which files to scan: git-aware listing, .gitignore outside git, excludes through pathspec.

In a git work tree a directory is listed the way git lists it (`git ls-files -co
--exclude-standard -z`: tracked plus untracked-not-ignored). Outside git the tree is walked and each
directory's `.gitignore` is honoured with pathspec's `GitIgnoreSpec`, pruning ignored directories
(git's own rule that an ignored parent hides its children). Files named explicitly are always
scanned, as pre-commit expects. Symlinks that leave the scanned root are skipped.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from keylint.reading import read_regular

if TYPE_CHECKING:
    import pathspec


@dataclass(frozen=True)
class Target:
    """A file to scan: where to open it and how to name it in reports."""

    open_path: str
    display: str


@dataclass(frozen=True)
class Problem:
    """A path that could not be scanned, and why (printed on one line)."""

    display: str
    reason: str
    error: bool = True  # False: worth a note (a skip), not the user's action
    quiet: bool = False  # counted in the summary only (binary files are expected, not news)


def display_path(path: str, cwd: str) -> str:
    """Relative to the current directory when under it, else absolute; always `/` separators."""
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, cwd)
    shown = absolute if rel.startswith("..") else rel
    return shown.replace(os.sep, "/")


# git lists untracked files by reading directories; one it cannot open is a warning on stderr,
# not an error (dir.c: "could not open directory '%s'", the path relative to the top level).
_UNOPENED = re.compile(rb"^warning: could not open directory '(.*)': (.*)$", re.MULTILINE)


def _maybe_in_git(directory: str) -> bool:
    """Whether git could find a repository for `directory`: a `.git` in it or in a directory
    above it (as written or with symlinks resolved: git looks from the latter), or $GIT_DIR.
    Where there is none, starting git (and importing subprocess) would only say so."""
    if os.environ.get("GIT_DIR"):
        return True
    for start in {os.path.abspath(directory), os.path.realpath(directory)}:
        at = start
        while True:
            if os.path.lexists(os.path.join(at, ".git")):
                return True
            parent = os.path.dirname(at)
            if parent == at:
                break
            at = parent
    return False


def _git_files(directory: str) -> tuple[list[str], list[tuple[str, str]]] | None:
    """git's listing of `directory`, and the directories it could not open (relative to
    `directory`, with the reason); None outside a git work tree."""
    if not _maybe_in_git(directory):
        return None
    import subprocess  # here: a scan of named files (a pre-commit batch) never runs git

    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": ""}  # warnings are matched in English
    try:
        out = subprocess.run(
            ["git", "-C", directory, "ls-files", "-co", "--exclude-standard", "-z", "--", "."],
            capture_output=True, check=False, env=env,
        )
    except OSError:
        return None
    if out.returncode != 0:
        return None
    names = [os.fsdecode(n) for n in out.stdout.split(b"\0") if n]
    unopened = [(os.fsdecode(m[1]).rstrip("/"), m[2].decode("utf-8", "replace"))
                for m in _UNOPENED.finditer(out.stderr)]
    if unopened:
        prefix = subprocess.run(["git", "-C", directory, "rev-parse", "--show-prefix"],
                                capture_output=True, check=False, env=env).stdout
        top = os.fsdecode(prefix.rstrip(b"\n")).rstrip("/")
        unopened = [(_relative_to(path, top), reason) for path, reason in unopened]
    return list(dict.fromkeys(names)), unopened  # a conflicted file is listed once per stage


def _relative_to(path: str, top: str) -> str:
    """`path` (relative to the top level) relative to the directory `top` ("" for itself)."""
    if path == top:
        return ""
    return path[len(top) + 1:] if top and path.startswith(top + "/") else path


def _ignore_spec(directory: str) -> pathspec.GitIgnoreSpec | None:
    try:  # a FIFO would block, a link to /dev/zero never end: then none (all is scanned)
        lines = read_regular(os.path.join(directory, ".gitignore")).decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    import pathspec  # only where a .gitignore exists: keep start-up fast

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _walk(root: str, on_error: Callable[[str, OSError], None]) -> Iterator[tuple[str, bool]]:
    """Files under `root` (relative, `/`-separated) that the .gitignore files do not ignore,
    each with whether the listing saw a symlink; a directory that cannot be listed goes to
    `on_error` (a gate must not pass what it never saw)."""
    stack: list[tuple[str, list[tuple[str, pathspec.GitIgnoreSpec]]]] = [("", [])]
    while stack:
        rel_dir, specs = stack.pop()
        abs_dir = os.path.join(root, rel_dir) if rel_dir else root
        spec = _ignore_spec(abs_dir)
        if spec is not None:
            specs = [*specs, (rel_dir, spec)]
        try:
            entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
        except OSError as exc:  # unreadable, or a path over PATH_MAX
            on_error(rel_dir, exc)
            continue
        subdirs = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            is_dir = entry.is_dir(follow_symlinks=False)
            if is_dir and entry.name == ".git":
                continue
            if _ignored(rel, is_dir, specs):
                continue
            if is_dir:
                subdirs.append((rel, specs))
            else:
                yield rel, entry.is_symlink()
        stack.extend(reversed(subdirs))


def _ignored(rel: str, is_dir: bool, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
    result = False
    for base, spec in specs:
        sub = rel[len(base) + 1:] if base else rel
        check = spec.check_file(sub + "/" if is_dir else sub)
        if check.include is not None:
            result = bool(check.include)
    return result


def discover(
    paths: Sequence[str], exclude: Sequence[str], *, cwd: str | None = None,
    skip: Sequence[str] = (),
) -> tuple[list[Target], list[Problem]]:
    """Expand the given paths into files to scan, and the paths that could not be."""
    cwd = cwd or os.getcwd()
    excluded = None
    if exclude:
        import pathspec

        excluded = pathspec.GitIgnoreSpec.from_lines(exclude)
    skip_abs = {os.path.abspath(s) for s in skip}
    targets: list[Target] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(open_path: str, absolute: str, shown: str, rel_to_root: str | None) -> None:
        if absolute in seen or absolute in skip_abs:
            return
        if excluded is not None and (excluded.match_file(shown)
                                     or (rel_to_root and excluded.match_file(rel_to_root))):
            return
        seen.add(absolute)
        targets.append(Target(open_path, shown))

    for given in paths:
        try:
            os.stat(given)
        except PermissionError as exc:  # under a directory we may not enter: not "no such file"
            problems.append(Problem(display_path(given, cwd), f"unreadable: {exc.strerror}"))
            continue
        except OSError:
            pass  # missing, a broken link, ...: told apart below
        if os.path.islink(given) and not os.path.exists(given):
            problems.append(Problem(display_path(given, cwd), "broken symlink", error=False))
        elif os.path.isfile(given):
            add(given, os.path.abspath(given), display_path(given, cwd), None)
        elif os.path.isdir(given):
            _add_directory(given, add, problems, cwd)
        elif os.path.exists(given):  # named, so asked for: not read is an error (a walk's: a note)
            problems.append(Problem(display_path(given, cwd), "not a regular file"))
        else:
            problems.append(Problem(display_path(given, cwd), "no such file or directory"))
    return targets, problems


def _has_entries(directory: str) -> bool:
    with os.scandir(directory) as entries:
        return any(e.name != ".gitignore" for e in entries)


def _add_directory(
    directory: str, add: Callable[[str, str, str, str | None], None], problems: list[Problem],
    cwd: str,
) -> None:
    root_real = os.path.realpath(directory)
    base_abs = os.path.abspath(directory)
    base_shown = display_path(directory, cwd)

    def shown_of(rel: str) -> str:
        return base_shown if not rel else rel if base_shown == "." else f"{base_shown}/{rel}"

    unlisted: list[str] = []

    def unreadable_dir(rel: str, reason: str) -> None:
        unlisted.append(rel)
        problems.append(Problem(shown_of(rel), f"cannot list this directory: {reason}"))

    listed = _git_files(directory)
    names = None if listed is None else listed[0]
    gitlink = names is not None and any(os.path.normpath(n) == "." for n in names)
    if gitlink:
        # A submodule with no repository of its own here (never initialised, or its .git gone):
        # git answered for the enclosing repository, which lists the gitlink itself as `./` and
        # nothing inside it. Recursing on `./` never ends; walk the directory as outside git.
        names = None
    elif listed is not None:
        for rel, reason in listed[1]:
            unreadable_dir(rel, reason)
    # What git lists is looked at (lstat) below; what the walk lists it has seen already: its
    # directory entries say which are symlinks (an lstat per file was a third of the walk).
    listing: list[tuple[str, bool | None]] = [(n, None) for n in names] if names is not None \
        else list(_walk(directory, lambda rel, exc: unreadable_dir(rel, str(exc.strerror or exc))))
    if gitlink and not listing and not unlisted and not os.listdir(directory):
        problems.append(Problem(base_shown, "submodule not checked out, nothing to scan "
                                "(`git submodule update --init` fetches it)", error=False))
    if names == [] and not unlisted and _has_entries(directory):
        problems.append(Problem(base_shown, "every file here is ignored by git (.gitignore): "
                                "name the files to scan them", error=False))
    for rel, link in listing:
        full = os.path.join(directory, rel)
        shown = shown_of(rel)
        if link is False:  # a file the walk listed, not a symlink
            add(full, f"{base_abs}/{rel}", shown, rel)
            continue
        try:
            mode = os.lstat(full).st_mode
        except (FileNotFoundError, NotADirectoryError):  # listed by git, deleted from the tree
            continue
        except OSError as exc:  # under an unreadable directory, a path over PATH_MAX, ...
            problems.append(Problem(shown, f"unreadable: {exc.strerror or exc}"))
            continue
        if stat.S_ISLNK(mode):
            real = os.path.realpath(full)
            if not os.path.exists(real):
                problems.append(Problem(shown, "broken symlink", error=False))
                continue
            if os.path.commonpath([root_real, real]) != root_real:
                problems.append(Problem(shown, "symlink leaves the scanned tree", error=False))
                continue
            if os.path.isdir(real):
                continue
        elif stat.S_ISDIR(mode):
            # A submodule, or a nested repository git lists as one entry: secrets hide there
            # too, so it is listed its own way (its own git, or a walk).
            _add_directory(full.rstrip("/"), add, problems, cwd)
            continue
        add(full, f"{base_abs}/{rel}", shown, rel)
