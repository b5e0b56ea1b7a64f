"""`keylint audit [BASELINE]`: label baseline entries in a terminal, or gate CI on them (--ci).

`--ci` never prompts. It exits 1 when the tree has a secret the baseline does not record, when
an entry is labelled a real secret, or when an entry is unaudited (unless --allow-unaudited);
stale entries are reported without failing. Exit 2 for a bad baseline, plugin or config, and
for any file or directory of the tree that could not be read (named in the report). With
`--exit-zero` the report is the same and a failed verdict exits 0 (2 stays 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from keylint import config as config_mod
from keylint.commands.scan import add_exit_zero, exit_code
from keylint.errors import KeylintError
from keylint.scanner import jobs

FORMATS = ("text", "json", "sarif", "github")


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of `keylint audit`."""
    parser.add_argument("baseline", nargs="?", metavar="BASELINE",
                        help=f"baseline file (default: [tool.keylint] baseline, else "
                             f"{config_mod.DEFAULT_BASELINE})")
    parser.add_argument("--ci", action="store_true",
                        help="never prompt: exit 1 on new findings, real or unaudited entries")
    parser.add_argument("--allow-unaudited", action="store_true",
                        help="with --ci: unaudited entries do not fail")
    parser.add_argument("--format", choices=FORMATS, default="text", help="--ci report format")
    parser.add_argument("--output", "-o", type=Path, help="with --ci: write the report here")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="with --ci: gitignore-style pattern to skip (repeatable)")
    parser.add_argument("--config", type=Path, help="config file (default: ./pyproject.toml)")
    jobs.add_option(parser)
    add_exit_zero(parser)


def run(args: argparse.Namespace) -> int:
    """Interactive audit in a terminal; the CI gate with --ci."""
    from keylint.baseline import build, store

    explicit = config_mod.baseline_option(args.baseline, "BASELINE")
    loaded = config_mod.load(args.config)
    excludes = config_mod.check_excludes(args.exclude, "--exclude")
    cfg = loaded.with_cli(exclude=tuple(loaded.exclude) + excludes or None)
    # Run in a subdirectory, the audit works from the root (the baseline's paths are relative to it).
    output = None if args.output is None else str(args.output)
    cfg, (explicit, output) = config_mod.enter_root(cfg, [explicit, output])
    args.output = None if output is None else Path(output)
    path = cfg.baseline_path(explicit)
    if not args.ci:
        if args.exit_zero:
            raise KeylintError("--exit-zero goes with --ci (the interactive audit fails nothing)")
        if not sys.stdin.isatty():
            raise KeylintError("audit: standard input is not a terminal; use `keylint audit "
                               "--ci` in scripts and CI")
        from keylint.baseline import audit

        return audit.session(path, build.rule_ids_for(cfg), sys.stdin, sys.stdout)
    from keylint.baseline import ci, ci_report

    baseline = store.load(path)
    scan = build.scan_tree(["."], cfg, args.jobs)
    verdict = ci.evaluate(scan, baseline, path, allow_unaudited=args.allow_unaudited)
    from keylint.masking import shown_path

    to_terminal = args.format == "text" and not args.output  # else the report holds them too
    for p in scan.problems:  # errors (in the report as well) and skips the user chose, by name
        if not p.quiet and not (p.error and to_terminal):
            level = "error" if p.error else "note"
            print(f"keylint: {level}: {shown_path(p.display)}: {p.reason}", file=sys.stderr)
    report = ci_report.RENDERERS[args.format](verdict)
    if args.output and args.output.exists() and not args.output.is_file():
        with open(args.output, "w", encoding="utf-8") as f:  # a device or pipe: never replace it
            f.write(report)
    elif args.output:
        store.write_atomic(args.output, report)
    else:
        sys.stdout.write(report)
    if args.output and args.format == "text":
        sys.stderr.write(report.splitlines()[-1] + "\n")
    if verdict.unreadable:
        return 2  # not a pass, and not only findings: the user must make the files readable
    return exit_code(1 if verdict.failed else 0, args)

