#!/usr/bin/env python3
"""Throughput of `keylint redact` over a large CI-style log, next to `cat` of the same file.

    .venv/bin/python bench/redact_bench.py [--size-mb 100] [--reps 3] [--keys 8]

Writes a log of `--size-mb` MB (timestamped service lines, JSON bodies, stack traces) with a few
fake keys from tests/fakes.py (one of them a PEM block) into a temp dir, then runs
`keylint redact LOG` and `cat LOG` as whole processes (start-up included), each writing to a
file in the same temp dir, `--reps` times interleaved. Prints the median and best MB/s of each,
checks that the output holds no key, and removes the temp dir. Target: at least 100 MB/s.
Not a test: never run by CI.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import fake_key  # noqa: E402 (needs the repo root on sys.path)

KEY_RULES = (
    "openai-project-key", "anthropic-api-key", "github-token", "aws-access-key-id",
    "groq-api-key", "huggingface-user-token", "slack-bot-token", "private-key",
)


def _line(rng: random.Random, i: int) -> str:
    ts = f"2025-03-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}.{i % 1000:03d}Z"
    kind = i % 10
    if kind < 6:
        return (f"{ts} INFO  api.request id={rng.getrandbits(64):016x} method=GET "
                f"path=/v1/items/{rng.randrange(10**6)} status=200 duration_ms={rng.random() * 90:.2f} "
                f"user=u{rng.randrange(10**5)}@example.com\n")
    if kind < 8:
        return (f'{ts} DEBUG worker.job {{"job": "build-{i}", "step": {rng.randrange(40)}, '
                f'"cache": "hit", "artifact": "sha256:{rng.getrandbits(128):032x}"}}\n')
    if kind == 8:
        return (f"{ts} WARN  retry.http attempt={rng.randrange(1, 4)} backoff={rng.random():.3f}s "
                f"error=ReadTimeout host=api.internal.example port=443\n")
    return (f'  File "/srv/app/handlers/items.py", line {rng.randrange(1, 900)}, in handle\n'
            f"    result = service.fetch(item_id={rng.randrange(10**6)}, timeout=30)\n")


def make_log(path: Path, size_mb: int, n_keys: int, seed: int = 7) -> list[str]:
    """Write the log; return the keys planted in it."""
    rng = random.Random(seed)
    target = size_mb * 1_000_000
    keys = [fake_key(KEY_RULES[k % len(KEY_RULES)], seed + k) for k in range(n_keys)]
    spots = sorted(rng.randrange(target) for _ in keys)
    written, i, k = 0, 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            block = []
            for _ in range(2000):
                block.append(_line(rng, i))
                i += 1
            text = "".join(block)
            while k < len(keys) and spots[k] < written + len(text):
                text += f"{text[:24]} ERROR client.auth using key {keys[k]}\n"
                k += 1
            out.write(text)
            written += len(text)
    return keys


def _keylint() -> list[str]:
    script = Path(sys.executable).parent / "keylint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "keylint"]


def _time(cmd: list[str], sink: Path) -> float:
    with sink.open("wb") as out:
        start = time.perf_counter()
        subprocess.run(cmd, stdout=out, check=True)
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Generate the log, time both commands, print MB/s."""
    parser = argparse.ArgumentParser(prog="redact_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--keys", type=int, default=8)
    args = parser.parse_args(argv)

    from keylint.scanner.engine import detector_for

    tmp = Path(tempfile.mkdtemp(prefix="keylint-redact-bench-"))
    try:
        log = tmp / "ci.log"
        keys = make_log(log, args.size_mb, args.keys)
        size = log.stat().st_size
        print(f"log: {size / 1e6:.1f} MB, {len(keys)} keys, engine={detector_for().engine}, "
              f"cpus={os.cpu_count()}, load={os.getloadavg()[0]:.2f}")
        sink = tmp / "out.log"
        runs: dict[str, list[float]] = {"keylint redact": [], "cat": []}
        commands = {"keylint redact": [*_keylint(), "redact", str(log)], "cat": ["cat", str(log)]}
        for _ in range(args.reps):
            for name, cmd in commands.items():
                runs[name].append(_time(cmd, sink))
                if name == "keylint redact":
                    data = sink.read_bytes()
                    leaked = [k for k in keys if any(
                        part.encode() in data for part in k.splitlines() if "-----" not in part)]
                    if leaked or len(data) < size * 0.99:
                        print(f"ERROR: {len(leaked)} key(s) in the output", file=sys.stderr)
                        return 1
        for name, times in runs.items():
            med, best = statistics.median(times), min(times)
            print(f"{name:15} median {size / med / 1e6:7.1f} MB/s ({med:6.2f} s)   "
                  f"best {size / best / 1e6:7.1f} MB/s")
        print(f"load after: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
