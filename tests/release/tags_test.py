"""`rev: vX.Y.Z` works: a throwaway clone of this checkout tagged as the release, and the README's
pre-commit.ci configuration pointed at it. `pre-commit autoupdate` moves an old rev to the tag
(what users and pre-commit.ci's autoupdate do), the hook environment pre-commit builds at that
tag reports the tag's version, and the hook blocks a key. pre-commit pip-installs the hook
repository (dependencies from the index): one install, ~15 s on an idle machine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.fakes import fake_key
from tests.release.helpers import ROOT, copy_package, git, git_env, shared_pip_cache, version

RULE = "openai-project-key"


def readme_pre_commit_ci_config() -> dict[str, object]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S)
               if b.startswith("# .pre-commit-config.yaml\nci:")]
    config = yaml.safe_load(block)
    assert isinstance(config, dict)
    return config


@pytest.fixture
def env(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = git_env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never",
               PIP_CACHE_DIR=shared_pip_cache(tmp_path_factory.getbasetemp()),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


@pytest.fixture
def released(tmp_path: Path, env: dict[str, str]) -> Path:
    """The hook repository as GitHub would hold it: an old release, then this one, tagged."""
    repo = tmp_path / "keylint"
    repo.mkdir()
    git(repo, env, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("old\n")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "an old release")
    git(repo, env, "tag", "-a", "v0.0.1", "-m", "keylint 0.0.1")
    copy_package(repo)
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", f"release {version()}")
    # The command RELEASING.md gives the lead, run in the throwaway clone.
    git(repo, env, "tag", "-a", f"v{version()}", "-m", f"keylint {version()}")
    return repo


def pre_commit(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


def test_autoupdate_finds_the_tag_and_the_hook_at_that_rev_is_that_release(
        tmp_path: Path, env: dict[str, str], released: Path) -> None:
    config = readme_pre_commit_ci_config()
    [repo_entry] = config["repos"]  # type: ignore[index]
    assert repo_entry["rev"] == f"v{version()}"  # what autoupdate will write, below
    repo_entry["repo"] = str(released)
    repo_entry["rev"] = "v0.0.1"
    project = tmp_path / "project"
    project.mkdir()
    git(project, env, "init", "-q", "-b", "main")
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    key = fake_key(RULE, 31)
    (project / "app.py").write_text(f'API_KEY = "{key}"\n')
    (project / "clean.py").write_text("x = 1\n")
    git(project, env, "add", "-A")

    updated = pre_commit(project, env, "autoupdate")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert f"updating v0.0.1 -> v{version()}" in updated.stdout
    after = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    assert after["repos"][0]["rev"] == f"v{version()}"

    # pre-commit.ci runs every hook on all files, skipping what `ci: skip` names.
    skip = ",".join(config["ci"]["skip"])  # type: ignore[index]
    done = pre_commit(project, {**env, "SKIP": skip}, "run", "--all-files")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "app.py:1:12: OpenAI Project Key" in out and key not in out
    assert "keylint fix (move keys into .env)" in out and "Skipped" in out

    [installed] = Path(env["PRE_COMMIT_HOME"]).glob("repo*/py_env-*/bin/keylint")
    version_out = subprocess.run([str(installed), "--version"], capture_output=True, text=True,
                                 check=True).stdout
    assert version_out == f"keylint {version()}\n"
