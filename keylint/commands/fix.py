"""`keylint fix [PATH...]`: move hard-coded keys into the env file; exit 1 when any was found.

Also the `keylint-fix` pre-commit hook (pre-commit passes the staged file names). Exit codes:
0 no key found, 1 files rewritten (or, with --diff, would be) or a found key left in place
(a comment, a docstring, a non-Python file, a named file with NUL bytes or over the default
size limit, ...: the hook never passes a key), 2 errors.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of `keylint fix`."""
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories (default: the current directory)")
    parser.add_argument("--diff", action="store_true",
                        help="print a unified diff (keys masked) and write nothing")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--env-file", metavar="PATH",
                       help="where the values go (default: .env at the repository root, "
                            "or [tool.keylint] env_file)")
    where.add_argument("--no-env-file", action="store_true",
                       help="write no env file: fix only keys whose value some environment "
                            "variable already holds")
    secure = parser.add_mutually_exclusive_group()
    secure.add_argument("--secure-string", dest="secure_string", action="store_const",
                        const=True, default=None,
                        help="module constants may become keylint.runtime.SecureString even when "
                             "the project does not declare keylint as a dependency")
    secure.add_argument("--no-secure-string", dest="secure_string", action="store_const",
                        const=False,
                        help="always use the plain os.environ[...] lookup, never SecureString "
                             "(default: SecureString only when the project depends on keylint "
                             "or keylint-runtime, or [tool.keylint] secure_string)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="gitignore-style pattern to skip (repeatable)")
    parser.add_argument("--config", type=Path, help="config file (default: ./pyproject.toml)")


def run(args: argparse.Namespace) -> int:
    """Discover files, fix them, report, and return the exit code."""
    from keylint import config as config_mod
    from keylint.fix.api import FixOptions, default_env_file, fix_targets
    from keylint.scanner.files import discover, display_path

    cfg = config_mod.load(args.config)
    env_file = None
    if not args.no_env_file:
        env_file = Path(args.env_file) if args.env_file else default_env_file(cfg.env_file)
    skip = [str(env_file)] if env_file is not None else []
    if cfg.baseline:
        skip.append(cfg.baseline)
    excludes = config_mod.check_excludes(args.exclude, "--exclude")
    targets, problems = discover(args.paths or ["."], (*cfg.exclude, *excludes), skip=skip)
    opts = FixOptions(
        env_file=env_file,
        secure_string=cfg.secure_string if args.secure_string is None else args.secure_string,
        diff=args.diff, rule_ids=cfg.rule_ids(), max_file_size=cfg.max_file_size,
        environ=dict(os.environ),
        named=frozenset(display_path(p, os.getcwd()) for p in args.paths if os.path.isfile(p)),
    )
    return fix_targets(targets, opts, problems=problems)
