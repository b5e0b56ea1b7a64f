"""pydantic-settings classes: a hard-coded default goes away, pydantic reads the variable itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from keylint.fix import dotenv
from tests.fix.util import KEYS, fill, run_fix

ROOT = Path(__file__).resolve().parents[2]

SETTINGS = '''from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")
    openai_api_key: str = "<openai>"  # the project key
    model: str = "gpt"


RESULT = Settings().openai_api_key
'''


def _import(directory: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.endswith(("_KEY", "_TOKEN"))}
    return subprocess.run([sys.executable, "-c", "import mod; print(mod.RESULT)"],
                          cwd=directory, env={**base, "PYTHONPATH": str(ROOT), **env},
                          capture_output=True, text=True, check=False)


def test_the_default_is_removed_and_the_annotation_kept() -> None:
    new, result, names = run_fix(SETTINGS)
    assert b'    openai_api_key: str  # the project key\n' in new
    assert b"os.environ" not in new and b"import os" not in new
    assert [c.env_var for c in result.changes] == ["OPENAI_API_KEY"]
    assert names.added == {"OPENAI_API_KEY": KEYS["openai"]}


def test_the_fixed_class_reads_the_variable_or_the_env_file(tmp_path: Path) -> None:
    new, _, names = run_fix(SETTINGS)
    (tmp_path / "mod.py").write_bytes(new)
    with_variable = _import(tmp_path, dict(names.added))
    assert with_variable.returncode == 0, with_variable.stderr[-500:]
    assert with_variable.stdout == KEYS["openai"] + "\n"
    (tmp_path / ".env").write_text(dotenv.render([dotenv.Entry(n, v, "mod.py:6")
                                                  for n, v in names.added.items()]))
    from_file = _import(tmp_path, {})
    assert from_file.returncode == 0, from_file.stderr[-500:]
    assert from_file.stdout == KEYS["openai"] + "\n"


def test_a_field_named_otherwise_than_the_variable_is_skipped() -> None:
    source = SETTINGS.replace("openai_api_key", "llm_key")
    new, result, _ = run_fix(source, known={"LLM_KEY": "something else"})
    assert new == fill(source).encode()
    assert [s.reason for s in result.skips] == [
        "pydantic-settings reads LLM_KEY, which already holds a different value in the env "
        "file; fix by hand"]


def test_an_env_prefix_is_honoured_and_other_class_body_keys_are_skipped() -> None:
    prefixed = SETTINGS.replace('env_file=".env"', 'env_file=".env", env_prefix="APP_"')
    new, result, names = run_fix(prefixed)
    assert b"    openai_api_key: str  #" in new and "APP_OPENAI_API_KEY" in names.added
    inside = ('from pydantic_settings import BaseSettings\n\n\nclass S(BaseSettings):\n'
              '    headers: dict = {"a": "Bearer <openai>"}\n')
    new, result, _ = run_fix(inside)
    assert new == fill(inside).encode()
    assert result.skips[0].reason.startswith("in a pydantic-settings class body")
