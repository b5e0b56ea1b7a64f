"""False positives on real code: scan installed packages, which hold no live keys, and count.

    python bench/realcode_bench.py [DIR ...]      (default: this Python's site-packages)

Every finding in third-party packages is a false positive or a documented example credential,
so the count is a precision check on code the eval corpus does not show. The directories are
copied to a scratch directory outside any git work tree first (a site-packages inside a git
checkout, such as pyenv's, would otherwise be listed the way git lists it: not at all).
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--keylint", default=str(Path(sys.executable).with_name("keylint")))
    parser.add_argument("--top", type=int, default=15, help="how many files to list")
    args = parser.parse_args(argv)
    dirs = args.dirs or [Path(sysconfig.get_paths()["purelib"])]
    with tempfile.TemporaryDirectory(prefix="keylint-realcode-") as scratch:
        copies = []
        for i, d in enumerate(dirs):
            dest = Path(scratch) / f"{i}-{d.name}"
            shutil.copytree(d, dest, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
            copies.append(str(dest))
        size = sum(f.stat().st_size for c in copies for f in Path(c).rglob("*") if f.is_file())
        started = time.perf_counter()
        out = subprocess.run([args.keylint, "scan", *copies, "--format", "json"], cwd=scratch,
                             capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
    if out.returncode not in (0, 1):
        print(out.stderr.strip().splitlines()[-1:], file=sys.stderr)
        return 2
    doc = json.loads(out.stdout)
    results = doc["results"]
    by_rule = collections.Counter(r["rule_id"] for r in results)
    by_file = collections.Counter(r["path"].split("/", 1)[-1] for r in results)
    print(f"scanned {', '.join(str(d) for d in dirs)}: {size / 1e6:.0f} MB, "
          f"{doc['stats']['files_scanned']} files in {wall:.1f} s")
    print(f"findings: {len(results)} (every one a false positive or a documented example)")
    for rule, n in by_rule.most_common():
        print(f"  {n:5d}  {rule}")
    print("top files:")
    for path, n in by_file.most_common(args.top):
        print(f"  {n:5d}  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
