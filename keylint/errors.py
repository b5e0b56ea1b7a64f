"""The one error type people see: caught at the CLI boundary, printed on one line, exit 2."""

from __future__ import annotations


class KeylintError(Exception):
    """A problem the user must act on (bad usage, config, baseline or input)."""
