"""The hooks through real pre-commit: `.pre-commit-hooks.yaml` as users get it.

pre-commit builds each hook environment by pip-installing the hook repository (PyPI is needed for
the dependencies, ~15 s), so this module keeps to two installs: one `try-repo` and one
`pre-commit install` whose environment serves several runs. The hook repository is a git copy of
this checkout's package and manifest as they are on disk (committed or not), found from this
file's location. HOME, PRE_COMMIT_HOME and pip's cache are throwaway directories.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.fakes import fake_key
from tests.hooks.helpers import KEY_RULE, git, openai_line, stage, write

ROOT = Path(__file__).resolve().parents[2]
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml")


def _git_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), GIT_CONFIG_NOSYSTEM="1",
               GIT_CONFIG_GLOBAL=str(home / "gitconfig"))
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = "keylint tests"
        env[f"GIT_{role}_EMAIL"] = "tests@keylint.invalid"
    return env


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-commit git repository with this checkout's hook manifest and package."""
    dest = tmp_path_factory.mktemp("hook-repo")
    for name in HOOK_REPO_FILES:
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "keylint", dest / "keylint",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env = _git_env(tmp_path_factory.mktemp("git-home"))
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "hook repo"]):
        subprocess.run(["git", *args], cwd=dest, env=env, check=True, capture_output=True)
    return dest


@pytest.fixture(scope="module")
def pip_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pip's download cache, shared by this module's installs (never the user's)."""
    return tmp_path_factory.mktemp("pip-cache")


@pytest.fixture
def pc_env(tmp_path: Path, pip_cache: Path) -> Mapping[str, str]:
    """The environment pre-commit runs in: HOME, its store and pip's cache are throwaway."""
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
               PIP_CACHE_DIR=str(pip_cache), PIP_DISABLE_PIP_VERSION_CHECK="1",
               PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)
    return env


def pre_commit(project: Path, env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run pre-commit in `project`."""
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=project, env=env,
                          capture_output=True, text=True, check=False)


def _project(repo: Path) -> dict[str, str]:
    """Clean files and leaky ones (a .env, YAML, a nested module); all staged."""
    keys = {name: fake_key(KEY_RULE, seed) for seed, name in enumerate(
        (".env", "deploy/values.yaml", "src/pkg/deep/client.py"), start=20)}
    write(repo, "clean.py", "import os\nKEY = os.environ['OPENAI_API_KEY']\n")
    write(repo, "notes.txt", "nothing secret\n")
    write(repo, ".env", f"OPENAI_API_KEY={keys['.env']}\n")
    write(repo, "deploy/values.yaml", f"openai:\n  apiKey: {keys['deploy/values.yaml']}\n")
    write(repo, "src/pkg/deep/client.py", f'API_KEY = "{keys["src/pkg/deep/client.py"]}"\n')
    stage(repo, ["."])
    return keys


def _reported(output: str) -> list[str]:
    return sorted(line.split(":")[0] for line in output.splitlines()
                  if line.endswith(f"({KEY_RULE})"))


def test_try_repo_scans_exactly_the_files_given(repo: Path, hook_repo: Path,
                                                pc_env: Mapping[str, str]) -> None:
    keys = _project(repo)
    done = pre_commit(repo, pc_env, "try-repo", str(hook_repo), "keylint",
                      "--files", "clean.py", "notes.txt", "deploy/values.yaml")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "keylint (secrets and provider API keys)" in out and "Failed" in out
    assert _reported(out) == ["deploy/values.yaml"]
    assert not any(key in out for key in keys.values())


def test_installed_hook_blocks_commits_and_all_files_scans_every_file(
        repo: Path, hook_repo: Path, pc_env: Mapping[str, str]) -> None:
    rev = git(hook_repo, "rev-parse", "HEAD").stdout.strip()
    write(repo, ".pre-commit-config.yaml",
          f"repos:\n- repo: {hook_repo}\n  rev: {rev}\n  hooks:\n"
          "  - id: keylint\n  - id: keylint-audit\n")
    write(repo, "clean.py", "x = 1\n")
    stage(repo, [".pre-commit-config.yaml", "clean.py"])
    installed = pre_commit(repo, pc_env, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    clean = git(repo, "commit", "-m", "clean", check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "keylint (secrets and provider API keys)" in clean.stdout + clean.stderr

    write(repo, "app.py", openai_line(30))
    stage(repo, ["app.py"])
    blocked = git(repo, "commit", "-m", "leak", check=False)
    assert blocked.returncode != 0
    assert _reported(blocked.stdout + blocked.stderr) == ["app.py"]
    git(repo, "rm", "-q", "--cached", "app.py")

    keys = _project(repo)
    everything = pre_commit(repo, pc_env, "run", "keylint", "--all-files")
    out = everything.stdout + everything.stderr
    assert everything.returncode == 1, out
    assert _reported(out) == [".env", "app.py", "deploy/values.yaml", "src/pkg/deep/client.py"]
    assert not any(key in out for key in keys.values())

    # The CI gate (manual stage): the tree's keys are in no baseline.
    audit = pre_commit(repo, pc_env, "run", "keylint-audit", "--all-files",
                       "--hook-stage", "manual")
    assert audit.returncode == 1, audit.stdout + audit.stderr
    assert "keylint audit (CI gate on the baseline)" in audit.stdout


def test_pre_push_stage_scans_the_pushed_commits(repo: Path, hook_repo: Path, tmp_path: Path,
                                                 pc_env: Mapping[str, str]) -> None:
    """A key committed and deleted before the push: no file changed, the push is still blocked,
    for a branch the remote has (pre-commit gives the range) and for a new repository's first
    push (pre-commit gives no range: the commits no remote-tracking branch holds are scanned)."""
    rev = git(hook_repo, "rev-parse", "HEAD").stdout.strip()
    write(repo, ".pre-commit-config.yaml",
          f"repos:\n- repo: {hook_repo}\n  rev: {rev}\n  hooks:\n  - id: keylint\n")
    stage(repo, [".pre-commit-config.yaml"])
    git(repo, "commit", "-q", "--no-verify", "-m", "config")
    git(repo, "branch", "-M", "main")
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(repo, "remote", "add", "origin", str(bare))
    installed = pre_commit(repo, pc_env, "install", "--hook-type", "pre-push")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    key = fake_key(KEY_RULE, 40)
    write(repo, "leak.py", openai_line(40))
    stage(repo, ["leak.py"])
    git(repo, "commit", "-q", "--no-verify", "-m", "leak")
    git(repo, "rm", "-q", "leak.py")
    git(repo, "commit", "-q", "--no-verify", "-m", "unleak")

    def push() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "push", "origin", "main"], cwd=repo, env=pc_env,
                              capture_output=True, text=True, check=False)

    first = push()  # a new branch whose first commit is a root commit
    out = first.stdout + first.stderr
    assert first.returncode != 0, out
    assert "leak.py@" in out and key not in out

    git(repo, "reset", "-q", "--hard", "HEAD~2")
    assert push().returncode == 0  # clean: pushed
    write(repo, "leak.py", openai_line(40))
    stage(repo, ["leak.py"])
    git(repo, "commit", "-q", "--no-verify", "-m", "leak")
    git(repo, "rm", "-q", "leak.py")
    git(repo, "commit", "-q", "--no-verify", "-m", "unleak")
    again = push()  # the remote has the branch: pre-commit gives FROM..TO
    out = again.stdout + again.stderr
    assert again.returncode != 0, out
    assert "leak.py@" in out and key not in out
