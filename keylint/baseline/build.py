"""Create and update a baseline from a scan, keeping every audit label that still applies."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

from keylint.baseline import plugins
from keylint.baseline.compare import compare, is_stale
from keylint.baseline.model import Baseline, Entry, normalise
from keylint.config import Config
from keylint.errors import KeylintError
from keylint.rules import RULES, RULES_BY_ID
from keylint.scanner.files import Problem
from keylint.scanner.finding import Finding


@dataclass
class TreeScan:
    """Findings of a scan, and the files it really read (stale entries are judged only there)."""

    findings: list[Finding]
    scanned: set[str]
    problems: list[Problem]
    rule_ids: tuple[str, ...]


def rule_ids_for(cfg: Config) -> tuple[str, ...]:
    """The ids of the rules a scan with `cfg` runs."""
    return cfg.rule_ids() or tuple(r.id for r in RULES)


def scan_tree(paths: Sequence[str], cfg: Config, jobs: int) -> TreeScan:
    """Scan `paths` as `keylint scan --thorough` does, the baseline included (a key in it fails
    the gate as a key anywhere else does, so it must be recordable). Thorough: `audit --ci` is
    a gate, so a key in a file with a NUL byte or over the default size limit fails it as it
    fails the hook; and a baseline records such keys, so they can be audited."""
    from keylint.scanner.run import scan_paths

    result = scan_paths(paths, cfg, jobs, thorough=True)
    unread = {p.display for p in result.problems}
    return TreeScan(result.findings, set(result.listed) - unread, result.problems,
                    rule_ids_for(cfg))


def scan_with_history(paths: Sequence[str], cfg: Config, jobs: int) -> TreeScan:
    """The tree scan plus every secret in the repository's history (all refs): a team adopting
    keylint on a repository with an old, rotated key records it once and audits it."""
    from keylint.scanner.history import ALL_REFS, scan_history

    if len(paths) > 1:
        raise KeylintError("--history takes one PATH (the repository)")
    tree = scan_tree(paths, cfg, jobs)
    past = scan_history(paths[0] if paths else ".", [list(ALL_REFS)], cfg, jobs=jobs)
    here = {(f.path, f.hashed_secret) for f in tree.findings}
    extra = [f for f in past.findings if (f.path, f.hashed_secret) not in here]
    return replace(tree, findings=tree.findings + extra, problems=tree.problems + past.problems)


def keylint_types(rule_ids: Sequence[str]) -> set[str]:
    """The secret types those rules report."""
    return {RULES_BY_ID[r].secret_type for r in rule_ids}


def build(scan: TreeScan, old: Baseline | None, plugin_url: str | None) -> Baseline:
    """The baseline for this scan: old entries keep their labels while their secret is there;
    entries whose secret is gone are dropped; new findings are added unaudited, except a secret
    that only moved to another file (same hash and type), which keeps its label. With
    `plugin_url` None, plugins_used is left as it is."""
    for f in scan.findings:
        if os.path.isabs(f.path) or f.path.startswith("../"):
            raise KeylintError(f"{f.path}: outside the current directory; a baseline holds only "
                               "relative paths (run keylint from the repository root)")
    base = old or Baseline()
    cmp = compare(scan.findings, base)
    types = keylint_types(scan.rule_ids)
    entries: list[Entry] = []
    moved: dict[tuple[str, str], bool | None] = {}  # labels of secrets that left their file
    for e in base.entries:
        found = cmp.claims.get(e.key)
        if found:
            entries.append(replace(e, line_number=min(f.line for f in found)))
        elif not is_stale(e, cmp, scan.scanned, types):
            entries.append(e)
        else:
            moved[(e.hashed_secret, e.type)] = e.is_secret
    # A secret whose file was renamed or moved keeps its label: the string is the same one.
    # A secret found in history records its commit: the entry is not stale when the file no
    # longer holds it (or no longer exists), since the history still does.
    entries += [Entry(filename=f.path, type=f.secret_type, hashed_secret=f.hashed_secret,
                      line_number=f.line, is_secret=moved.get((f.hashed_secret, f.secret_type)),
                      extra=(("commit", f.commit),) if f.commit else ())
                for f in cmp.new]
    # plugin_url None: a baseline detect-secrets' own hook reads keeps its plugins as they are.
    used = (base.plugins_used if plugin_url is None
            else plugins.merge_plugins(base.plugins_used, scan.rule_ids, plugin_url))
    return replace(base, plugins_used=used, entries=normalise(entries))
