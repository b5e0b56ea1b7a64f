"""Build `keylint-runtime`: keylint.runtime alone, without the scanner CLI's dependencies.

`pip install keylint` is the whole tool (scan, fix, hooks, baselines) and pulls libcst, bandit and
detect-secrets. A service that only calls `keylint.runtime` (SecureString, redaction, retries,
rate limits, key rotation) installs `keylint-runtime` instead: the same modules, from this
repository, at the same version, with only the runtime's own dependencies.

What goes in is computed, not listed: keylint/runtime/** plus every `keylint.*` module those
import (at module level or inside a function), and the packages above them. The version, and
the runtime's dependencies, are read from the repository's pyproject.toml, so the two
distributions never drift apart.

    python packaging/runtime/build_runtime.py [--outdir dist] [--wheel] [--no-isolation]

The two distributions hold the same files under `keylint/`: install one or the other in an
environment (keylint already contains everything keylint-runtime does).
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover (python 3.10)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
NAME = "keylint-runtime"
# The main distribution's dependencies the runtime uses (by requirement name, markers kept).
RUNTIME_DEPS = ("tenacity", "jsonschema", "google-re2")
# Never in the light install: what this distribution exists to leave out.
HEAVY = ("libcst", "bandit", "detect-secrets", "pathspec")
# Extras of the main distribution that belong to the runtime (e.g. redis backends).
RUNTIME_EXTRAS = ("redis",)
DESCRIPTION = ("keylint's runtime helpers (SecureString, redaction, retries, rate limits, key "
               "rotation) without the scanner CLI.")


def _req_name(req: str) -> str:
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
    return re.sub(r"[-_.]+", "-", m.group(1)).lower() if m else ""


def modules(root: Path = ROOT) -> list[Path]:
    """Files (relative to `root`) that `keylint.runtime` needs: its own, what they import from
    keylint, and every `__init__.py` on the way."""
    pkg = root / "keylint"
    todo = sorted(p for p in (pkg / "runtime").rglob("*.py"))
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for parent in path.relative_to(root).parents:
            init = root / parent / "__init__.py"
            if parent != Path(".") and init.is_file() and init not in seen:
                todo.append(init)
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     and not node.level else [])
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names += [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if name.split(".")[0] != "keylint":
                    continue
                base = root.joinpath(*name.split("."))
                for candidate in (base.with_suffix(".py"), base / "__init__.py"):
                    if candidate.is_file() and candidate not in seen:
                        todo.append(candidate)
    return sorted(p.relative_to(root) for p in seen)


def metadata(root: Path = ROOT) -> tuple[str, list[str], dict[str, list[str]], str]:
    """(version, dependencies, extras, requires-python) for keylint-runtime, from pyproject."""
    project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]
    deps = [d for d in project.get("dependencies", []) if _req_name(d) in RUNTIME_DEPS]
    extras = {k: v for k, v in project.get("optional-dependencies", {}).items()
              if k in RUNTIME_EXTRAS}
    heavy = [d for d in deps + [d for v in extras.values() for d in v] if _req_name(d) in HEAVY]
    if heavy:
        raise SystemExit(f"{NAME}: would depend on {', '.join(heavy)}, which it exists to leave out")
    return project["version"], deps, extras, project.get("requires-python", ">=3.10")


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def stage(dest: Path, root: Path = ROOT) -> Path:
    """Write the keylint-runtime project (pyproject, README, sources) into `dest`."""
    version, deps, extras, python = metadata(root)
    for rel in modules(root):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, dest / rel)
    shutil.copy2(root / "keylint" / "py.typed", dest / "keylint" / "py.typed")
    shutil.copy2(Path(__file__).with_name("README.md"), dest / "README.md")
    extra_lines = "".join(f"{k} = {_toml_list(v)}\n" for k, v in extras.items())
    (dest / "pyproject.toml").write_text(f"""\
[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "{NAME}"
version = "{version}"
description = "{DESCRIPTION}"
readme = "README.md"
requires-python = "{python}"
license = {{ text = "MIT" }}
dependencies = {_toml_list(deps)}

[project.optional-dependencies]
{extra_lines}
[tool.setuptools.packages.find]
include = ["keylint*"]

[tool.setuptools.package-data]
keylint = ["py.typed"]
""", "utf-8")
    return dest


def build(outdir: Path, *, wheel_only: bool = False, isolation: bool = True) -> list[Path]:
    """Build keylint-runtime into `outdir`; return the files built."""
    outdir.mkdir(parents=True, exist_ok=True)
    before = set(outdir.iterdir())
    with tempfile.TemporaryDirectory(prefix="keylint-runtime-") as tmp:
        src = stage(Path(tmp) / "src")
        cmd = [sys.executable, "-m", "build", "--outdir", str(outdir)]
        cmd += ["--wheel"] if wheel_only else []
        cmd += [] if isolation else ["--no-isolation"]
        done = subprocess.run([*cmd, str(src)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
            raise SystemExit(f"{NAME}: build failed (exit {done.returncode})")
    return sorted(set(outdir.iterdir()) - before)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--outdir", type=Path, default=ROOT / "dist")
    parser.add_argument("--wheel", action="store_true", help="build the wheel only, no sdist")
    parser.add_argument("--no-isolation", action="store_true",
                        help="build with this environment's setuptools (offline)")
    args = parser.parse_args(argv)
    for path in build(args.outdir, wheel_only=args.wheel, isolation=not args.no_isolation):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
