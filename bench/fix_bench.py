#!/usr/bin/env python3
"""Time `keylint fix` on a generated 2,000-line Python file (about 70 KB) holding three keys.

    .venv/bin/python bench/fix_bench.py [--lines 2000] [--reps 5]

Reports the median of: the in-process fix (scan + LibCST codemod + checks, no I/O), and the
whole `keylint fix --diff FILE` process (start-up, imports, git history check included).
The file has a module constant used in three places (the SecureString path, which needs the
whole-module analysis), SDK keyword arguments, a header dict and an f-string. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keylint.fix.codemods import fix_source  # noqa: E402
from keylint.fix.model import SourceContext  # noqa: E402
from keylint.fix.naming import NamePicker  # noqa: E402
from keylint.scanner.engine import detector_for, scan_bytes  # noqa: E402
from tests.fakes import fake_key  # noqa: E402


def generate(lines: int) -> str:
    """A plausible module: docstring, imports, constants, classes, functions; keys planted."""
    k_openai = fake_key("openai-project-key", 1)
    k_anthropic = fake_key("anthropic-api-key", 2)
    k_github = fake_key("github-token", 3)
    out = [
        '"""Service client module (generated for the fix benchmark)."""',
        "from __future__ import annotations",
        "",
        "import json",
        "import logging",
        "from dataclasses import dataclass",
        "",
        "from openai import OpenAI",
        "",
        "log = logging.getLogger(__name__)",
        f'OPENAI_API_KEY = "{k_openai}"',
        "",
    ]
    i = 0
    while len(out) < lines - 20:
        i += 1
        out += [
            "",
            "@dataclass",
            f"class Record{i}:",
            f'    """A record of kind {i}."""',
            "",
            f"    name: str = 'record-{i}'",
            f"    size: int = {i * 7}  # bytes, as reported by the upstream service",
            "",
            "    def to_json(self) -> str:",
            f"        payload = {{'name': self.name, 'size': self.size, 'kind': {i}}}",
            "        return json.dumps(payload, sort_keys=True, separators=(',', ':'))",
            "",
            "",
            f"def process_{i}(items: list[int], factor: int = {i}) -> list[int]:",
            f'    """Scale and filter batch {i}."""',
            "    result = []",
            "    for item in items:  # items arrive sorted; keep their order in the output",
            f"        if item % {i % 7 + 2} == 0:  # only every {i % 7 + 2}th item is scaled",
            "            result.append(item * factor)",
            "        else:",
            '            log.debug("skipped %s in batch %d", item, factor)',
            "    return result",
        ]
    out += [
        "",
        "",
        "def client() -> OpenAI:",
        '    """The API client."""',
        "    return OpenAI(api_key=OPENAI_API_KEY)",
        "",
        "",
        f'HEADERS = {{"x-api-key": "{k_anthropic}", "Accept": "application/json"}}',
        f'GITHUB = {{"Authorization": f"token {k_github}", "User-Agent": "bench"}}',
        "",
        "",
        "def describe() -> str:",
        '    return f"key of {len(OPENAI_API_KEY)} chars, starts {OPENAI_API_KEY[:3]}"',
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the medians."""
    parser = argparse.ArgumentParser(prog="fix_bench")
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)
    source = generate(args.lines)
    data = source.encode()
    detector = detector_for()
    inproc = []
    for _ in range(args.reps):
        started = time.perf_counter()
        findings = scan_bytes(data, "bench_module.py", detector)
        result = fix_source(data, findings, SourceContext(path="bench_module.py",
                                                          detector=detector), NamePicker({}))
        inproc.append(time.perf_counter() - started)
    assert result.error is None and len(result.changes) == 3, result
    whole = []
    keylint = str(Path(sys.executable).parent / "keylint")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["git", "init", "-q", tmp], check=True)
        path = os.path.join(tmp, "bench_module.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(source)
        for _ in range(args.reps):
            started = time.perf_counter()
            proc = subprocess.run([keylint, "fix", "--diff", "bench_module.py"], cwd=tmp,
                                  capture_output=True, check=False)
            whole.append(time.perf_counter() - started)
            assert proc.returncode == 1, proc.stderr
    print(f"file: {len(source.splitlines())} lines, {len(data):,} bytes, "
          f"{len(findings)} keys, {len(result.changes)} rewritten")
    print(f"in-process fix (scan + codemod + checks): median {statistics.median(inproc):.3f} s")
    print(f"`keylint fix --diff FILE` process:        median {statistics.median(whole):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
