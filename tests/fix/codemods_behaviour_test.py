"""Fixed modules compute what the originals did, once the env file's variables are set.

Each module is imported in a subprocess twice: as written, and as fixed with the variables the
fix wrote to the env file (rendered and parsed back, as a loader would read them).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keylint.fix import dotenv
from tests.fix.util import KEYS, fill, run_fix

ROOT = Path(__file__).resolve().parents[2]

SDK_SHAPES = '''
from dataclasses import dataclass


class OpenAI:
    def __init__(self, api_key):
        self.api_key = api_key


client = OpenAI(api_key="<openai>")
HEADERS = {"Authorization": "Bearer <anthropic>", "X-GitHub": f"token {1 + 1} <github>"}


def make(key="<google>"):
    return key


class Settings:
    AWS_KEY_ID = "<aws_id>"


@dataclass
class Conf:
    token: str = "<hf>"


RAW = b"Bearer <openai>"
WHOLE = b"<anthropic>"
RESULT = (client.api_key, HEADERS, make(), Settings.AWS_KEY_ID, Conf().token, RAW, WHOLE)
'''

SECURE_CONSTANT = '''
OPENAI_API_KEY = "<openai>"


def headers(token=OPENAI_API_KEY):
    return {"Authorization": f"Bearer {OPENAI_API_KEY}", "len": len(OPENAI_API_KEY), "t": token}


ok = OPENAI_API_KEY == "<openai>" and bool(OPENAI_API_KEY) and not OPENAI_API_KEY != "<openai>"
RESULT = (headers(), ok, OPENAI_API_KEY.upper()[:12], "Bearer " + OPENAI_API_KEY,
          {OPENAI_API_KEY: 1}.get("<openai>"), "%s!" % OPENAI_API_KEY)
'''

ENVIRONMENT_FORMS = '''
import os

os.environ["OPENAI_API_KEY"] = "<openai>"
os.environ.setdefault("HF_TOKEN", "<hf>")
K = os.getenv("ANTHROPIC_API_KEY", "<anthropic>")
RESULT = (os.environ["OPENAI_API_KEY"], os.environ["HF_TOKEN"], K)
'''

LITERAL_SHAPES = '''
PRIVATE_KEY = """<pem>"""
ESCAPED = "ESCAPED_PEM"
DSN = "postgres://app:<password>@db:5432/app"
AUTH = ("Bearer "
        "<openai>")
TEMPLATE = "{0} uses <github> {{x}}".format("me")
RESULT = (PRIVATE_KEY, ESCAPED, DSN, AUTH, TEMPLATE)
'''


def _run(directory: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.endswith(("_KEY", "_TOKEN", "_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import mod; print(repr(mod.RESULT))"],
        cwd=directory, env={**base, "PYTHONPATH": str(ROOT), **env},
        capture_output=True, text=True, check=False,
    )


@pytest.mark.parametrize("template", (
    pytest.param(SDK_SHAPES, id="SDK kwargs, headers, defaults, class and dataclass, bytes"),
    pytest.param(SECURE_CONSTANT, id="module constant as SecureString"),
    pytest.param(ENVIRONMENT_FORMS, id="os.environ assignment, setdefault, getenv"),
    pytest.param(LITERAL_SHAPES, id="PEM, escaped PEM, URL, concatenation, format braces"),
))
def test_fixed_module_computes_the_same(template: str, tmp_path: Path) -> None:
    escaped_pem = KEYS["pem"].replace("\n", "\\n")
    source = fill(template).replace("ESCAPED_PEM", escaped_pem)
    new, result, names = run_fix(source)
    assert result.changes and not result.skips, [s.reason for s in result.skips]
    for key in KEYS.values():
        assert key not in new.decode()
    assert escaped_pem not in new.decode()
    env = dotenv.parse(dotenv.render([dotenv.Entry(n, v, "mod.py")
                                      for n, v in names.added.items()]))
    assert env == names.added

    (tmp_path / "before").mkdir()
    (tmp_path / "before" / "mod.py").write_text(source)
    (tmp_path / "after").mkdir()
    (tmp_path / "after" / "mod.py").write_bytes(new)
    original = _run(tmp_path / "before", {})
    fixed = _run(tmp_path / "after", env)
    assert original.returncode == 0, original.stderr
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout == original.stdout

    unset = _run(tmp_path / "after", {})
    assert unset.returncode != 0 and "Error" in unset.stderr  # it really reads the environment
