"""Run a fix over files: plan every rewrite, save the values, then write the sources.

Order is the safety contract (STYLE.md section 6): all rewrites are computed in memory first;
then the new variables are appended to the env file (atomically, mode 0600, after making sure
git ignores it); only then are the sources replaced, each atomically. If the env file cannot be
written, no source is touched. `--diff` computes the same and writes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from keylint.config import DEFAULT_MAX_FILE_SIZE, Config
from keylint.errors import KeylintError
from keylint.fix import dotenv, history, importtime, report
from keylint.fix.codemods import fix_source
from keylint.fix.model import Change, Skip, SourceContext, SourceFix, default_where
from keylint.fix.naming import NamePicker
from keylint.fix.notebook import fix_notebook
from keylint.fix.project import Project, Projects, is_test_path
from keylint.fix.references import Repository
from keylint.fix.split import REASON as SPLIT_REASON
from keylint.fix.split import split_keys
from keylint.masking import shown_path
from keylint.scanner.engine import detector_for, scan_bytes
from keylint.scanner.files import Problem, Target
from keylint.scanner.finding import Finding
from keylint.scanner.run import read_target, to_scan
from keylint.scanner.thorough import binary_text, gate_reads, scan_file

PYTHON_SUFFIXES = (".py", ".pyw", ".pyi")


@dataclass(frozen=True)
class FixOptions:
    """How to fix: where values go (None: `--no-env-file`), SecureString or not (None: when
    the project depends on keylint), diff only. `named`: the display paths of the files named
    on the command line (the keylint-fix hook names each file), read as the commit hook reads
    them: a file with NUL bytes as text, one over the default size limit streamed."""

    env_file: Path | None
    secure_string: bool | None = None
    diff: bool = False
    rule_ids: tuple[str, ...] | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    environ: Mapping[str, str] = field(default_factory=dict)
    named: frozenset[str] = frozenset()


@dataclass
class FileResult:
    """One file's outcome: its bytes before and after, and what happened to each key."""

    target: Target
    old: bytes
    fix: SourceFix
    findings: list[Finding]
    project: Project | None = None
    left: int | None = None  # keys known to stay: a file left as it is (binary, too large)

    @property
    def changed(self) -> bool:
        """True when the file is (or, with --diff, would be) rewritten."""
        return self.fix.error is None and self.fix.source != self.old


def git_root(cwd: str = ".") -> str | None:
    """The top of the git work tree holding `cwd`, or None."""
    try:
        out = subprocess.run(["git", "-C", cwd, "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=False)
    except OSError:
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def default_env_file(configured: str, cwd: str = ".") -> Path:
    """The configured env file; a relative one is taken from the repository root (or cwd)."""
    path = Path(configured)
    if path.is_absolute():
        return path
    root = git_root(cwd) or cwd
    return Path(os.path.relpath(os.path.join(root, path), cwd))


def _fix_file(target: Target, data: bytes, view: bytes | None, opts: FixOptions,
              picker: NamePicker, repo: Repository, projects: Projects,
              only: set[str] | None) -> FileResult | None:
    """`view` is what the scanner reads of `data` (a notebook's text, a UTF-16 file decoded;
    None: the file has NUL bytes, and its text is read as the commit hook reads it)."""
    detector = detector_for(opts.rule_ids)
    display = target.display
    is_notebook = display.endswith(".ipynb")
    findings = [f for f in scan_bytes(binary_text(data) if view is None else view, display,
                                      detector)
                if only is None or f.hashed_secret in only]
    if view is None or (not is_notebook and view != data):  # NULs, or a UTF-16/32 mark
        reason = _BINARY if view is None else _ENCODED
        # Left as it is: every key it holds stays (counted here, not scanned again).
        return FileResult(target, data, SourceFix(data, skips=[
            Skip(f, default_where(f), reason) for f in findings]), findings,
            left=len(findings)) if findings else None
    is_python = display.endswith(PYTHON_SUFFIXES)
    split = [f for f in split_keys(data, display, detector) if only is None
             or f.hashed_secret in only] if is_python else []
    if not findings and not split:
        return None  # files without findings are never parsed
    project = projects.of(target.open_path)
    secure = project.depends_on_keylint if opts.secure_string is None else opts.secure_string
    ctx = SourceContext(
        path=display, secure_string=secure, test_file=is_test_path(display),
        import_style=project.style,
        exported=lambda name: repo.exported(name, target.open_path), detector=detector,
        read_by_name=lambda: repo.read_by_name(target.open_path),
    )
    fork = picker.fork()
    try:
        if is_notebook:
            fix = fix_notebook(data, ctx, fork, only)
        elif is_python:
            fix = fix_source(data, findings, ctx, fork)
            fix.skips.extend(Skip(f, ctx.where(f), SPLIT_REASON) for f in split)
        else:
            fix = SourceFix(data, skips=[Skip(f, ctx.where(f), report.manual_fix(display, f))
                                         for f in findings])
    except Exception as exc:  # a bug in one file's rewrite: leave it, fix the others, exit 2
        reason = f"internal error ({type(exc).__name__}); file left untouched; please report it"
        fix = SourceFix(data, skips=[Skip(f, ctx.where(f), reason, True)
                                     for f in findings + split], error=reason)
    if fix.error is None and fix.changes:
        picker.adopt(fork)
    return FileResult(target, data, fix, findings + split, project)


_ENCODED = ("the file is UTF-16 or UTF-32 encoded (a byte-order mark), which keylint fix does "
            "not rewrite; save it as UTF-8 and run keylint fix again, or move the key by hand")
_BINARY = ("the file has NUL bytes (binary), which keylint fix does not rewrite; move the key "
           "by hand")


def _too_large(target: Target, opts: FixOptions,
               only: set[str] | None) -> tuple[FileResult | None, Problem | None]:
    """A named file over the default size limit, streamed as the commit hook streams it: its
    keys are reported left in place (fix does not rewrite a file it will not hold)."""
    try:
        found = scan_file(target.open_path, target.display, detector_for(opts.rule_ids),
                          opts.max_file_size)
    except OSError as exc:
        return None, Problem(target.display, f"unreadable: {exc.strerror or exc}")
    findings = [f for f in found if only is None or f.hashed_secret in only]
    if not findings:
        return None, None
    reason = (f"the file is over the {opts.max_file_size:,}-byte limit (max_file_size), which "
              "keylint fix does not rewrite; move the key by hand")
    return FileResult(target, b"", SourceFix(b"", skips=[
        Skip(f, default_where(f), reason) for f in findings]), findings, left=len(findings)), None


def fix_targets(targets: Sequence[Target], opts: FixOptions, *,
                only: Mapping[str, set[str]] | None = None, problems: Sequence[Problem] = (),
                out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Fix every target; print the report; exit 0 clean, 1 rewritten or a key left, 2 errors.

    `only` maps a display path to the hashed secrets to fix there (`keylint scan --fix` after a
    baseline); files it does not name are skipped.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    errors = False
    for p in problems:
        print(f"keylint: {'error' if p.error else 'note'}: {shown_path(p.display)}: {p.reason}",
              file=err)
        errors = errors or p.error
    if opts.env_file is None or opts.diff:
        return _fix_targets(targets, opts, only, out, err, errors)
    env_file = opts.env_file

    def waiting() -> None:
        print(f"keylint: note: {os.path.relpath(env_file)}: waiting for another keylint fix "
              "to finish with it", file=err, flush=True)

    with dotenv.locked(env_file, on_wait=waiting):  # sources and env file read under the lock
        for stale in dotenv.remove_stale(env_file):
            print(f"keylint: note: removed {shown_path(os.path.relpath(stale))}, a temp copy of "
                  f"{os.path.relpath(env_file)} left by an interrupted keylint fix", file=err)
        return _fix_targets(targets, opts, only, out, err, errors)


def _fix_targets(targets: Sequence[Target], opts: FixOptions,
                 only: Mapping[str, set[str]] | None, out: TextIO, err: TextIO,
                 errors: bool) -> int:
    stream = err if opts.diff else out
    picker = (NamePicker(dotenv.read(opts.env_file)) if opts.env_file is not None
              else NamePicker(opts.environ, read_only=True))
    repo = Repository()
    projects = Projects()
    results: list[FileResult] = []
    for t in targets:
        if only is not None and t.display not in only:
            continue
        wanted = None if only is None else only[t.display]
        # A file named on the command line is read as the commit hook reads it (files with NUL
        # bytes, files over the default size limit); a directory walk skips what
        # `keylint scan` skips.
        named = t.display in opts.named
        data, problem = read_target(t, opts.max_file_size)
        if named and problem is not None and gate_reads(problem, opts.max_file_size):
            large, problem = _too_large(t, opts, wanted)
            results.extend([large] if large is not None else [])
        if problem is not None:
            print(f"keylint: {'error' if problem.error else 'note'}: {shown_path(problem.display)}: "
                  f"{problem.reason}", file=err)
            errors = errors or problem.error
        view = None if data is None else to_scan(data, t.display)[0]
        if data is None or (view is None and not named):
            continue  # unreadable, or binary in a directory walk: nothing to fix
        result = _fix_file(t, data, view, opts, picker, repo, projects, wanted)
        if result is not None:
            results.append(result)
    changed = [r for r in results if r.changed]
    entries = _entries(picker, changed, opts.env_file)
    created, gitignore, example = False, None, None
    if opts.diff:
        for r in changed:
            out.write(report.masked_diff(r.old, r.fix.source, r.target.display,
                                         (f.secret for f in r.findings)))
    else:
        if entries and opts.env_file is not None:
            gitignore = dotenv.ensure_ignored(opts.env_file)
            created = dotenv.append(opts.env_file, entries)
        if opts.env_file is not None and changed:
            example = _update_example(opts.env_file, changed, err)
        for r in changed:
            errors = not _write(r, err) or errors
    _print_report(results, changed, opts, stream, created=created, gitignore=gitignore,
                  example=example)
    for name in _overridden(picker, changed, opts.environ):
        print(f"warning: {name} is already set in this environment to a different value; "
              "load_dotenv() will not override it", file=stream)
    errors = errors or any(r.fix.error is not None for r in results)
    left = _left_in_place(results, opts, only)
    if left and not errors:
        print(f"keylint fix: {left} key{'s' if left != 1 else ''} left in place: exit 1 until "
              "moved by hand (or, when not a secret, allowlisted)", file=stream)
    return 2 if errors else 1 if changed or left else 0


def _left_in_place(results: list[FileResult], opts: FixOptions,
                   only: Mapping[str, set[str]] | None) -> int:
    """How many found keys the files still hold after the fix (with --diff: would hold).

    Counted by scanning the result again, not from the skips, so a key the fixer neither moved
    nor reported still fails the hook.
    """
    detector = detector_for(opts.rule_ids)
    left = 0
    for r in results:
        if r.left is not None:
            left += r.left
            continue
        data = r.fix.source if r.changed else r.old
        display = r.target.display
        view = to_scan(data, display)[0]
        wanted = None if only is None else only.get(display, set())
        found = scan_bytes(binary_text(data) if view is None else view, display, detector)
        if display.endswith(PYTHON_SUFFIXES) and view == data:
            found += split_keys(data, display, detector)
        left += sum(1 for f in found if wanted is None or f.hashed_secret in wanted)
    return left


def _entries(picker: NamePicker, changed: list[FileResult],
             env_file: Path | None) -> list[dotenv.Entry]:
    """The variables to append, each with the file it came from, named from the env file's
    directory (the project root), not from wherever `keylint fix` was started."""
    origin: dict[str, str] = {}
    for r in changed:
        source = _from_env_dir(r.target.open_path, env_file)
        for c in r.fix.changes:
            where = c.where.rsplit(":", 1)[0]  # path:line (path[cell n]:line in notebooks)
            if source is not None and where.startswith(r.target.display):
                where = source + where[len(r.target.display):]
            origin.setdefault(c.env_var, where)
    return [dotenv.Entry(name, value, origin.get(name, "keylint fix"))
            for name, value in picker.added.items() if name in origin]


def _from_env_dir(path: str, env_file: Path | None) -> str | None:
    if env_file is None:
        return None
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(env_file.parent))
    except ValueError:  # another drive (Windows)
        return None
    return rel.replace(os.sep, "/")


def _overridden(picker: NamePicker, changed: list[FileResult],
                environ: Mapping[str, str]) -> list[str]:
    """Variables the fix now reads that the environment already holds with another value."""
    names = dict.fromkeys(c.env_var for r in changed for c in r.fix.changes)
    return [n for n in names
            if n in environ and n in picker.known and environ[n] != picker.known[n]]


def _write(r: FileResult, err: TextIO) -> bool:
    path = Path(os.path.realpath(r.target.open_path))
    try:
        mode = os.stat(path).st_mode & 0o7777
        dotenv.write_atomic(path, r.fix.source, mode, what="cannot write the fixed source")
    except (OSError, KeylintError) as exc:
        from keylint.masking import redact_text, shown_path

        print(f"keylint: error: {shown_path(r.target.display)}: {redact_text(str(exc))}",
              file=err)
        return False
    return True


def _update_example(env_file: Path, changed: list[FileResult], err: TextIO) -> Path | None:
    """List the variables the fixed code reads in the env file's `.example` (names only)."""
    names = list(dict.fromkeys(c.env_var for r in changed for c in r.fix.changes))
    try:
        return dotenv.update_example(env_file, names)
    except KeylintError as exc:  # the values are saved and the sources fixed: a note, not a failure
        print(f"keylint: note: {exc}", file=err)
        return None


def _print_report(results: list[FileResult], changed: list[FileResult], opts: FixOptions,
                  stream: TextIO, *, created: bool, gitignore: Path | None,
                  example: Path | None = None) -> None:
    changes: list[Change] = []
    skips: list[Skip] = []
    for r in results:
        if r.changed:
            changes.extend(r.fix.changes)
            for c in r.fix.changes:
                print(report.change_line(c), file=stream)
        for s in r.fix.skips:
            skips.append(s)
            print(report.skip_line(s), file=stream)
    if not results:
        return
    env = None if opts.env_file is None else os.path.relpath(opts.env_file)
    print(report.summary(len(changed), len({c.finding.hashed_secret for c in changes}),
                         len(skips), env, diff=opts.diff, created=created,
                         gitignore=None if gitignore is None else os.path.relpath(gitignore)),
          file=stream)
    for line in _rotations(changed):
        print(line, file=stream)
    if changes:
        note = report.secure_note(changes)
        if note:
            print(note, file=stream)
        if example is not None:
            print(report.example_line(os.path.relpath(example),
                                      [c.env_var for c in changes]), file=stream)
        if env is not None:
            loaders = [r.project.loader if r.project else None for r in changed]
            print(report.load_line(env, loaders), file=stream)
        for r in changed:
            if r.project is not None and not is_test_path(r.target.display):
                for line in importtime.notes(r.target.display, r.target.open_path,
                                             r.fix.source, r.fix.changes, r.project):
                    print(line, file=stream)


def _rotations(changed: list[FileResult]) -> list[str]:
    """Per distinct key: the files it was moved out of, and the commits that hold it."""
    keys: dict[str, tuple[Change, list[str], list[str], set[bytes] | None]] = {}
    for r in changed:
        secrets = list(dict.fromkeys(c.finding.secret for c in r.fix.changes))
        found = history.commits_holding(r.target.open_path, secrets)
        held = dict(zip(secrets, found.commits, strict=False))
        for c in r.fix.changes:
            first, paths, in_history, commits = keys.get(c.finding.hashed_secret,
                                                         (c, [], [], set()))
            if r.target.display not in paths:
                paths.append(r.target.display)
                mine = held.get(c.finding.secret, frozenset())
                if mine:
                    in_history.append(r.target.display)
                commits = None if commits is None or not found.in_git else commits | mine
            keys[c.finding.hashed_secret] = (first, paths, in_history, commits)
    return [report.rotation_line(report.Rotation(
        c.finding, c.env_var, tuple(in_history or paths), None if commits is None else len(commits)))
        for c, paths, in_history, commits in keys.values()]


def fix_findings(findings: Sequence[Finding], cfg: Config) -> int:
    """`keylint scan --fix`: fix these findings (and no others); 1 when there were any, 2 errors."""
    if not findings:
        return 0

    only: dict[str, set[str]] = {}
    for f in findings:
        only.setdefault(f.path, set()).add(f.hashed_secret)
    targets = [Target(p, p) for p in only]
    opts = FixOptions(env_file=default_env_file(cfg.env_file), secure_string=cfg.secure_string,
                      rule_ids=cfg.rule_ids(), max_file_size=cfg.max_file_size,
                      environ=dict(os.environ), named=frozenset(only))
    code = fix_targets(targets, opts, only=only)
    return 2 if code == 2 else 1
