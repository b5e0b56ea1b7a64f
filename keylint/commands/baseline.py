"""`keylint baseline create|update|migrate [PATH...]` and `keylint baseline merge %O %A %B`.

`migrate` gives a detect-secrets repository keylint's own baseline, labelled from detect-secrets'
one, which stays as it is for the team's detect-secrets hook (keylint.baseline.migrate).

The baseline is detect-secrets' JSON format (default path: `[tool.keylint] baseline`, else
`.secrets.baseline`). `update` keeps every audit label whose secret is still there. Writes are
locked and atomic, and a file whose content would not change (a moved line included) is left
byte for byte as it was.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from keylint import config as config_mod
from keylint.errors import KeylintError
from keylint.scanner import jobs
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
        jobs.add_option(p)
        p.add_argument("--history", action="store_true",
                       help="also record the secrets in the git history (all refs), so "
                            "`keylint scan --history` and the pre-push hook accept them")
        if name == "create":
            p.add_argument("--force", action="store_true",
                           help="replace an existing baseline (its audit labels are lost)")
    mig = sub.add_parser("migrate", help="adopt keylint on a detect-secrets repository, labels kept",
                         description="scan, and write keylint's own baseline labelled from "
                                     "detect-secrets' one, which stays as it is for the "
                                     "detect-secrets hook; point [tool.keylint] baseline at it")
    mig.add_argument("paths", nargs="*", metavar="PATH",
                     help="files or directories (default: the whole repository)")
    mig.add_argument("--from", dest="source", metavar="FILE",
                     help=f"detect-secrets' baseline (default: {config_mod.DEFAULT_BASELINE})")
    mig.add_argument("--baseline", metavar="FILE",
                     help="keylint's baseline to write (default: .keylint/ + the name of "
                          "detect-secrets' baseline, which detect-secrets never scans)")
    mig.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                     help="gitignore-style pattern to skip (repeatable)")
    mig.add_argument("--config", type=Path, help="config file (default: pyproject.toml)")
    jobs.add_option(mig)
    mig.add_argument("--force", action="store_true",
                     help="replace an existing keylint baseline (its audit labels are lost)")
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
    """Create, update, migrate or merge; 0 on success, 1 for a merge conflict."""
    if args.action == "merge":
        from keylint.baseline import merge

        return merge.main(args.ancestor, args.ours, args.theirs)
    config_mod.baseline_option(args.baseline)
    if args.action == "migrate":
        config_mod.baseline_option(args.source, "--from")
    loaded = config_mod.load(args.config)
    excludes = config_mod.check_excludes(args.exclude, "--exclude")
    cfg = loaded.with_cli(exclude=tuple(loaded.exclude) + excludes or None)
    # Run in a subdirectory, it works from the root: the baseline's paths are relative to it.
    # With no PATH, the whole repository.
    source = getattr(args, "source", None)
    cfg, moved = config_mod.enter_root(cfg, [args.baseline, source, *args.paths])
    args.baseline, source, args.paths = moved[0], moved[1], moved[2:]
    if args.action == "migrate":
        return _migrate(args, cfg, source)
    path = baseline_path(args, cfg)
    if args.action == "create" and path.exists() and not args.force:
        raise KeylintError(f"{path}: a baseline exists; `keylint baseline update` keeps its "
                           "labels (or --force to start over; `keylint baseline migrate` if "
                           "detect-secrets wrote it)")
    if args.action == "update" and not path.exists():
        raise KeylintError(f"{path}: baseline not found (create it with `keylint baseline "
                           "create`)")
    from keylint.baseline import build, plugins, store

    url: str | None = plugins.shim_url(path)
    if args.action == "update" and not plugins.written_by_keylint(store.load(path).plugins_used):
        url = None  # the team's detect-secrets hook reads it: no plugin it cannot load
    scanner = build.scan_with_history if args.history else build.scan_tree
    scan = scanner(args.paths or ["."], cfg, args.jobs)
    if _unreadable(scan, path):
        return 2
    fresh = args.action == "create"
    if fresh:
        path.parent.mkdir(parents=True, exist_ok=True)
    changed = store.transact(path, lambda old: build.build(scan, None if fresh else old, url),
                             must_exist=not fresh)
    total = len(store.load(path).entries)
    _written(path, changed, total)
    if url is None:
        from keylint.masking import shown_path

        print(f"keylint: note: {shown_path(str(path))} was written by detect-secrets: its "
              "plugins are left as they are, so the team's detect-secrets hook keeps working "
              "without keylint; that hook drops the entries only keylint finds when it rewrites "
              "the file: `keylint baseline migrate` gives keylint a baseline of its own")
    else:
        _shim(path)
    return 0


def _unreadable(scan: object, path: Path) -> bool:
    from keylint.masking import shown_path

    unread = [p for p in getattr(scan, "problems", []) if p.error]
    for p in unread:
        print(f"keylint: error: {shown_path(p.display)}: {p.reason}", file=sys.stderr)
    if unread:
        # What could not be read would look gone: its entries (and their audit labels) dropped.
        print(f"keylint: {shown_path(str(path))}: not written: {counted(len(unread), 'path')} "
              "could not be read", file=sys.stderr)
    return bool(unread)


def _written(path: Path, changed: bool, total: int) -> None:
    from keylint.masking import shown_path

    state = "written" if changed else "unchanged"
    why = (": commit it, so every clone, hook and CI job accepts the same findings"
           if changed else "")
    print(f"keylint: {shown_path(str(path))}: {state} "
          f"({counted(total, 'entry')}){why}")


def _shim(path: Path) -> None:
    """Write the detect-secrets plugin shim beside the baseline and say why it is committed."""
    from keylint.baseline import plugins, store
    from keylint.masking import shown_path

    if store.write_shim(path):
        print(f"keylint: {shown_path(str(plugins.shim_path(path)))}: written: commit it too: "
              "the baseline's plugins_used names it, so detect-secrets run on the baseline loads "
              "keylint's rules (and still works where keylint is not installed)")


def _detect_secrets_baseline(cfg: config_mod.Config) -> Path:
    """The baseline to migrate from: `[tool.keylint] baseline` when it names one detect-secrets
    wrote, else `.secrets.baseline` (after a migration the setting names keylint's own)."""
    from keylint.baseline import plugins, store

    configured = cfg.baseline_path()
    if (cfg.baseline and configured.is_file()
            and not plugins.written_by_keylint(store.load(configured).plugins_used)):
        return configured
    return Path(config_mod.DEFAULT_BASELINE)


def _migrate(args: argparse.Namespace, cfg: config_mod.Config, source_arg: str | None) -> int:
    """`keylint baseline migrate`: see keylint.baseline.migrate."""
    from keylint.baseline import build, migrate, plugins, store
    from keylint.masking import shown_path

    source = Path(source_arg) if source_arg else _detect_secrets_baseline(cfg)
    target = Path(args.baseline) if args.baseline else migrate.default_target(source)
    if os.path.abspath(source) == os.path.abspath(target):
        raise KeylintError(f"{target}: keylint's baseline must be another file than "
                           "detect-secrets' (its hook drops the entries it cannot find again)")
    old = store.load(source)
    if target.exists() and not args.force:
        raise KeylintError(f"{target}: a baseline exists; `keylint baseline update` keeps its "
                           "labels (or --force to migrate again)")
    url = plugins.shim_url(target)
    scan = build.scan_tree(args.paths or ["."], cfg, args.jobs)
    scan.findings = [f for f in scan.findings if f.path != str(source)]
    if _unreadable(scan, target):
        return 2
    out = migrate.migrate(scan, old, url)
    target.parent.mkdir(parents=True, exist_ok=True)
    changed = store.transact(target, lambda _: out.baseline, must_exist=False)
    src = shown_path(str(source))
    print(f"keylint: {src}: read, left as it is for the detect-secrets hook; "
          f"{counted(out.false_positives, 'false positive')} and "
          f"{counted(out.real, 'real secret')} carried over, {out.unaudited_recorded} recorded "
          f"but unaudited, {counted(out.kept, 'detect-secrets-only entry')} kept; "
          f"{counted(out.new, 'finding')} only keylint reports, unaudited (`keylint audit` "
          "labels them)")
    _written(target, changed, len(out.baseline.entries))
    _shim(target)
    setting = migrate.relative(target)
    if os.path.normpath(cfg.baseline_path()) == os.path.normpath(target):
        return 0
    pyproject = Path(args.config) if args.config else Path("pyproject.toml")
    if pyproject.name != "pyproject.toml":  # a keylint.toml of the user's: theirs to edit
        print(f"keylint: note: set baseline = \"{setting}\" in {shown_path(str(pyproject))}, so "
              "every keylint command and hook reads keylint's baseline")
        return 0
    what = migrate.point_config(pyproject, setting)
    print(f"keylint: {shown_path(str(pyproject))}: {what}: commit it, so every keylint "
          "command and hook reads keylint's baseline")
    return 0
