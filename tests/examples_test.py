"""The CI recipes in examples/ci/: their scan commands run as a script against local repositories,
with the variables GitHub Actions and GitLab CI would set (a bare repository plays the remote)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.fakes import fake_key
from tests.gitenv import isolated_git  # noqa: F401 (autouse: git isolated in every test)
from tests.hooks.helpers import KEY_RULE, git, openai_line, write

ROOT = Path(__file__).resolve().parents[1]
Z40 = "0" * 40


def github_script() -> str:
    workflow = yaml.safe_load((ROOT / "examples/ci/github-actions.yml").read_text())
    [step] = [s for s in workflow["jobs"]["secrets"]["steps"]
              if s.get("name", "").startswith("keylint")]
    assert "if: always()" in (ROOT / "examples/ci/github-actions.yml").read_text()
    return str(step["run"])


def gitlab_script() -> str:
    job = yaml.safe_load((ROOT / "examples/ci/gitlab-ci.yml").read_text())["keylint"]
    assert job["variables"]["GIT_DEPTH"] == "0" and job["artifacts"]["when"] == "always"
    return str(job["script"][-1])


def run(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The step as the runner would run it: bash, keylint on PATH."""
    path = f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True, text=True,
                          check=False, env={**os.environ, "PATH": path, **env})


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A remote with one clean commit on main."""
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    return bare


@pytest.fixture
def dev(tmp_path: Path, origin: Path) -> Path:
    """A developer's clone that pushed one clean commit."""
    work = tmp_path / "dev"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    git(work, "checkout", "-q", "-b", "main")
    write(work, "README.md", "project\n")
    commit(work, "init")
    git(work, "push", "-q", "origin", "main")
    return work


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def leak_and_delete(repo: Path, seed: int) -> str:
    write(repo, "settings.py", openai_line(seed))
    commit(repo, "add a key")
    os.remove(repo / "settings.py")
    commit(repo, "remove it again")
    return fake_key(KEY_RULE, seed)


def ci_clone(tmp_path: Path, origin: Path, ref: str, depth: int | None = None) -> Path:
    """What actions/checkout (fetch-depth: 0, or a depth) or GitLab (GIT_DEPTH) leaves."""
    dest = tmp_path / f"ci-{ref}-{depth}"
    args = ["clone", "-q", "--no-single-branch"] + ([f"--depth={depth}"] if depth else [])
    git(tmp_path, *args, f"file://{origin}", str(dest))
    git(dest, "checkout", "-q", ref)
    return dest


def sarif_results(repo: Path) -> list[dict[str, object]]:
    return list(json.loads((repo / "keylint.sarif").read_text())["runs"][0]["results"])


def github_env(base: str, head: str, branch: str, event: str = "push") -> dict[str, str]:
    return {"EVENT": event, "BASE": base, "HEAD_SHA": head, "BRANCH": branch,
            "DEFAULT_BRANCH": "main"}


def gitlab_env(before: str, head: str, branch: str, mr_base: str = "") -> dict[str, str]:
    env = {"CI_COMMIT_BEFORE_SHA": before, "CI_COMMIT_SHA": head, "CI_COMMIT_BRANCH": branch,
           "CI_DEFAULT_BRANCH": "main"}
    if mr_base:
        env["CI_MERGE_REQUEST_DIFF_BASE_SHA"] = mr_base
    return env


@pytest.mark.parametrize("recipe", ["github", "gitlab"])
def test_a_push_whose_commits_add_and_delete_a_key_fails(
        recipe: str, tmp_path: Path, origin: Path, dev: Path) -> None:
    before = git(dev, "rev-parse", "HEAD").stdout.strip()
    key = leak_and_delete(dev, 1)
    after = git(dev, "rev-parse", "HEAD").stdout.strip()
    git(dev, "push", "-q", "origin", "main")
    ci = ci_clone(tmp_path, origin, "main")
    script, env = ((github_script(), github_env(before, after, "main")) if recipe == "github"
                   else (gitlab_script(), gitlab_env(before, after, "main")))
    done = run(script, ci, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"scanning the commits of {before}..{after}" in done.stdout
    [result] = sarif_results(ci)
    assert result["properties"]["history"]["in_head"] is False  # type: ignore[index]
    assert key not in done.stdout + done.stderr + (ci / "keylint.sarif").read_text()


@pytest.mark.parametrize("recipe", ["github", "gitlab"])
def test_a_pull_request_and_a_new_branch(recipe: str, tmp_path: Path, origin: Path,
                                         dev: Path) -> None:
    base = git(dev, "rev-parse", "HEAD").stdout.strip()
    git(dev, "checkout", "-q", "-b", "feature")
    leak_and_delete(dev, 2)
    head = git(dev, "rev-parse", "HEAD").stdout.strip()
    git(dev, "push", "-q", "origin", "feature")
    ci = ci_clone(tmp_path, origin, "feature")
    if recipe == "github":
        script = github_script()
        pull = github_env(base, head, "feature", event="pull_request")
        new_branch = github_env(Z40, head, "feature")
    else:
        script = gitlab_script()
        pull = gitlab_env(Z40, head, "feature", mr_base=base)
        new_branch = gitlab_env(Z40, head, "feature")
    assert run(script, ci, pull).returncode == 1
    done = run(script, ci, new_branch)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"scanning the commits of origin/main..{head}" in done.stdout
    # A clean new branch passes: the default branch's commits are not scanned again.
    git(dev, "checkout", "-q", "-b", "clean", "main")
    write(dev, "app.py", "x = 1\n")
    clean = commit(dev, "clean work")
    git(dev, "push", "-q", "origin", "clean")
    ci_clean = ci_clone(tmp_path, origin, "clean")
    env = github_env(Z40, clean, "clean") if recipe == "github" else gitlab_env(Z40, clean, "clean")
    ok = run(script, ci_clean, env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert sarif_results(ci_clean) == []


def test_a_shallow_checkout_is_an_error_not_a_pass(tmp_path: Path, origin: Path,
                                                   dev: Path) -> None:
    before = git(dev, "rev-parse", "HEAD").stdout.strip()
    leak_and_delete(dev, 3)
    after = git(dev, "rev-parse", "HEAD").stdout.strip()
    git(dev, "push", "-q", "origin", "main")
    ci = ci_clone(tmp_path, origin, "main", depth=1)  # actions/checkout's default
    done = run(github_script(), ci, github_env(before, after, "main"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "shallow" in done.stderr and "fetch-depth: 0" in done.stderr
