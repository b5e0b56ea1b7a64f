"""`keylint redact` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse

from keylint.errors import KeylintError


def configure(parser: argparse.ArgumentParser) -> None:
    """No options yet."""
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """Not available yet."""
    raise KeylintError("`keylint redact` is not implemented yet")
