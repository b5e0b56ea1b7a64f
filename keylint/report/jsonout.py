"""The JSON report: `{"version": 1, "tool": {...}, "results": [...], "stats": {...}}`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from keylint import __version__
from keylint.masking import inert_json
from keylint.scanner.finding import Finding


def document(findings: Sequence[Finding], stats: dict[str, Any]) -> dict[str, Any]:
    """The report as data; every finding field except the raw secret."""
    return {
        "version": 1,
        "tool": {"name": "keylint", "version": __version__},
        "results": [f.to_dict() for f in findings],
        "stats": stats,
    }


def render(findings: Sequence[Finding], stats: dict[str, Any]) -> str:
    """The report as indented JSON text."""
    return inert_json(json.dumps(document(findings, stats), indent=2)) + "\n"
