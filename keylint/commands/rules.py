"""`keylint rules`: list every rule, grouped by category (text or JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from keylint.rules import PROVIDERS, RULES
from keylint.rules.model import CATEGORIES, Rule


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of `keylint rules`."""
    parser.add_argument("--format", choices=("text", "json"), default="text")


def grouped(rules: Sequence[Rule] = RULES) -> list[tuple[str, list[Rule]]]:
    """(category, its rules in table order), in the order of `CATEGORIES`; empty ones left out."""
    by_category: dict[str, list[Rule]] = {c: [] for c in CATEGORIES}
    for r in rules:
        by_category.setdefault(PROVIDERS[r.provider].category, []).append(r)
    return [(c, rs) for c, rs in by_category.items() if rs]


def _row(r: Rule) -> dict[str, object]:
    return {"id": r.id, "provider": r.provider, "category": PROVIDERS[r.provider].category,
            "secret_type": r.secret_type, "pattern": r.pattern, "keywords": list(r.keywords),
            "needs_context": r.needs_context, "context": list(r.context), "checksum": r.checksum,
            "env_var": r.env_var, "rotate_url": r.rotate_url}


def run(args: argparse.Namespace) -> int:
    """Print the rule table, one section per category."""
    groups = grouped()
    providers = len({r.provider for r in RULES})
    if args.format == "json":
        doc = {
            "version": 1,
            "categories": [{"name": c, "rules": [r.id for r in rs],
                            "providers": list(dict.fromkeys(r.provider for r in rs))}
                           for c, rs in groups],
            "rules": [_row(r) for _, rs in groups for r in rs],
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return 0
    width = max(len(r.id) for r in RULES)
    for i, (category, rules) in enumerate(groups):
        if i:
            sys.stdout.write("\n")
        count = len({r.provider for r in rules})
        sys.stdout.write(f"{category} ({len(rules)} rules, {count} providers)\n")
        for r in rules:
            ctx = " [needs context]" if r.needs_context else ""
            sys.stdout.write(f"  {r.id:<{width}}  {r.provider:<18} {r.secret_type} -> "
                             f"{r.env_var}{ctx}\n")
    sys.stdout.write(f"\n{len(RULES)} rules, {providers} providers\n")
    return 0
