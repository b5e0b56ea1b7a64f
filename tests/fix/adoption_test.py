"""Fixed code a reviewer accepts: no dependency the project did not choose, a `.env.example`
for the team, and a report that says how the values reach the program and which tests would
meet a KeyError (issue 11, item 5)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keylint.cli import main
from tests.fix.util import KEYS, fill, git_repo

K = KEYS["openai"]
CONSTANT = 'OPENAI_API_KEY = "<openai>"\n\n\ndef client():\n    return make(OPENAI_API_KEY)\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = git_repo(tmp_path / "repo")
    monkeypatch.chdir(path)
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_TOKEN")):
            monkeypatch.delenv(name)
    return path


def _fix(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["fix", *args]) == 1
    out = capsys.readouterr().out
    assert K not in out
    return out


# ------------------------------------------------------------------------------ SecureString
@pytest.mark.parametrize(("name", "content"), (
    pytest.param("pyproject.toml", '[project]\nname = "svc"\ndependencies = ["keylint>=0.1"]\n',
                 id="pyproject dependencies"),
    pytest.param("pyproject.toml", '[tool.poetry]\nname = "svc"\n[tool.poetry.dependencies]\n'
                                   'python = "^3.10"\nkeylint-runtime = "^0.1"\n', id="poetry"),
    pytest.param("requirements.txt", "requests==2.32\nkeylint_runtime>=0.1  # runtime\n",
                 id="requirements.txt"),
    pytest.param("setup.cfg", "[options]\ninstall_requires =\n    keylint>=0.1\n", id="setup.cfg"),
    pytest.param("setup.py", "from setuptools import setup\n"
                             "setup(name='svc', install_requires=['keylint'])\n", id="setup.py"),
))
def test_secure_string_when_the_project_depends_on_keylint(
        repo: Path, capsys: pytest.CaptureFixture[str], name: str, content: str) -> None:
    (repo / name).write_text(content)
    (repo / "keys.py").write_text(fill(CONSTANT))
    _fix(repo, capsys)
    fixed = (repo / "keys.py").read_text()
    assert 'SecureString.from_env("OPENAI_API_KEY")' in fixed
    assert "from keylint.runtime import SecureString" in fixed


@pytest.mark.parametrize("files", (
    pytest.param({}, id="no packaging files at all"),
    pytest.param({"pyproject.toml": '[project]\nname = "svc"\ndependencies = ["requests"]\n'
                                    '[project.optional-dependencies]\ndev = ["keylint"]\n'},
                 id="keylint only in a dev extra"),
    pytest.param({"requirements.txt": "requests\n", "requirements-dev.txt": "keylint\n"},
                 id="keylint only in requirements-dev.txt"),
))
def test_plain_lookup_when_keylint_is_not_a_runtime_dependency(
        repo: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> None:
    for name, content in files.items():
        (repo / name).write_text(content)
    (repo / "keys.py").write_text(fill(CONSTANT))
    out = _fix(repo, capsys)
    fixed = (repo / "keys.py").read_text()
    assert "keylint" not in fixed and "SecureString" not in out
    assert fixed.startswith('import os\n\nOPENAI_API_KEY = os.environ["OPENAI_API_KEY"]\n')
    # The fixed module runs with nothing but the standard library and the env file's value.
    run = subprocess.run([sys.executable, "-S", "-c", "import keys; print(keys.OPENAI_API_KEY == "
                          f"{K!r})"], cwd=repo, env={"OPENAI_API_KEY": K},
                         capture_output=True, text=True, check=False)
    assert run.stdout.strip() == "True", run.stderr


def test_explicit_options_still_decide(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "keys.py").write_text(fill(CONSTANT))
    _fix(repo, capsys, "--secure-string")
    assert "SecureString.from_env" in (repo / "keys.py").read_text()

    (repo / "requirements.txt").write_text("keylint\n")
    (repo / "more.py").write_text(fill(CONSTANT))
    _fix(repo, capsys, "--no-secure-string", "more.py")
    assert "SecureString" not in (repo / "more.py").read_text()

    (repo / "pyproject.toml").write_text("[tool.keylint]\nsecure_string = false\n")
    (repo / "third.py").write_text(fill(CONSTANT))
    _fix(repo, capsys, "third.py")
    assert "SecureString" not in (repo / "third.py").read_text()


# ------------------------------------------------------------------------------ .env.example
def test_env_example_lists_names_only_keeps_lines_and_is_idempotent(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".env.example").write_text("# copy to .env\nDEBUG=1")  # no final newline
    (repo / "app.py").write_text(fill('import os\n\nA = os.environ.get("X")\nB = "<openai>"\n'
                                      'C = "<anthropic>"\n'))
    out = _fix(repo, capsys)
    example = (repo / ".env.example").read_text()
    assert example == "# copy to .env\nDEBUG=1\nOPENAI_API_KEY=\nANTHROPIC_API_KEY=\n"
    assert K not in example and KEYS["anthropic"] not in example
    assert ("keylint fix: .env.example lists OPENAI_API_KEY, ANTHROPIC_API_KEY (names only, no "
            "values): commit it") in out
    (repo / "more.py").write_text(fill('D = "<openai>"\n'))  # same key, same variable
    _fix(repo, capsys, "more.py")
    assert (repo / ".env.example").read_text() == example
    assert main(["fix"]) == 0 and (repo / ".env.example").read_text() == example


def test_an_existing_env_sample_is_updated_instead(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".env.sample").write_text("# OPENAI_API_KEY=\n")  # listed, commented out
    (repo / "app.py").write_text(fill('client = make(api_key="<openai>", other="<anthropic>")\n'))
    _fix(repo, capsys)
    assert not (repo / ".env.example").exists()
    assert (repo / ".env.sample").read_text() == "# OPENAI_API_KEY=\nANTHROPIC_API_KEY=\n"


# ------------------------------------------------------------------------------ loading .env
def test_report_says_once_how_values_reach_a_project_that_loads_nothing(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "a.py").write_text(fill('A = make("<openai>")\n'))
    (repo / "b.py").write_text(fill('B = make("<anthropic>")\n'))
    out = _fix(repo, capsys)
    lines = [ln for ln in out.splitlines() if "loads .env" in ln]
    assert len(lines) == 1
    assert lines[0].endswith("export the values in the shell that starts the program: "
                             "set -a; . ./.env; set +a")
    # ... and the command it gives does put the value into the process.
    shell = subprocess.run(["sh", "-c", "set -a; . ./.env; set +a; "
                            f"{sys.executable} -c 'import os; print(os.environ[\"OPENAI_API_KEY\"])'"],
                           cwd=repo, capture_output=True, text=True, check=False)
    assert shell.stdout.strip() == K


@pytest.mark.parametrize(("name", "content", "said"), (
    pytest.param("requirements.txt", "python-dotenv>=1.0\n", "python-dotenv (found in requirements.txt)",
                 id="python-dotenv required"),
    pytest.param("pyproject.toml", '[project]\nname = "svc"\ndependencies = ["pydantic-settings"]\n',
                 "pydantic-settings (found in pyproject.toml)", id="pydantic-settings"),
    pytest.param("main.py", "import environ\n\nenv = environ.Env()\nenviron.Env.read_env()\n",
                 "django-environ (found in main.py)", id="django-environ imported"),
    pytest.param("boot.py", "from dotenv import load_dotenv\n\nload_dotenv()\n",
                 "python-dotenv (found in boot.py)", id="dotenv imported"),
))
def test_a_project_that_loads_the_env_file_gets_no_shell_recipe(
        repo: Path, capsys: pytest.CaptureFixture[str], name: str, content: str,
        said: str) -> None:
    (repo / name).write_text(content)
    (repo / "a.py").write_text(fill('A = make("<openai>")\n'))
    out = _fix(repo, capsys, "a.py")
    assert "set -a" not in out
    assert f"keylint fix: the values reach the program through {said}, which must load .env" in out


# ------------------------------------------------------------------------------ import time
APP_CONFIG = 'OPENAI_API_KEY = "<openai>"\n'


def _project(repo: Path, config: str, test: str) -> None:
    (repo / "app").mkdir()
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "config.py").write_text(fill(config))
    (repo / "app" / "main.py").write_text("from app.config import OPENAI_API_KEY\n\n\n"
                                          "def run():\n    return OPENAI_API_KEY\n")
    (repo / "tests").mkdir()
    (repo / "tests" / "test_main.py").write_text(test)


def test_import_time_lookup_in_a_module_the_tests_import_is_reported(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(repo, APP_CONFIG, "from app.main import run\n\n\ndef test_run():\n    assert run()\n")
    out = _fix(repo, capsys, "app")
    notes = [ln for ln in out.splitlines() if ln.startswith("note: app/config.py:")]
    assert notes == [
        "note: app/config.py:3: OPENAI_API_KEY is read when the module is imported, and "
        "tests/test_main.py imports it without setting OPENAI_API_KEY: where the env file is not "
        "loaded (CI) the tests fail with KeyError; set it for the tests (monkeypatch.setenv in "
        "conftest.py, or the CI job's env) or read it inside a function"]
    # What the note predicts: the tests fail to import where .env is not loaded.
    run = subprocess.run([sys.executable, "-S", "-c", "import app.main"], cwd=repo, env={},
                         capture_output=True, text=True, check=False)
    assert "KeyError: 'OPENAI_API_KEY'" in run.stderr


@pytest.mark.parametrize(("config", "test", "conftest"), (
    pytest.param(APP_CONFIG, "from app.main import run\n", 'import os\nos.environ.setdefault('
                 '"OPENAI_API_KEY", "test")\n', id="the tests set the variable"),
    pytest.param('def key():\n    return "<openai>"\n', "from app.config import key\n", "",
                 id="read inside a function"),
    pytest.param(APP_CONFIG, "def test_nothing():\n    pass\n", "", id="no test imports it"),
))
def test_no_import_time_note_when_tests_are_safe(
        repo: Path, capsys: pytest.CaptureFixture[str], config: str, test: str,
        conftest: str) -> None:
    _project(repo, config, test)
    if conftest:
        (repo / "tests" / "conftest.py").write_text(conftest)
    out = _fix(repo, capsys, "app")
    assert "is read when the module is imported" not in out
