"""`keylint rules`: list every rule (text or JSON)."""

from __future__ import annotations

import argparse
import json
import sys

from keylint.rules import RULES


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of `keylint rules`."""
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    """Print the rule table."""
    if args.format == "json":
        rows = [
            {"id": r.id, "provider": r.provider, "secret_type": r.secret_type,
             "pattern": r.pattern, "keywords": list(r.keywords), "needs_context": r.needs_context,
             "context": list(r.context), "checksum": r.checksum, "env_var": r.env_var,
             "rotate_url": r.rotate_url}
            for r in RULES
        ]
        sys.stdout.write(json.dumps({"version": 1, "rules": rows}, indent=2) + "\n")
        return 0
    width = max(len(r.id) for r in RULES)
    for r in RULES:
        ctx = " [needs context]" if r.needs_context else ""
        sys.stdout.write(f"{r.id:<{width}}  {r.provider:<18} {r.secret_type} -> {r.env_var}{ctx}\n")
    sys.stdout.write(f"{len(RULES)} rules, {len({r.provider for r in RULES})} providers\n")
    return 0
