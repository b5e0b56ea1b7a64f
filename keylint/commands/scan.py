"""`keylint scan [PATH...]`: report secrets; exit 0 clean, 1 findings, 2 usage/config error.

`--exit-zero` (here and on `keylint audit --ci`) turns 1 into 0, as ruff's and bandit's do: for a
report-only step such as a SARIF upload. A usage, config or input error (a path that cannot be
read) and a crash still exit 2: the report is then not whole, and "0" would claim it is.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from keylint import config as config_mod
from keylint.errors import KeylintError
from keylint.scanner import jobs
from keylint.scanner.files import Problem
from keylint.scanner.finding import Finding
from keylint.scanner.run import ScanResult, scan_paths

FORMATS = ("text", "json", "sarif", "github")


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of `keylint scan`."""
    parser.add_argument("paths", nargs="*", default=None, metavar="PATH",
                        help="files or directories (default: the current directory)")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--output", "-o", type=Path, help="write the report here, not stdout")
    parser.add_argument("--baseline", metavar="FILE",
                        help="report only findings not in this detect-secrets baseline (default: "
                             "[tool.keylint] baseline, else .secrets.baseline, in the repository "
                             "root, when it exists)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="ignore the baseline: report every finding")
    parser.add_argument("--staged", action="store_true",
                        help="scan what is staged in git (the index), not the working tree")
    parser.add_argument("--history", nargs="*", metavar="REV",
                        help="scan git history: every blob reachable from REV... (default: all "
                             "refs), each secret reported once; PATH names the repository")
    parser.add_argument("--commits", metavar="RANGE",
                        help="scan what the commits of a git range introduced (`main..HEAD`, "
                             "`A...B`, `HEAD~5..`, `--since=2.weeks main`): for CI and pre-push")
    parser.add_argument("--thorough", action="store_true",
                        help="also read what a tree scan skips, as the commit hook does: files "
                             "with NUL bytes as text, files over the default size limit streamed "
                             "(for a CI gate on the tree)")
    parser.add_argument("--fix", action="store_true", help="then run `keylint fix` on the findings")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="gitignore-style pattern to skip (repeatable)")
    parser.add_argument("--config", type=Path, help="config file (default: ./pyproject.toml)")
    jobs.add_option(parser)
    add_exit_zero(parser)


def add_exit_zero(parser: argparse.ArgumentParser) -> None:
    """`--exit-zero`, shared with `keylint audit --ci`."""
    parser.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even when secrets are found (report only, e.g. before a SARIF "
                             "upload); errors (a usage error, a path that cannot be read, a "
                             "crash) still exit 2")


def exit_code(code: int, args: argparse.Namespace) -> int:
    """1 (findings) becomes 0 under --exit-zero; 2 (the report is not whole) stays 2."""
    return 0 if code == 1 and getattr(args, "exit_zero", False) else code


def report(findings: list[Finding], result: ScanResult, fmt: str, stream: TextIO,
           baselined: dict[str, object] | None = None) -> None:
    """Write `findings` in the chosen format (`baselined`: which baseline accepted how many)."""
    stats = result.stats()
    stats["findings"] = len(findings)
    stats.update(baselined or {})
    if fmt == "json":
        from keylint.report import jsonout

        stream.write(jsonout.render(findings, stats))
    elif fmt == "sarif":
        from keylint.masking import inert_json
        from keylint.report import sarif

        doc = sarif.document(findings)
        if "baseline_accepted" in stats:
            doc["runs"][0]["properties"] = {"baseline": stats["baseline"],
                                            "baselineAccepted": stats["baseline_accepted"]}
        stream.write(inert_json(json.dumps(doc, indent=2)) + "\n")
    elif fmt == "github":
        from keylint.report import github

        stream.write(github.render(findings))
    else:
        from keylint.report import text

        text.write(findings, stats, stream)


def print_problems(problems: list[Problem]) -> None:
    """One line per path that could not be scanned."""
    from keylint.masking import shown_path

    for p in problems:
        if p.quiet:
            continue
        level = "error" if p.error else "note"
        print(f"keylint: {level}: {shown_path(p.display)}: {p.reason}", file=sys.stderr)


def history_specs(args: argparse.Namespace) -> list[list[str]] | None:
    """The rev-list arguments of `--history` / `--commits`, or None for a scan of files."""
    if args.history is None and args.commits is None:
        return None
    chosen = [opt for opt, on in (("--history", args.history is not None),
                                  ("--commits", args.commits is not None), ("--staged", args.staged),
                                  ("--fix", args.fix)) if on]
    if len(chosen) > 1:
        raise KeylintError(f"{' and '.join(chosen)} cannot be combined: "
                           + ("`keylint fix` works on the files of the work tree"
                              if "--fix" in chosen else "choose one source to scan"))
    if args.commits is not None:
        from keylint.scanner.ranges import range_spec

        return [range_spec(args.commits)]
    from keylint.scanner.history import ALL_REFS

    return [list(args.history) or list(ALL_REFS)]


def history_path(args: argparse.Namespace) -> str:
    """The one path a history scan takes: where the repository is."""
    if args.paths and len(args.paths) > 1:
        raise KeylintError("--history and --commits take one PATH (the repository), not "
                           f"{len(args.paths)}")
    return str(args.paths[0]) if args.paths else "."


def run(args: argparse.Namespace) -> int:
    """Scan, report, and return the exit code (see `exit_code` for --exit-zero)."""
    return exit_code(_run(args), args)


def _run(args: argparse.Namespace) -> int:
    explicit = config_mod.baseline_option(args.baseline, hint=" (--no-baseline ignores the baseline)")
    if explicit is not None and args.no_baseline:
        raise KeylintError("--baseline and --no-baseline cannot be combined")
    cfg = config_mod.load(args.config)
    excludes = config_mod.check_excludes(args.exclude, "--exclude")
    cfg = cfg.with_cli(exclude=cfg.exclude_here() + excludes or None)
    baseline = cfg.baseline_path(explicit)
    history = history_specs(args)
    if history is not None:
        from keylint.scanner.history import scan_history

        result: ScanResult = scan_history(history_path(args), history, cfg, jobs=args.jobs,
                                          gate=args.commits is not None)
    elif args.staged:
        from keylint.scanner.staged import scan_staged

        result = scan_staged(cfg)
    else:
        result = scan_paths(args.paths or ["."], cfg, args.jobs, thorough=args.thorough)
    findings = result.findings
    staged_baseline = None
    use_baseline = not args.no_baseline and (explicit is not None or baseline.exists())
    if args.staged and use_baseline:
        from keylint.scanner.staged import staged_text

        # The commit holds the index's baseline, not the work tree's: an update not yet staged
        # must not let the commit through (pre-commit stashes unstaged changes for the same end).
        staged_baseline = staged_text(str(baseline))
    scanned = len(findings)
    if not use_baseline:
        pass
    elif history is not None:
        from keylint.baseline.gate import new_history_findings

        findings = new_history_findings(findings, baseline)
    elif staged_baseline is not None:
        from keylint.baseline.gate import new_findings_in_text

        findings = new_findings_in_text(findings, staged_baseline, f"{baseline} (staged)")
    else:
        from keylint.baseline.gate import screen_file

        findings = screen_file(findings, baseline, cfg.root).reported
    # Said in every format: a finding a baseline accepted is not a finding that is gone.
    baselined = ({"baseline": str(baseline), "baseline_accepted": scanned - len(findings)}
                 if use_baseline else None)
    print_problems(result.problems)
    if args.output and args.output.exists() and not args.output.is_file():
        with open(args.output, "w", encoding="utf-8", errors="surrogateescape") as f:  # a device
            report(findings, result, args.format, f, baselined)
    elif args.output:
        tmp = args.output.with_name(f".{args.output.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as f:
                report(findings, result, args.format, f, baselined)
            os.replace(tmp, args.output)
        except BaseException as exc:  # Ctrl-C mid-write too: no half-written temp file left
            tmp.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise KeylintError(f"{args.output}: cannot write the report: "
                                   f"{exc.strerror or exc}") from None
            raise
    else:
        report(findings, result, args.format, sys.stdout, baselined)
    # A path could not be scanned: 2, the user must act, whatever was found (or fixed).
    unread = any(p.error for p in result.problems)
    if args.fix and findings:
        from keylint.fix.api import fix_findings

        fixed = fix_findings(findings, cfg)
        return 2 if unread else fixed
    return 2 if unread else 1 if findings else 0
