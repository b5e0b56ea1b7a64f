"""`keylint scan --history` and `--commits`: the secrets that commits brought, deleted or not.

Git history is another source of bytes for the same detector. Each blob the commits introduced is
scanned once, however many commits and paths carry it (a file edited 500 times is 500 blobs; a
file untouched for 500 commits is one). Each secret is then reported once: at the commit that
first introduced a blob holding it, with the path and line there, how many commits and paths
carried it, and whether HEAD's tree still holds it.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

from keylint.config import DEFAULT_BASELINE, Config
from keylint.scanner.blobscan import Plan, scan_lineages, shards
from keylint.scanner.engine import detector_for
from keylint.scanner.files import Problem, display_path
from keylint.scanner.finding import Finding
from keylint.scanner.gitlog import Log, Repo, head_blobs, open_repo, read_log, rev_list
from keylint.scanner.run import ScanResult
from keylint.scanner.workers import fork_map

_PARALLEL_MIN_BLOBS = 200
ALL_REFS = ("--all",)


@dataclass
class HistoryResult(ScanResult):
    """A scan of history: `files_*` count blobs; commits are counted too."""

    commits_scanned: int = 0

    def stats(self) -> dict[str, object]:
        """The summary as data (the JSON `stats` object)."""
        return {"commits_scanned": self.commits_scanned, **super().stats()}


def describe(specs: Sequence[Sequence[str]]) -> str:
    """The revisions asked for, as the user would type them."""
    return ", ".join(" ".join(s) for s in specs)


def scan_history(path: str, specs: Sequence[Sequence[str]], cfg: Config, *, jobs: int = 0,
                 cwd: str | None = None, skip: Sequence[str] = ()) -> HistoryResult:
    """Scan what the commits named by `specs` (rev-list arguments, one list per range)
    introduced, in the repository `path` is in. KeylintError for a non-repository or a bad
    revision; a shallow boundary or a missing blob is an error problem (the gate fails)."""
    started = time.perf_counter()
    cwd = cwd or os.getcwd()
    repo = open_repo(path)
    result = HistoryResult()
    commits: dict[str, None] = {}
    for spec in specs:
        commits.update(dict.fromkeys(rev_list(repo, spec)))
    if not commits:
        result.problems.append(Problem(_repo_name(repo, cwd), f"no commits in '{describe(specs)}': "
                                       "nothing to scan", error=False))
        return result
    order = list(commits)
    log = read_log(repo, order)
    result.commits_scanned = len(order)
    boundary = [c for c in order if c in repo.shallow]
    if boundary:
        result.problems.append(Problem(
            _repo_name(repo, cwd), f"shallow clone: the history stops at {boundary[0][:7]}; "
            f"{len(order)} commits scanned, the older ones are not in this clone: fetch them "
            "(`git fetch --unshallow`, or fetch-depth: 0 in CI) to scan the whole range"))
    names = _names(repo, log, cfg, cwd, skip)
    plan = Plan(repo, {b: n for b, (n, _) in names.items()},
                {b: label for b, (_, label) in names.items()}, log.before, cfg.max_file_size,
                cfg.rule_ids())
    detector_for(plan.rule_ids)  # compiled before any fork
    # Oldest first: a blob's older version (introduced by an ancestor) is scanned before it.
    order = sorted(names, key=lambda b: -max(c for c, _ in log.blobs[b]))
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    parts = shards(plan, order, jobs) if jobs > 1 and len(order) >= _PARALLEL_MIN_BLOBS \
        else [order]
    found: dict[str, list[Finding]] = {}
    held: dict[str, list[str]] = {}
    for part in fork_map(lambda shard: scan_lineages(plan, shard), parts):
        for blob, rows in part["found"]:
            found[blob] = [Finding(*row) for row in rows]
        for blob, hashes in part["held"]:
            held[blob] = hashes
        for blob, reason, error, quiet in part["problems"]:
            result.problems.append(Problem(plan.labels[blob], reason, error, quiet))
        result.files_scanned += part["scanned"]
        result.bytes_scanned += part["bytes"]
        result.files_skipped += len(part["problems"])
    result.findings = _one_per_secret(repo, log, found, held, plan.names)
    result.seconds = time.perf_counter() - started
    return result


def _repo_name(repo: Repo, cwd: str) -> str:
    return display_path(repo.where, cwd)


def _names(repo: Repo, log: Log, cfg: Config, cwd: str,
           skip: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Each blob to scan and the display path of the oldest place it entered; a blob whose every
    path is excluded (or is the baseline) is dropped, and so are those paths."""
    excluded = None
    if cfg.exclude:
        import pathspec

        excluded = pathspec.GitIgnoreSpec.from_lines(cfg.exclude)
    skipped = {os.path.abspath(os.path.join(cwd, s))
               for s in (*skip, cfg.baseline or DEFAULT_BASELINE, DEFAULT_BASELINE)}
    verdict: dict[str, str | None] = {}

    def shown(rel: str) -> str | None:
        if rel not in verdict:
            full = os.path.join(repo.top, rel) if repo.top else None
            name = display_path(full, cwd) if full else rel
            out = excluded is not None and (excluded.match_file(name) or excluded.match_file(rel))
            if full is not None and os.path.abspath(full) in skipped:
                out = True
            verdict[rel] = None if out else name
        return verdict[rel]

    names: dict[str, tuple[str, str]] = {}
    for blob, places in log.blobs.items():
        kept = [(c, p) for c, p in places if shown(p) is not None]
        if len(kept) != len(places):
            places[:] = kept
        if kept:
            c, p = min(kept, key=lambda cp: _first(log, cp))
            name = shown(p)
            assert name is not None
            names[blob] = (name, f"{name}@{log.commits[c].sha[:7]}")
    return names


def _age(log: Log, commit: int) -> tuple[int, int]:
    """Sort key: older commits first (committer time, then later in the children-first order)."""
    return (log.commits[commit].time, -commit)


def _first(log: Log, place: tuple[int, str]) -> tuple[tuple[int, int], str]:
    """Sort key of a (commit, path) place: the oldest commit, then the path (deterministic)."""
    return (_age(log, place[0]), place[1])


def _one_per_secret(repo: Repo, log: Log, found: dict[str, list[Finding]],
                    held: dict[str, list[str]], names: dict[str, str]) -> list[Finding]:
    """One finding per secret, at the oldest commit that brought a blob holding it; counts over
    every blob that holds it (found there, or carried from the version it replaced)."""
    holders: dict[str, list[str]] = {}
    for blob, hashes in held.items():
        for h in hashes:
            holders.setdefault(h, []).append(blob)
    first_seen: dict[str, dict[str, Finding]] = {}  # hashed secret -> blob -> first finding
    for blob, findings in found.items():
        for f in findings:
            first_seen.setdefault(f.hashed_secret, {}).setdefault(blob, f)
    head = head_blobs(repo) if first_seen else set()
    out: list[tuple[tuple[int, int], Finding]] = []
    for secret, by_blob in first_seen.items():
        blobs = holders.get(secret, list(by_blob))
        places = [(c, p) for blob in blobs for c, p in log.blobs[blob]]
        first_blob = min(by_blob, key=lambda b: min(_first(log, cp) for cp in log.blobs[b]))
        commit, _path = min(log.blobs[first_blob], key=lambda cp: _first(log, cp))
        meta = log.commits[commit]
        out.append((_age(log, commit), dataclasses.replace(
            by_blob[first_blob], path=names[first_blob], commit=meta.sha,
            author_date=meta.author_date, author=meta.author,
            commits=len({c for c, _ in places}), paths=len({p for _, p in places}),
            in_head=any(b in head for b in blobs))))
    out.sort(key=lambda af: (af[0], af[1].path, af[1].line))
    return [f for _, f in out]
