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
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from keylint.config import DEFAULT_MAX_FILE_SIZE, Config
from keylint.scanner.blobscan import Gate, Task, scan_tasks
from keylint.scanner.engine import detector_for
from keylint.scanner.files import Problem, display_path
from keylint.scanner.finding import Finding
from keylint.scanner.gitlog import Log, Repo, absent_blobs, head_blobs, open_repo, read_log, rev_list
from keylint.scanner.jobs import workers
from keylint.scanner.run import ScanResult
from keylint.scanner.workers import StreamPool

_PARALLEL_MIN_COMMITS = 100
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
                 cwd: str | None = None, skip: Sequence[str] = (),
                 gate: bool = False) -> HistoryResult:
    """Scan what the commits named by `specs` (rev-list arguments, one list per range)
    introduced, in the repository `path` is in. KeylintError for a non-repository or a bad
    revision; a shallow boundary or a missing blob is an error problem (the gate fails).
    A `gate` (`--commits`, pre-push) also reads blobs with NULs as text and streams those over
    the default size limit, as the hook and `--staged` do."""
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
    result.commits_scanned = len(order)
    boundary = [c for c in order if c in repo.shallow]
    if boundary:
        result.problems.append(Problem(
            _repo_name(repo, cwd), f"shallow clone: the history stops at {boundary[0][:7]}; "
            f"{len(order)} commits scanned, the older ones are not in this clone: fetch them "
            "(`git fetch --unshallow`, or fetch-depth: 0 in CI) to scan the whole range"))
    names = _Names(repo, cfg, cwd, skip)
    rule_ids = cfg.rule_ids()
    detector = detector_for(rule_ids)  # compiled before any fork
    if len(order) >= _PARALLEL_MIN_COMMITS:  # a history, not a push: load the prefilter too
        detector.accelerate()

    jobs = workers(jobs, len(order))  # --jobs bounded by the CPUs and the commits
    parallel = jobs > 1 and len(order) >= _PARALLEL_MIN_COMMITS
    log, parts = _changed_parts(repo, order, names, cfg, rule_ids, jobs if parallel else 1,
                                Gate(repo.where, cfg.max_file_size == DEFAULT_MAX_FILE_SIZE)
                                if gate else None, absent_blobs(repo, specs))
    found: dict[str, list[Finding]] = {}
    held: dict[str, list[str]] = {}
    for part in parts:
        assert isinstance(part, dict)
        for blob, rows in part["found"]:
            found[blob] = [Finding(*row) for row in rows]
        for blob, hashes in part["held"]:
            held[blob] = hashes
        for label, reason, error, quiet in part["problems"]:
            result.problems.append(Problem(label, reason, error, quiet))
        result.files_scanned += part["scanned"]
        result.bytes_scanned += part["bytes"]
        result.files_skipped += len(part["problems"])
    lfs = sum(part["lfs"] for part in parts if isinstance(part, dict))
    if lfs:
        result.problems.append(Problem(
            _repo_name(repo, cwd), f"{lfs} Git LFS pointer(s) scanned as pointers: the files "
            "they stand for live in LFS storage, not in git, and were not scanned", error=False))
    if log.gitlinks:
        result.problems.append(Problem(
            _repo_name(repo, cwd), f"{log.gitlinks} submodule commit(s) recorded: their content "
            "lives in the submodules' own repositories; scan those with --history", error=False))
    for places in log.blobs.values():  # what an excluded path brought does not count
        places[:] = [(c, p) for c, p in places if names.shown(p) is not None]
    result.findings = _one_per_secret(repo, log, found, held, names.blobs)
    result.seconds = time.perf_counter() - started
    return result


Part = dict[str, Any]  # what scan_tasks returns (a worker's result)


class _Router:
    """Which worker scans a blob: the one that scanned the version it replaced (which it then
    has at hand, renames included), else one chosen by path."""

    def __init__(self, jobs: int) -> None:
        self._jobs = jobs
        self._worker: dict[str, int] = {}

    def __call__(self, blob: str, before: str | None, path: str) -> int:
        worker = self._worker.get(before) if before is not None else None
        if worker is None:
            worker = zlib.crc32(os.fsencode(path)) % self._jobs
        self._worker[blob] = worker
        return worker


def _changed_parts(repo: Repo, order: list[str], names: _Names, cfg: Config,
                   rule_ids: tuple[str, ...] | None, jobs: int, reader: Gate | None,
                   absent: frozenset[str]) -> tuple[Log, list[Part]]:
    """Each blob as git log first shows it, scanned only where it differs from the version it
    replaced (blobscan); the versions of one file go to the same worker."""

    def work(tasks: Iterable[list[object]]) -> object:
        return scan_tasks(repo, (Task(*t) for t in tasks), cfg.max_file_size,  # type: ignore[arg-type]
                          rule_ids, reader, absent)

    pool = StreamPool(jobs, work) if jobs > 1 else None
    tasks: list[list[object]] = []
    route = _Router(jobs)

    def dispatch(log: Log, blob: str, commit: int, path: str) -> None:
        name = names.shown(path)
        if name is None or blob in names.blobs:
            return
        names.blobs[blob] = name
        before = log.before.get(blob)
        task: list[object] = [blob, before, before is not None and before not in names.blobs,
                              name, f"{name}@{log.commits[commit].sha[:7]}"]
        if pool is None:
            tasks.append(task)
        else:
            pool.send(route(blob, before, path), task)

    try:
        log = read_log(repo, order, dispatch)
    finally:
        parts = pool.finish() if pool is not None else [work(tasks)]
    return log, parts  # type: ignore[return-value]


def _repo_name(repo: Repo, cwd: str) -> str:
    return display_path(repo.where, cwd)


class _Names:
    """How each path is shown, or None when it is excluded (or skipped)."""

    def __init__(self, repo: Repo, cfg: Config, cwd: str, skip: Sequence[str]) -> None:
        self._excluded = None
        if cfg.exclude:
            import pathspec

            self._excluded = pathspec.GitIgnoreSpec.from_lines(cfg.exclude)
        self._skipped = {os.path.abspath(os.path.join(cwd, s)) for s in skip}
        self._repo, self._cwd = repo, cwd
        self._verdict: dict[str, str | None] = {}
        self.blobs: dict[str, str] = {}  # blob -> display path where it was first scanned

    def shown(self, rel: str) -> str | None:
        """The display path of `rel` (a path from the repository root), None when excluded."""
        if rel not in self._verdict:
            full = os.path.join(self._repo.top, rel) if self._repo.top else None
            name = display_path(full, self._cwd) if full else rel
            ex = self._excluded
            out = ex is not None and (ex.match_file(name) or ex.match_file(rel))
            if full is not None and os.path.abspath(full) in self._skipped:
                out = True
            self._verdict[rel] = None if out else name
        return self._verdict[rel]


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
