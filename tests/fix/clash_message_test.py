"""`keylint fix` names where a variable's other value comes from: with no env file (`--diff` on a
fresh checkout) it must not claim an env-file clash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes import fake_key
from tests.gitenv import isolate_git

RULE = "openai-project-key"


@pytest.fixture
def project(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
            monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(tmp_path_factory.mktemp("home"), monkeypatch)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "app.py").write_text(
        "import os\n"
        f'A = os.getenv("OPENAI_API_KEY", "{fake_key(RULE, 1)}")\n'
        f'B = os.getenv("OPENAI_API_KEY", "{fake_key(RULE, 2)}")\n')
    return tmp_path


def _fix(cwd: Path, *args: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "keylint", "fix", *args, "app.py"], cwd=cwd,
                          capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 1, done.stderr
    return done.stdout + done.stderr


def test_diff_without_an_env_file_blames_the_other_key_not_an_env_file(project: Path) -> None:
    out = _fix(project, "--diff")
    assert not (project / ".env").exists()
    [skip] = [line for line in out.splitlines() if "not fixed:" in line]
    assert skip.startswith("app.py:3:34: OpenAI Project Key")
    assert "OPENAI_API_KEY already holds a different value from another key this fix moves" in skip
    assert "env file" not in skip


def test_a_value_in_the_env_file_is_named_as_such(project: Path) -> None:
    (project / ".env").write_text("OPENAI_API_KEY=something-else\n")
    out = _fix(project, "--diff")
    assert "OPENAI_API_KEY already holds a different value in the env file" in out
