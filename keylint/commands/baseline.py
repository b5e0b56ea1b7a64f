"""`keylint baseline create|update [PATH...]` and `keylint baseline merge %O %A %B`.

The baseline is detect-secrets' JSON format (default path: `[tool.keylint] baseline`, else
`.secrets.baseline`). `update` keeps every audit label whose secret is still there. Writes are
locked and atomic, and a file whose content would not change (a moved line included) is left
byte for byte as it was.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from keylint import config as config_mod
from keylint.errors import KeylintError
from keylint.words import counted


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of `keylint baseline`."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, help_text in (("create", "scan and write a new baseline"),
                            ("update", "rescan; add new findings, drop gone ones, keep labels")):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("paths", nargs="*", metavar="PATH",
                       help="files or directories (default: the current directory)")
        p.add_argument("--baseline", metavar="FILE",
                       help=f"baseline file (default: [tool.keylint] baseline, else "
                            f"{config_mod.DEFAULT_BASELINE})")
        p.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="gitignore-style pattern to skip (repeatable)")
        p.add_argument("--config", type=Path, help="config file (default: ./pyproject.toml)")
        p.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (0: per CPU)")
        p.add_argument("--history", action="store_true",
                       help="also record the secrets in the git history (all refs), so "
                            "`keylint scan --history` and the pre-push hook accept them")
        if name == "create":
            p.add_argument("--force", action="store_true",
                           help="replace an existing baseline (its audit labels are lost)")
    merge = sub.add_parser("merge", help="git merge driver: merge two branches' baselines",
                           # argparse %-formats help strings but not a description (one
                           # without `%(prog)`): single % here, %% in the arguments' help.
                           description="git merge driver (driver = keylint baseline merge %O "
                                       "%A %B): writes the merged baseline to %A")
    merge.add_argument("ancestor", type=Path, help="%%O: the common ancestor's version")
    merge.add_argument("ours", type=Path, help="%%A: our version; receives the result")
    merge.add_argument("theirs", type=Path, help="%%B: the other branch's version")


def baseline_path(args: argparse.Namespace, cfg: config_mod.Config) -> Path:
    """--baseline, else [tool.keylint] baseline, else .secrets.baseline (in the root)."""
    return cfg.baseline_path(config_mod.baseline_option(args.baseline))


def run(args: argparse.Namespace) -> int:
    """Create, update or merge; 0 on success, 1 for a merge conflict."""
    if args.action == "merge":
        from keylint.baseline import merge

        return merge.main(args.ancestor, args.ours, args.theirs)
    from keylint.baseline import build, plugins, store

    if args.jobs < 0:
        raise KeylintError("--jobs must be 0 (one per CPU) or more")
    config_mod.baseline_option(args.baseline)
    loaded = config_mod.load(args.config)
    cfg = loaded.with_cli(exclude=tuple(loaded.exclude) + tuple(args.exclude) or None)
    # Run in a subdirectory, it works from the root: the baseline's paths are relative to it.
    # With no PATH, the whole repository.
    cfg, moved = config_mod.enter_root(cfg, [args.baseline, *args.paths])
    args.baseline, args.paths = moved[0], moved[1:]
    path = baseline_path(args, cfg)
    if args.action == "create" and path.exists() and not args.force:
        raise KeylintError(f"{path}: a baseline exists; `keylint baseline update` keeps its "
                           "labels (or --force to start over)")
    if args.action == "update" and not path.exists():
        raise KeylintError(f"{path}: baseline not found (create it with `keylint baseline "
                           "create`)")
    url = plugins.shim_url(path)
    scanner = build.scan_with_history if args.history else build.scan_tree
    scan = scanner(args.paths or ["."], cfg, args.jobs, path)
    from keylint.masking import shown_path

    unread = [p for p in scan.problems if p.error]
    for p in unread:
        print(f"keylint: error: {shown_path(p.display)}: {p.reason}", file=sys.stderr)
    if unread:
        # What could not be read would look gone: its entries (and their audit labels) dropped.
        print(f"keylint: {shown_path(str(path))}: not written: {counted(len(unread), 'path')} "
              f"could not be read",
              file=sys.stderr)
        return 2
    fresh = args.action == "create"
    if fresh:
        path.parent.mkdir(parents=True, exist_ok=True)
    changed = store.transact(path, lambda old: build.build(scan, None if fresh else old, url),
                             must_exist=not fresh)
    store.write_shim(path)
    total = len(store.load(path).entries)
    state = "written" if changed else "unchanged"
    print(f"keylint: {shown_path(str(path))}: {state} "
          f"({counted(total, 'entry')})")
    return 0
