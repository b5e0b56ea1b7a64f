"""`keylint-hook FILE...`: the pre-commit hook. Scans exactly the files given, gated by a baseline.

At the pre-push stage (pre-commit names the commits in its environment), or as git's own pre-push
hook (`--pre-push REMOTE`, the refs on standard input), it scans the commits being pushed instead:
a key committed and deleted again before the push is still in what the remote receives.

The baseline is only ever read here. pre-commit splits the files into batches and runs them in
parallel processes, so a hook that rewrote a shared baseline would lose updates (last writer wins);
updating it is `keylint baseline update`, run by a person.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from keylint import config as config_mod
from keylint.errors import KeylintError
from keylint.scanner.files import Problem, discover
from keylint.scanner.finding import Finding
from keylint.scanner.run import scan_targets

VANISHED = "vanished during the scan"  # keylint.scanner.run.read_target's reason


def resolve_baseline(explicit: Path | None, cfg: config_mod.Config) -> Path | None:
    """`--baseline FILE`, else `[tool.keylint] baseline`, else `.secrets.baseline`, if it exists."""
    if explicit is not None:
        if not explicit.is_file():
            raise KeylintError(f"{explicit}: baseline not found (create it with "
                               f"`keylint baseline create --baseline {explicit}`)")
        return explicit
    candidate = Path(cfg.baseline or config_mod.DEFAULT_BASELINE)
    return candidate if candidate.is_file() else None


def scan_files(filenames: Sequence[str], cfg: config_mod.Config,
               baseline: Path | None) -> tuple[list[Finding], list[Problem]]:
    """The new findings in exactly these files (no directory walk), and what could not be read."""
    files = [f for f in filenames if not os.path.isdir(f)]
    dirs = [Problem(f, "a directory: the hook scans files only", error=False)
            for f in filenames if os.path.isdir(f)]
    targets, problems = discover(files, cfg.exclude)
    # jobs=0: one process per CPU when the batch is large (`--all-files`); small batches stay
    # in-process (the hook is `require_serial`, so pre-commit does not split the files itself).
    result = scan_targets(targets, max_size=cfg.max_file_size, rule_ids=cfg.rule_ids(), jobs=0)
    from keylint.scanner.thorough import read_passed_over

    findings = result.findings + read_passed_over(targets, result.problems, cfg)
    if baseline is not None:  # loaded even for a clean batch: a broken baseline fails closed
        from keylint.baseline.gate import new_findings

        findings = new_findings(findings, baseline)
    # A file named to the hook is one git is committing: if it vanished while the hook ran, the
    # commit still holds it (from the index), unscanned. An error, not a tree scan's note.
    unread = [replace(p, error=True) if p.reason == VANISHED else p for p in result.problems]
    return findings, dirs + problems + unread


def scan_push(specs: Sequence[Sequence[str]], cfg: config_mod.Config,
              baseline: Path | None) -> tuple[list[Finding], list[Problem]]:
    """The new secrets in the commits being pushed (each once), and what could not be read."""
    from keylint.scanner.history import scan_history

    result = scan_history(".", specs, cfg, gate=True)
    findings = result.findings
    if baseline is not None:
        from keylint.baseline.gate import new_history_findings

        findings = new_history_findings(findings, baseline)
    return findings, result.problems


def explain_push(findings: Sequence[Finding], baseline: Path, stream: TextIO) -> None:
    """Each secret in the pushed commits, then why deleting it now is not enough."""
    from keylint.masking import shown_path
    from keylint.report.text import format_finding

    name = shown_path(str(baseline))  # a config's to choose: escaped like a file name
    for f in findings:
        stream.write(f"{format_finding(f)}\n")
    stream.write(
        f"keylint: {_plural(len(findings), 'secret')} in the commits being pushed: blocked.\n"
        "  A commit holds it, so a later commit that deletes it does not take it out of the push.\n"
        "  Rotate: revoke the key at the provider (it may already have been copied).\n"
        "  Remove: rewrite the unpushed commits so none holds it (`git rebase -i`, or\n"
        "          `git commit --amend` for the last one), then push again.\n"
        "  Allow:  a test value or a revoked key: `keylint baseline update --history "
        f"--baseline {name}`,\n"
        f"          label it with `keylint audit {name}`, and commit {name}.\n"
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def remedy(f: Finding) -> str:
    """What to do about one finding, by the kind of file it is in (a key in its name masked)."""
    from keylint.masking import shown_path

    name = f.path.rsplit("/", 1)[-1]
    path = shown_path(f.path)
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return (f"keep {path} out of git: list it in .gitignore, then "
                f"`git rm --cached {path}`")
    if name.endswith((".py", ".pyi")):
        return f"move it to .env: keylint fix {path}"
    from keylint.rules import RULES_BY_ID

    rule = RULES_BY_ID.get(f.rule_id)
    var = rule.env_var if rule is not None and rule.env_var else "an environment variable"
    return f"read it from the environment ({var}) instead of {path}"


def explain(findings: Sequence[Finding], baseline: Path, exists: bool, stream: TextIO) -> None:
    """Each finding (file, line, masked key) with what to do about it, then the ways out."""
    from keylint.masking import shown_path
    from keylint.report.text import format_finding

    name = shown_path(str(baseline))  # a config's to choose: escaped like a file name
    for f in findings:
        stream.write(f"{format_finding(f)}\n    -> {remedy(f)}\n")
    files = len({f.path for f in findings})
    record = "update" if exists else "create"
    stream.write(
        f"keylint: {_plural(len(findings), 'new secret')} in {_plural(files, 'file')}: "
        "blocked.\n"
        "  Fix:   in Python, `keylint fix FILE` moves each key into the gitignored .env and makes\n"
        "         the code read it from the environment. Revoke a key that was ever pushed.\n"
        "  Allow: if it is not a live secret (a test value, a revoked key), record it with\n"
        f"         `keylint baseline {record} --baseline {name}`, label it with\n"
        f"         `keylint audit {name}`, and stage {name}.\n"
        "         For one line only: add the comment `pragma: allowlist secret` to it.\n"
    )


def _report_problems(problems: Sequence[Problem]) -> bool:
    """Print unreadable files (errors) and skipped ones worth a note; True if any was an error."""
    from keylint.masking import shown_path

    for p in problems:
        if p.error:
            print(f"keylint: error: {shown_path(p.display)}: {p.reason}", file=sys.stderr)
        elif not p.quiet:
            print(f"keylint: note: {shown_path(p.display)}: {p.reason}", file=sys.stderr)
    return any(p.error for p in problems)


def split_dash_files(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The arguments that are options, and the files whose names start with `-`.

    pre-commit appends the staged file names to the hook's arguments with no `--` before them:
    a committed file named `--pre-push=origin` or `--config=x.toml` would otherwise be read as
    that option and switch the scan off for the rest of the commit. An argument that names a
    path which exists is a file, whatever it looks like."""
    options: list[str] = []
    files: list[str] = []
    for arg in argv:
        dashed = arg.startswith("-") and arg not in ("-", "--")
        (files if dashed and os.path.lexists(arg) else options).append(arg)
    return options, files


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 1 on new findings, 0 when clean, 2 on a bad baseline, config or unreadable file."""
    from keylint.cli import MaskingParser  # usage errors must not echo a key back

    parser = MaskingParser(
        prog="keylint-hook", description="Scan the files pre-commit passes for secrets.")
    parser.add_argument("filenames", nargs="*", metavar="FILE")
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="report only findings not in this baseline (default: "
                             "[tool.keylint] baseline, else .secrets.baseline when present)")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="config file (default: ./pyproject.toml)")
    parser.add_argument("--pre-push", metavar="REMOTE",
                        help="run as git's pre-push hook: scan the commits named on standard "
                             "input (`keylint install-hook --pre-push` writes such a hook)")
    options, dash_files = split_dash_files(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(options)
    args.filenames += dash_files
    from keylint.masking import printable, redact_text

    try:
        return _run(args)
    except KeylintError as exc:
        print(f"keylint: error: {printable(redact_text(str(exc)))}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file that vanished or could not be written while reporting
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"keylint: error: {printable(redact_text(where))}{exc.strerror or exc}",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # one line, as `keylint` says it; 130 as a shell would
        print("keylint: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line, exit 2 (1 would read as "findings")
        from keylint.errors import crash_message

        print(f"keylint: error: {crash_message(exc)}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    cfg = config_mod.load(args.config)
    baseline = resolve_baseline(args.baseline, cfg)
    from keylint.hooks.prepush import specs_from_env, specs_from_stdin

    if args.pre_push is not None:
        specs: list[list[str]] | None = specs_from_stdin(sys.stdin.read(), args.pre_push)
    else:
        specs = specs_from_env(os.environ)
    if specs == []:
        return 0  # a push that only deletes refs sends no commit
    if specs is not None:
        findings, problems = scan_push(specs, cfg, baseline)
    else:
        findings, problems = scan_files(args.filenames, cfg, baseline)
    failed = _report_problems(problems)
    target = baseline or Path(cfg.baseline or config_mod.DEFAULT_BASELINE)
    if findings and specs is not None:
        explain_push(findings, target, sys.stdout)
    elif findings:
        explain(findings, target, baseline is not None, sys.stdout)
    # What could not be read outranks what was found: the user must act on both (as `scan`).
    return 2 if failed else 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
