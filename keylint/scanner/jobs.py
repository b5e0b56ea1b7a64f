"""How many worker processes a scan forks: `--jobs N`, read and bounded.

A scan is CPU-bound (the regexes), so more processes than CPUs add forks, memory and contention
and scan nothing faster; a worker with no file to read is a fork for nothing. `--jobs N` is
therefore an upper bound: at most N processes, at most one per CPU this process may run on, at
most one per file (or commit). 0, the default, means one per CPU. Findings never depend on it.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

from keylint.errors import KeylintError

HELP = ("worker processes for large trees and histories: at most N, and at most one per CPU "
        "(default 0: one per CPU)")


def cpus() -> int:
    """The CPUs this process may run on (its affinity, which a container or `taskset` narrows)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # pragma: no cover (macOS, Windows)
        return os.cpu_count() or 1


def workers(requested: int, tasks: int) -> int:
    """The processes to run `tasks` units of work (files, commits) with, for `--jobs requested`."""
    limit = cpus() if requested <= 0 else min(requested, cpus())
    return max(1, min(limit, tasks))


def parse(text: str) -> int:
    """`--jobs TEXT` as a number; a KeylintError (one line, exit 2) for anything else."""
    value = text.strip()
    if not value.isdigit() or not value.isascii():
        raise KeylintError(f"--jobs {text!r}: expected a whole number of worker processes, "
                           "0 (one per CPU) or more")
    return int(value)


class _Jobs(argparse.Action):
    """Reads `--jobs` as it is parsed: a bad value is a one-line error, not argparse's usage."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        setattr(namespace, self.dest, parse(str(values)))


def add_option(parser: argparse.ArgumentParser) -> None:
    """`--jobs/-j N` on a command that scans (scan, audit, baseline create|update|migrate)."""
    parser.add_argument("--jobs", "-j", action=_Jobs, default=0, metavar="N", help=HELP)
