"""The GitHub Action (action.yml): its steps run as the runner would run them, bash with the
variables GitHub sets (GITHUB_ACTION_PATH, RUNNER_TEMP, GITHUB_OUTPUT) and its `${{ }}`
expressions evaluated, against local repositories. The install step runs once per module: keylint
from a copy of this checkout, into a fresh virtual environment, as `uses: ...@vX.Y.Z` would."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fakes import fake_key
from tests.release.helpers import (
    ROOT,
    copy_package,
    git,
    git_env,
    run_dir,
    shared_pip_cache,
    version,
)

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
RULE = "openai-project-key"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def evaluate(expression: str, context: dict[str, Any]) -> str:
    """The subset of GitHub's expression language action.yml uses: dotted context paths joined
    by `||` (the first non-empty one). Anything else fails the test: keep the action simple."""
    for operand in expression.split("||"):
        assert re.fullmatch(r"[a-z_-]+(\.[a-z_-]+)+", operand.strip()), expression
        value: Any = context
        for part in operand.strip().split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        if value not in ("", None):
            return str(value)
    return ""


def outputs(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines() if path.exists() else []
    return dict(line.split("=", 1) for line in lines)


class Runner:
    """Runs the action's steps in `workspace` as a runner would."""

    def __init__(self, action_path: Path, temp: Path) -> None:
        self.action_path, self.temp = action_path, temp
        self.steps: dict[str, dict[str, dict[str, str]]] = {}

    def run(self, step: dict[str, Any], workspace: Path, inputs: dict[str, str],
            github: dict[str, Any], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
        assert set(inputs) <= set(defaults), "an input action.yml does not declare"
        context = {"inputs": {**defaults, **inputs}, "github": github, "steps": self.steps}
        out = self.temp / f"output-{step['id']}"
        out.unlink(missing_ok=True)
        step_env = {k: EXPRESSION.sub(lambda m: evaluate(m.group(1), context), str(v))
                    for k, v in step.get("env", {}).items()}
        assert step["shell"] == "bash"
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace, capture_output=True, text=True, check=False,
            env={**env, **step_env, "GITHUB_ACTION_PATH": str(self.action_path),
                 "RUNNER_TEMP": str(self.temp), "GITHUB_OUTPUT": str(out),
                 "GITHUB_WORKSPACE": str(workspace)})
        self.steps[step["id"]] = {"outputs": outputs(out)}
        return done


def step(step_id: str) -> dict[str, Any]:
    [found] = [s for s in ACTION["runs"]["steps"] if s.get("id") == step_id]
    return dict(found)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = git_env(tmp_path_factory.mktemp("home"))
    env["PIP_CACHE_DIR"] = shared_pip_cache(tmp_path_factory.getbasetemp())
    return env


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory, home: dict[str, str]) -> Runner:
    """The action checked out at a release, and its install step run once per test run: pytest
    -n workers share one install (a lock, then the first worker's outputs), as the install is
    most of this module's time."""
    shared = run_dir(tmp_path_factory.getbasetemp()) / "keylint-action"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        runner = Runner(shared / "actions" / "keylint" / f"v{version()}", shared / "runner-temp")
        saved = shared / "install.json"
        if saved.exists():
            runner.steps["install"] = json.loads(saved.read_text())
            return runner
        copy_package(runner.action_path)
        runner.temp.mkdir()
        done = runner.run(step("install"), runner.action_path, {}, {}, home)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.strip().splitlines()[-1] == f"keylint {version()}"  # that release
        saved.write_text(json.dumps(runner.steps["install"]))
    return runner


@pytest.fixture
def repo(tmp_path: Path, home: dict[str, str]) -> Path:
    """A repository whose main branch has one clean commit."""
    work = tmp_path / "repo"
    work.mkdir()
    git(work, home, "init", "-q", "-b", "main")
    (work / "README.md").write_text("project\n")
    git(work, home, "add", "-A")
    git(work, home, "commit", "-q", "-m", "init")
    return work


def scan(runner: Runner, repo: Path, home: dict[str, str], github: dict[str, Any] | None = None,
         **inputs: str) -> subprocess.CompletedProcess[str]:
    named = {k.replace("_", "-"): v for k, v in inputs.items()}
    return runner.run(step("scan"), repo, named, github or {}, home)


def sarif_results(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text())["runs"][0]["results"])


def test_every_expression_names_a_declared_input_and_none_is_pasted_into_a_script() -> None:
    for s in ACTION["runs"]["steps"]:
        assert "${{" not in s["run"], "inputs reach scripts through env: only (no injection)"
        for value in s.get("env", {}).values():
            for name in re.findall(r"inputs\.([a-z-]+)", str(value)):
                assert name in ACTION["inputs"]
    assert ACTION["runs"]["using"] == "composite"
    assert all(spec.get("description") for spec in ACTION["inputs"].values())


def test_tree_scan_writes_sarif_annotates_and_fails(runner: Runner, repo: Path,
                                                    home: dict[str, str]) -> None:
    key = fake_key(RULE, 11)
    (repo / "app.py").write_text(f'API_KEY = "{key}"\n')
    done = scan(runner, repo, home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=app.py,line=1," in done.stdout  # an annotation on the line
    [result] = sarif_results(repo / "keylint.sarif")
    assert result["ruleId"] == RULE
    assert runner.steps["scan"]["outputs"] == {"sarif-file": "keylint.sarif", "exit-code": "1"}
    assert key not in done.stdout + done.stderr + (repo / "keylint.sarif").read_text()


def test_tree_scan_reads_binary_files_as_the_commit_hook_does(runner: Runner, repo: Path,
                                                              home: dict[str, str]) -> None:
    (repo / "dump.bin").write_bytes(b"\x00\x01" + f'API_KEY = "{fake_key(RULE, 13)}"\n'.encode())
    done = scan(runner, repo, home, annotations="false")
    assert done.returncode == 1, done.stdout + done.stderr
    assert [r["ruleId"] for r in sarif_results(repo / "keylint.sarif")] == [RULE]


def test_exit_zero_reports_and_passes(runner: Runner, repo: Path, home: dict[str, str]) -> None:
    (repo / "app.py").write_text(f'API_KEY = "{fake_key(RULE, 12)}"\n')
    done = scan(runner, repo, home, exit_zero="true", annotations="false", sarif_file="out.sarif")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(sarif_results(repo / "out.sarif")) == 1
    assert "::error" not in done.stdout


def test_a_baseline_accepts_what_it_records(runner: Runner, repo: Path,
                                            home: dict[str, str]) -> None:
    (repo / "tests").mkdir()
    (repo / "tests" / "fixture.py").write_text(f'API_KEY = "{fake_key(RULE, 13)}"\n')
    keylint = runner.steps["install"]["outputs"]["keylint"]
    subprocess.run([keylint, "baseline", "create", "--baseline", "ci/accepted.baseline"],
                   cwd=repo, env=home, check=True, capture_output=True)
    done = scan(runner, repo, home, baseline="ci/accepted.baseline")
    assert done.returncode == 0, done.stdout + done.stderr
    assert sarif_results(repo / "keylint.sarif") == []


def test_commits_auto_scans_the_push_and_finds_a_deleted_key(runner: Runner, repo: Path,
                                                             home: dict[str, str]) -> None:
    before = git(repo, home, "rev-parse", "HEAD")
    (repo / "settings.py").write_text(f'API_KEY = "{fake_key(RULE, 14)}"\n')
    git(repo, home, "add", "-A")
    git(repo, home, "commit", "-q", "-m", "add a key")
    os.remove(repo / "settings.py")
    git(repo, home, "commit", "-q", "-am", "remove it again")
    after = git(repo, home, "rev-parse", "HEAD")
    push = {"event_name": "push", "sha": after, "ref_name": "main",
            "event": {"before": before, "repository": {"default_branch": "main"}}}
    done = scan(runner, repo, home, push, commits="auto")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"keylint: scanning the commits of {before}..{after}" in done.stdout
    [result] = sarif_results(repo / "keylint.sarif")
    assert result["properties"]["history"]["in_head"] is False
    # The tree scan of the same checkout is clean: only the commit range sees it.
    assert scan(runner, repo, home).returncode == 0


def test_a_range_keylint_cannot_resolve_fails_even_with_exit_zero(runner: Runner, repo: Path,
                                                                  home: dict[str, str]) -> None:
    done = scan(runner, repo, home, commits="no-such-branch..HEAD", exit_zero="true")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "bad revision or range" in done.stderr


def test_extra_args_are_split_and_not_globbed(runner: Runner, repo: Path,
                                              home: dict[str, str]) -> None:
    (repo / "fixtures").mkdir()
    (repo / "fixtures" / "keys.py").write_text(f'API_KEY = "{fake_key(RULE, 15)}"\n')
    done = scan(runner, repo, home, args="--exclude fixtures/**  --jobs 1")
    assert done.returncode == 0, done.stdout + done.stderr


def readme_workflow() -> dict[str, Any]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S)
               if b.startswith("# .github/workflows/keylint.yml")]
    return dict(yaml.safe_load(block))


def test_the_readme_workflow_runs_the_action_on_a_push(runner: Runner, repo: Path,
                                                       home: dict[str, str]) -> None:
    """The README's workflow, copied as is: its `with:` inputs, the push's variables; its upload
    step finds the SARIF file and runs after a failure."""
    steps = readme_workflow()["jobs"]["secrets"]["steps"]
    [checkout] = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0
    [ours] = [s for s in steps if s.get("uses", "").startswith("keylint/keylint@")]
    assert ours["uses"] == f"keylint/keylint@v{version()}"
    [upload] = [s for s in steps if "upload-sarif" in s.get("uses", "")]
    assert upload["if"] == "always()"
    before = git(repo, home, "rev-parse", "HEAD")
    (repo / "deploy.env").write_text(f"OPENAI_API_KEY={fake_key(RULE, 16)}\n")
    git(repo, home, "add", "-A")
    git(repo, home, "commit", "-q", "-m", "a key")
    git(repo, home, "rm", "-q", "deploy.env")
    git(repo, home, "commit", "-q", "-m", "gone")
    after = git(repo, home, "rev-parse", "HEAD")
    push = {"event_name": "push", "sha": after, "ref_name": "main",
            "event": {"before": before, "repository": {"default_branch": "main"}}}
    inputs = {k: str(v) for k, v in ours["with"].items()}
    done = runner.run(step("scan"), repo, inputs, push, home)
    assert done.returncode == 1, done.stdout + done.stderr
    [result] = sarif_results(repo / upload["with"]["sarif_file"])
    assert result["ruleId"] == RULE
