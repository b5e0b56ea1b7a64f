"""`keylint fix` looks at the whole project: loaders by name, importers anywhere, the environment.

A constant becomes a SecureString only when nothing outside its module can read it. These tests
run the fixed code in a subprocess with the env file loaded, the way the application would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keylint.cli import main
from keylint.fix import dotenv
from keylint.fix.references import Repository
from tests.fakes import fake_key
from tests.fix.util import KEYS, fill, git, git_repo, run_fix

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = KEYS["password"]

CONFIG = 'SECRET_KEY = "<password>"\nWTF_CSRF_SECRET_KEY = SECRET_KEY\n'
LOADER = '''import importlib


def from_object(name):
    mod = importlib.import_module(name)
    return {k: getattr(mod, k) for k in dir(mod) if k.isupper()}


CONFIG = from_object("MODULE")
RESULT = sorted((k, type(v).__name__, v == PASSWORD) for k, v in CONFIG.items())
'''


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key-like variable of the test runner leaks into the fix."""
    for name in list(os.environ):
        if name.endswith(("_KEY", "_TOKEN", "PASSWORD")):
            monkeypatch.delenv(name)


def _result(directory: Path, module: str, env: dict[str, str]) -> str:
    base = {k: v for k, v in os.environ.items() if not k.endswith(("_KEY", "_TOKEN"))}
    out = subprocess.run([sys.executable, "-c", f"import {module}; print({module}.RESULT)"],
                         cwd=directory, env={**base, "PYTHONPATH": str(ROOT), **env},
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-800:]
    return out.stdout


@pytest.mark.parametrize(("path", "module"), (
    pytest.param("config.py", "config", id="a config module (Flask from_object)"),
    pytest.param("pkg/keys.py", "pkg.keys", id="any module named in a string elsewhere"),
))
def test_a_module_loaded_by_name_keeps_plain_strings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None,
        path: str, module: str) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "pkg").mkdir()
    (repo / "pkg" / "__init__.py").write_text("")
    (repo / path).write_text(fill(CONFIG))
    (repo / "app.py").write_text(LOADER.replace("MODULE", module).replace("PASSWORD", repr(PASSWORD)))
    before = _result(repo, "app", {})
    monkeypatch.chdir(repo)
    assert main(["fix"]) == 1
    fixed = (repo / path).read_text()
    assert "SecureString" not in fixed and 'os.environ["SECRET_KEY"]' in fixed
    assert _result(repo, "app", dotenv.read(repo / ".env")) == before
    assert "str', True" in before


@pytest.mark.parametrize("stem", ("config", "settings_local", "app_conf", "constants", "secrets",
                                  "env", "__init__"))
def test_config_like_modules_get_the_plain_lookup(stem: str) -> None:
    new, result, _ = run_fix('OPENAI_API_KEY = "<openai>"\nH = "Bearer " + OPENAI_API_KEY\n',
                             path=f"pkg/{stem}.py")
    assert b"SecureString" not in new and result.changes
    assert result.changes[0].note.startswith("plain lookup: a ")


def test_getattr_on_the_module_elsewhere_counts(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "keys.py").write_text("K = 1\n")
    (repo / "use.py").write_text("import keys\nv = getattr(keys, 'K')\n")
    assert Repository().read_by_name(str(repo / "keys.py")) == "use.py may load this module by name"
    (repo / "use.py").write_text("import keys\nv = keys.K\n")
    assert Repository().read_by_name(str(repo / "keys.py")) is None


KEYS_MODULE = 'OPENAI_API_KEY = "<openai>"\nHEADERS = {"a": "Bearer " + OPENAI_API_KEY}\n'
IMPORTER = ("from pkg.keys import OPENAI_API_KEY\n"
            "RESULT = OPENAI_API_KEY.startswith('sk-')\n")


def test_importers_are_found_when_run_from_a_subdirectory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "pkg").mkdir()
    (repo / "pkg" / "__init__.py").write_text("")
    (repo / "pkg" / "keys.py").write_text(fill(KEYS_MODULE))
    (repo / "main.py").write_text(IMPORTER)
    monkeypatch.chdir(repo / "pkg")
    assert main(["fix", "keys.py"]) == 1
    assert "SecureString" not in (repo / "pkg" / "keys.py").read_text()
    assert _result(repo, "main", dotenv.read(repo / ".env")) == "True\n"


def test_the_env_file_names_the_source_from_the_project_root_when_run_from_a_subdirectory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "pkg" / "sub").mkdir(parents=True)
    (repo / "pkg" / "sub" / "keys.py").write_text(fill(KEYS_MODULE))
    monkeypatch.chdir(repo / "pkg")
    assert main(["fix", "sub/keys.py"]) == 1
    env_text = (repo / ".env").read_text()
    # The comment says where the value came from, as a path from the .env beside it, so it
    # reads the same whichever directory the fix was started in.
    assert "# moved by keylint fix from pkg/sub/keys.py:1\n" in env_text


def test_importers_inside_a_git_submodule_are_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None) -> None:
    lib = git_repo(tmp_path / "libsrc")
    (lib / "pkg").mkdir()
    (lib / "pkg" / "__init__.py").write_text("")
    (lib / "pkg" / "keys.py").write_text(fill(KEYS_MODULE))
    (lib / "main.py").write_text(IMPORTER)
    git(lib, "add", "-A")
    git(lib, "commit", "-qm", "lib")
    top = git_repo(tmp_path / "super")
    git(top, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "lib")
    git(top, "commit", "-qm", "add lib")
    monkeypatch.chdir(top)
    assert main(["fix", "lib/pkg/keys.py"]) == 1
    assert "SecureString" not in (top / "lib" / "pkg" / "keys.py").read_text()
    assert _result(top / "lib", "main", dotenv.read(top / ".env")) == "True\n"


def test_outside_any_project_the_plain_lookup_is_used(tmp_path: Path) -> None:
    (tmp_path / "keys.py").write_text("K = 1\n")
    reason = Repository().exported("K", str(tmp_path / "keys.py"))
    assert reason is not None and reason.startswith("cannot search the whole project")
    (tmp_path / "setup.py").write_text("")
    assert Repository().exported("K", str(tmp_path / "keys.py")) is None


def test_shell_metacharacters_reach_the_program_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None) -> None:
    value = PASSWORD[:5] + "\\" + PASSWORD[5:9] + "$" + PASSWORD[9:]
    repo = git_repo(tmp_path / "repo")
    (repo / "db.py").write_text(f'SMTP_PASSWORD = r"{value}"\nprint(len(SMTP_PASSWORD))\n')
    monkeypatch.chdir(repo)
    assert main(["fix"]) == 1
    assert value not in (repo / "db.py").read_text()
    name, _, written = (repo / ".env").read_text().splitlines()[-1].partition("=")
    assert written == f"'{value}'"
    shell = subprocess.run(["sh", "-c", f'set -a; . ./.env; printf %s "${name}"'],
                           cwd=repo, capture_output=True, text=True, check=True)
    assert shell.stdout == value


def test_a_different_value_in_the_environment_is_warned_about(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "app.py").write_text(fill('client = dict(api_key="<openai>")\n'
                                      'other = dict(token="<github>")\n'))
    other = fake_key("openai-project-key", 99)
    monkeypatch.setenv("OPENAI_API_KEY", other)
    monkeypatch.setenv("GITHUB_TOKEN", KEYS["github"])  # same value: nothing to say
    monkeypatch.chdir(repo)
    assert main(["fix"]) == 1
    out = capsys.readouterr().out
    assert ("warning: OPENAI_API_KEY is already set in this environment to a different value; "
            "load_dotenv() will not override it") in out.splitlines()
    assert "GITHUB_TOKEN is already set" not in out
    assert other not in out and KEYS["openai"] not in out
    assert dotenv.read(repo / ".env")["OPENAI_API_KEY"] == KEYS["openai"]  # naming unchanged


def test_binary_files_are_left_alone_without_a_word(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = git_repo(tmp_path / "repo")
    blob = b"\x00\x01" + fake_key("openai-project-key", 7).encode() + b"\x00"
    (repo / "model.bin").write_bytes(blob)
    monkeypatch.chdir(repo)
    assert main(["fix"]) == 0
    assert (repo / "model.bin").read_bytes() == blob
    assert not (repo / ".env").exists()
    assert "model.bin" not in capsys.readouterr().err
