"""The `keylint` command: an argparse umbrella over one module per subcommand.

Each command module exposes `configure(parser)` and `run(args) -> int` and imports anything heavy
(libcst, detect-secrets, bandit) inside `run`, so `keylint scan` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Sequence
from typing import NoReturn

from keylint.errors import KeylintError, crash_message

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("scan", "keylint.commands.scan", "scan files for provider keys and other secrets"),
    ("fix", "keylint.commands.fix", "move hard-coded keys into the environment (.env)"),
    ("baseline", "keylint.commands.baseline", "create, update, migrate or merge a baseline"),
    ("audit", "keylint.commands.audit", "label baseline entries, or gate CI on them (--ci)"),
    ("redact", "keylint.commands.redact", "copy text to stdout with every secret masked"),
    ("rules", "keylint.commands.rules", "list the rules"),
    ("install-hook", "keylint.commands.install_hook", "write a git pre-commit hook"),
)


class MaskingParser(argparse.ArgumentParser):
    """argparse, with usage errors masked: `keylint scan sk-...` must not echo the key back (for
    every entry point's parser, the hooks' included)."""

    def error(self, message: str) -> NoReturn:
        from keylint.masking import redact_text

        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {redact_text(message)}\n")


_Parser = MaskingParser

DESCRIPTION = """\
Find provider API keys (OpenAI, Anthropic, Google, AWS, GitHub and many more: `keylint rules`)
and other secrets in files, staged changes and git history, then move them out of the code: the
literal becomes an environment lookup and the value goes to a gitignored .env."""

EPILOG = """\
examples:
  keylint scan                            scan the current directory
  keylint scan --commits origin/main..HEAD
                                          what these commits introduced (CI, pre-push)
  keylint scan --format sarif -o keylint.sarif --exit-zero
                                          a report for code scanning that never fails the job
  keylint fix --diff                      show how `keylint fix` would move the keys
  keylint baseline create && keylint audit
                                          accept the current findings, then label them

exit status: 0 clean, 1 secrets found (or files rewritten by fix), 2 usage, configuration or
input error, or a crash (one line naming the file).
`keylint COMMAND --help` describes each command. https://github.com/keylint/keylint"""


class _Version(argparse.Action):
    """`--version`: the installed package's version, read only when asked for."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from keylint import __version__

        print(f"keylint {__version__}")
        parser.exit()


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `only`, just that subcommand (`keylint scan` need not import the
    fixer's or the baseline's modules, nor build their parsers, to start)."""
    parser = _Parser(prog="keylint", description=DESCRIPTION, epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_Version, help="print keylint's version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module, help_text in COMMANDS:
        if only is not None and name != only:
            continue
        p = sub.add_parser(name, help=help_text, description=help_text)
        importlib.import_module(module).configure(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: exit 0 clean, 1 findings (or files rewritten), 2 usage/config/input error
    or a crash (one line, never a traceback: CI must tell a crash from a finding)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # file names that are not UTF-8 print as they are
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="surrogateescape")
    chosen = argv[0] if argv and argv[0] in {name for name, _, _ in COMMANDS} else None
    parser = build_parser(chosen)
    dash_files: list[str] = []
    if chosen == "fix":  # the keylint-fix hook: pre-commit appends file names with no `--`
        from keylint.hooks.precommit import split_dash_files

        options, dash_files = split_dash_files(argv[1:])
        argv = [chosen, *options]
    try:
        args = parser.parse_args(argv)  # a bad `--jobs` is a KeylintError: one line, exit 2
        if dash_files:
            args.paths += dash_files
        return int(importlib.import_module(args._module).run(args))
    except KeylintError as exc:
        _error(str(exc))
        return 2
    except OSError as exc:  # an output path that cannot be written, a vanished directory, ...
        # A closed pipe (`keylint scan | head -1`) is one too: the report was not read whole,
        # so never exit 0 (which would say "clean" to a pipeline with pipefail).
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        return 2
    except KeyboardInterrupt:  # pragma: no cover (interactive)
        print("keylint: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: exit 2 as for any error, never 1 (that means findings)
        _error(crash_message(exc))
        return 2


def _error(message: str) -> None:
    from keylint.masking import printable, redact_text

    print(f"keylint: error: {printable(redact_text(message))}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
