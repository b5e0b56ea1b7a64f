"""The README's provider table and provider counts, generated from the rule table.

    python -m keylint.rules.readme [README.md]      (rewrites the file in place)
    python -m keylint.rules.readme --check [README.md]   (exit 1 when it is out of date)

Whoever adds rules re-runs it; tests/rules/readme_table_test.py fails while the README differs.
The table sits between two HTML comments (`<!-- providers:start -->`, `<!-- providers:end -->`);
the counts are the `and N more providers` of the introduction and the `N rules for M providers`
of the Rules section.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from keylint.rules.model import CATEGORIES, Provider, Rule

START = "<!-- providers:start -->"
END = "<!-- providers:end -->"
# The providers the introduction names before "and N more providers".
NAMED_IN_INTRO = 5

_TABLE = re.compile(re.escape(START) + r"\n.*?" + re.escape(END), re.S)
_MORE = re.compile(r"(?<=and )\d+(?= more providers)")
_COUNTS = re.compile(r"\d+ rules for \d+ providers")


def _variants(provider: Provider, rules: Sequence[Rule]) -> list[str]:
    """What a provider's rules find, without the provider's name: `Project Key`, `Admin Key`."""
    out: list[str] = []
    for r in rules:
        label = r.secret_type
        for name in (provider.name, provider.name.split()[0]):
            if label.lower().startswith(name.lower() + " "):
                rest = label[len(name) + 1:]
                if " " in rest:
                    label = rest  # `Service Account Key`; a lone `Key` keeps its provider's name
                break
        if r.checksum:
            label += " with checksum"
        if label not in out:
            out.append(label)
    return out


def provider_cell(provider: Provider, rules: Sequence[Rule]) -> str:
    """`OpenAI (Project Key, Admin Key, API Key)`: the provider and what its rules find."""
    variants = _variants(provider, rules)
    if len(variants) == 1:
        return provider.name + (" (checksum)" if variants[0].endswith(" with checksum") else "")
    return f"{provider.name} ({', '.join(variants)})"


def table(providers: dict[str, Provider], rules: Sequence[Rule]) -> str:
    """The markdown table: one row per category, its providers in table order."""
    by_provider: dict[str, list[Rule]] = {}
    for r in rules:
        by_provider.setdefault(r.provider, []).append(r)
    lines = [START, "| category | rules | providers |", "| --- | ---: | --- |"]
    for category in CATEGORIES:
        members = [p for p in providers.values() if p.category == category and p.id in by_provider]
        if not members:
            continue
        count = sum(len(by_provider[p.id]) for p in members)
        cells = ", ".join(provider_cell(p, by_provider[p.id]) for p in members)
        lines.append(f"| {category} | {count} | {cells} |")
    lines.append(END)
    return "\n".join(lines)


def render(readme: str, providers: dict[str, Provider], rules: Sequence[Rule]) -> str:
    """`readme` with its provider table and counts regenerated from `providers` and `rules`."""
    if not _TABLE.search(readme):
        raise ValueError(f"no {START} ... {END} block")
    used = {r.provider for r in rules}
    out = _TABLE.sub(lambda _: table(providers, rules), readme, count=1)
    out = _MORE.sub(str(len(used) - NAMED_IN_INTRO), out, count=1)
    return _COUNTS.sub(f"{len(rules)} rules for {len(used)} providers", out, count=1)


def _write(path: Path, text: str) -> None:
    """Replace `path` whole (a temporary file in the same directory, then a rename)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or, with --check, compare) the README's provider table and counts."""
    from keylint.rules import PROVIDERS, RULES

    parser = argparse.ArgumentParser(prog="python -m keylint.rules.readme",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("readme", nargs="?", type=Path, default=Path("README.md"))
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is out of date")
    args = parser.parse_args(argv)
    try:
        current = args.readme.read_text(encoding="utf-8")
        fresh = render(current, PROVIDERS, RULES)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        sys.stderr.write(f"keylint.rules.readme: {args.readme}: {exc}\n")
        return 2
    if fresh == current:
        return 0
    if args.check:
        sys.stderr.write(f"{args.readme}: provider table out of date: run python -m "
                         "keylint.rules.readme\n")
        return 1
    _write(args.readme, fresh)
    sys.stdout.write(f"{args.readme}: provider table regenerated\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
