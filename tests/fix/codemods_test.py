"""Before/after tables for the Python codemod: fix cases, noop cases, and what each reports."""

from __future__ import annotations

import pytest

from tests.fix.util import KEYS, fill, run_fix, unfill

FIX_CASES = (
    pytest.param(
        'client = OpenAI(api_key="<openai>")\n',
        'import os\n\nclient = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n',
        id="openai kwarg, import added"),
    pytest.param(
        "import os\nimport anthropic\n\nc = anthropic.Anthropic(api_key='<anthropic>')\n",
        "import os\nimport anthropic\n\n"
        "c = anthropic.Anthropic(api_key=os.environ['ANTHROPIC_API_KEY'])\n",
        id="anthropic kwarg, import os reused, quote style kept"),
    pytest.param(
        'import boto3\ns3 = boto3.client("s3", aws_access_key_id="<aws_id>",\n'
        '                  aws_secret_access_key="<aws_secret>")\n',
        'import os\n\nimport boto3\n'
        's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
        '                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n',
        id="boto3 access key id and secret"),
    pytest.param(
        'import google.generativeai as genai\ngenai.configure(api_key="<google>")\n',
        'import os\n\nimport google.generativeai as genai\n'
        'genai.configure(api_key=os.environ["GOOGLE_API_KEY"])\n',
        id="google-generativeai configure"),
    pytest.param(
        'from langchain_openai import ChatOpenAI\n'
        'llm = ChatOpenAI(model="gpt-4o", openai_api_key="<openai>")\n',
        'import os\n\nfrom langchain_openai import ChatOpenAI\n'
        'llm = ChatOpenAI(model="gpt-4o", openai_api_key=os.environ["OPENAI_API_KEY"])\n',
        id="langchain kwarg"),
    pytest.param(
        'CONFIG = {"llm": {"provider": "openai", "api_key": "<openai>"}}\n',
        'import os\n\n'
        'CONFIG = {"llm": {"provider": "openai", "api_key": os.environ["OPENAI_API_KEY"]}}\n',
        id="dict config"),
    pytest.param(
        'ENV = {"HF_TOKEN_PROD": "<hf>"}\n',
        'import os\n\nENV = {"HF_TOKEN_PROD": os.environ["HF_TOKEN_PROD"]}\n',
        id="dict key names the variable"),
    pytest.param(
        'def make_client(key="<openai>"):\n    return key\n',
        'import os\n\n\ndef make_client(key=os.environ["OPENAI_API_KEY"]):\n    return key\n',
        id="default argument"),
    pytest.param(
        'class Settings:\n    OPENAI_API_KEY = "<openai>"\n',
        'import os\n\n\nclass Settings:\n    OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]\n',
        id="class attribute"),
    pytest.param(
        '"""Settings."""\nfrom dataclasses import dataclass\n\n\n@dataclass\nclass Settings:\n'
        '    api_key: str = "<anthropic>"\n',
        '"""Settings."""\nimport os\nfrom dataclasses import dataclass\n\n\n@dataclass\n'
        'class Settings:\n'
        '    api_key: str = os.environ["ANTHROPIC_API_KEY"]\n',
        id="dataclass default"),
    pytest.param(
        'from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n'
        '    openai_api_key: str = "<openai>"\n',
        'from pydantic_settings import BaseSettings\n\n\n'
        'class Settings(BaseSettings):\n'
        '    openai_api_key: str\n',
        id="pydantic settings default is removed: pydantic reads the variable"),
    pytest.param(
        'HEADERS = {"Authorization": "Bearer <openai>"}\n',
        'import os\n\nHEADERS = {"Authorization": f"Bearer {os.environ[\'OPENAI_API_KEY\']}"}\n',
        id="bearer header becomes an f-string"),
    pytest.param(
        "h = {'Authorization': f'Bearer <openai> for {user}'}\n",
        "import os\n\n"
        "h = {'Authorization': f'Bearer {os.environ[\"OPENAI_API_KEY\"]} for {user}'}\n",
        id="f-string text part"),
    pytest.param(
        'url = "https://api.example.com/{path}?key=<google>".format(path=p)\n',
        'import os\n\n'
        'url = f"https://api.example.com/{{path}}?key={os.environ[\'GOOGLE_API_KEY\']}".format(path=p)\n',
        id="braces of .format() are escaped"),
    pytest.param(
        'AUTH = ("Bearer "\n        "<openai>")\n',
        'import os\n\nAUTH = ("Bearer "\n        f"{os.environ[\'OPENAI_API_KEY\']}")\n',
        id="implicitly concatenated, key is one part"),
    pytest.param(
        'KEY = b"<openai>"\n',
        'import os\n\nKEY = os.environ["OPENAI_API_KEY"].encode()\n',
        id="bytes literal is the key"),
    pytest.param(
        'H = b"Bearer <openai>".split()\n',
        'import os\n\nH = (b"Bearer " + os.environ["OPENAI_API_KEY"].encode()).split()\n',
        id="bytes literal with a key inside"),
    pytest.param(
        'import os\nHOME = os.environb[b"HOME"]\nKEY = b"<openai>"\n',
        'import os\nHOME = os.environb[b"HOME"]\nKEY = os.environb[b"OPENAI_API_KEY"]\n',
        id="os.environb where the module already uses it"),
    pytest.param(
        'URL = rb"Token <github>"\n',
        'import os\n\nURL = (rb"Token " + os.environ["GITHUB_TOKEN"].encode())\n',
        id="raw bytes prefix kept"),
    pytest.param(
        'MY_LLM_KEY = "<openai>"\nprint("configured")\n',
        'import os\n\nMY_LLM_KEY = os.environ["MY_LLM_KEY"]\nprint("configured")\n',
        id="a clear UPPER_CASE name is kept (unused constant: plain lookup)"),
    pytest.param(
        'API_KEY = "<openai>"\n',
        'import os\n\nAPI_KEY = os.environ["OPENAI_API_KEY"]\n',
        id="a generic name gives way to the rule's variable"),
    pytest.param(
        'TWILIO_API_SECRET = "<twilio_secret>"\n',
        'import os\n\nTWILIO_API_SECRET = os.environ["TWILIO_API_SECRET"]\n',
        id="context rule keeps the assigned name"),
    pytest.param(
        'DATABASES = {"default": {"URL": "postgres://app:<password>@db:5432/app"}}\n',
        'import os\n\nDATABASES = {"default": {"URL": os.environ["DATABASE_URL"]}}\n',
        id="a URL holding a password moves whole"),
    pytest.param(
        'SQLALCHEMY_DATABASE_URI = "postgres://app:<password>@db:5432/app"\n',
        'import os\n\nSQLALCHEMY_DATABASE_URI = os.environ["SQLALCHEMY_DATABASE_URI"]\n',
        id="a URL keeps its assigned name"),
    pytest.param(
        'DSN = f"postgres://app:<password>@db:5432/{name}"\n',
        'import os\n\nDSN = f"postgres://app:{os.environ[\'DB_PASSWORD\']}@db:5432/{name}"\n',
        id="a password inside an f-string URL moves alone"),
    pytest.param(
        'A = "<openai>"\nB = "<openai2>"\nC = {"k": "<openai>"}\n',
        'import os\n\nA = os.environ["OPENAI_API_KEY"]\nB = os.environ["OPENAI_API_KEY_2"]\n'
        'C = {"k": os.environ["OPENAI_API_KEY"]}\n',
        id="same key one variable, two keys two variables"),
    pytest.param(
        'PAIR = "<aws_id>:<github>"\n',
        'import os\n\n'
        'PAIR = f"{os.environ[\'AWS_ACCESS_KEY_ID\']}:{os.environ[\'GITHUB_TOKEN\']}"\n',
        id="two keys in one literal"),
    pytest.param(
        '"""Django settings."""\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).parent\n'
        'SECRET_KEY = "<password>"\nINSTALLED_APPS = ["django.contrib.admin"]\n'
        'DATABASES = {"default": {"NAME": "app", "PASSWORD": "<password2>"}}\n',
        '"""Django settings."""\nimport os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).parent\n'
        'SECRET_KEY = os.environ["SECRET_KEY"]\nINSTALLED_APPS = ["django.contrib.admin"]\n'
        'DATABASES = {"default": {"NAME": "app", "PASSWORD": os.environ["DB_PASSWORD"]}}\n',
        id="Django settings module"),
    pytest.param(
        'KEY = f"<openai>"\n',
        'import os\n\nKEY = os.environ["OPENAI_API_KEY"]\n',
        id="f-string without fields that is the key"),
    pytest.param(
        'x = f"{a}<openai>"\n',
        'import os\n\nx = f"{a}{os.environ[\'OPENAI_API_KEY\']}"\n',
        id="f-string: the key right after a field"),
    pytest.param(
        "x = f'<openai>{a!r}'\n",
        'import os\n\nx = f\'{os.environ["OPENAI_API_KEY"]}{a!r}\'\n',
        id="f-string: the key right before a field"),
    pytest.param(
        'MY_OPENAI_KEY = rf"{a}<openai>{b:>3}"\n',
        'import os\n\nMY_OPENAI_KEY = rf"{a}{os.environ[\'OPENAI_API_KEY\']}{b:>3}"\n',
        id="f-string: the key between fields is not named after the target"),
    pytest.param(
        'x = f"""<pem>{a}"""\n',
        'import os\n\nx = f"""{os.environ[\'PRIVATE_KEY\']}{a}"""\n',
        id="f-string: a multi-line key before a field"),
    pytest.param(
        'KEY = u"<openai>" + "-suffix"\n',
        'import os\n\nKEY = os.environ["OPENAI_API_KEY"] + "-suffix"\n',
        id="u prefix, literal is the key"),
    pytest.param(
        'PRIVATE_KEY = """<pem>"""\n',
        'import os\n\nPRIVATE_KEY = os.environ["PRIVATE_KEY"]\n',
        id="PEM block in a triple-quoted string"),
)


@pytest.mark.parametrize(("before", "after"), FIX_CASES)
def test_fix(before: str, after: str) -> None:
    new, result, _ = run_fix(before)
    assert result.error is None
    assert not result.skips, [s.reason for s in result.skips]
    assert unfill(new.decode()) == after


NOOP_CASES = (
    pytest.param('KEY = "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n', None,
                 id="placeholder: no finding"),
    pytest.param('import os\nKEY = os.environ["OPENAI_API_KEY"]\n', None,
                 id="already read from the environment"),
    pytest.param("# the old key was <openai>\nx = 1\n", "in a comment",
                 id="comment line"),
    pytest.param("x = 1  # <openai>\n", "in a comment", id="trailing comment"),
    pytest.param('"""Module doc: use <openai>."""\nx = 1\n', "in a docstring",
                 id="module docstring"),
    pytest.param('def f():\n    """Key <openai>."""\n    return 1\n', "in a docstring",
                 id="function docstring"),
    pytest.param('x = 1\n"<openai>"\n', "in a bare string statement", id="bare string"),
    pytest.param('KEY = "<openai>"\ndef broken(:\n    pass\n', "syntax error at line 2",
                 id="syntax error"),
    pytest.param('match token:\n    case "<openai>":\n        pass\n', "match-case pattern",
                 id="match-case pattern"),
    pytest.param('x = f"{d.get(\'k\', \'Bearer <openai>\')}"\n', "both quote characters",
                 id="nested f-strings use both quotes"),
    pytest.param('x = f"{a:<openai>}"\n', "in an f-string format spec", id="format spec"),
    pytest.param('K = b"Bearer " b"<openai>"\n', "bytes literal inside an implicit",
                 id="bytes concatenation"),
    pytest.param('K = "<openai>"\nX = "\\N{BULLET} <anthropic> {x}"\n', "\\N{...}",
                 id="N escapes would change in an f-string"),
)


@pytest.mark.parametrize(("before", "reason"), NOOP_CASES)
def test_noop(before: str, reason: str | None) -> None:
    source = fill(before).encode()
    new, result, names = run_fix(source)
    if reason is None:
        assert new == source and not result.skips and not result.changes
        return
    assert any(reason in s.reason for s in result.skips), [s.reason for s in result.skips]
    if "\\N" in before:  # the other key on the first line is fixed; this one is not
        assert KEYS["anthropic"] in new.decode()
        return
    assert new == source
    assert not names.added


def test_syntax_error_is_an_error() -> None:
    _, result, _ = run_fix('KEY = "<openai>"\nif:\n')
    assert result.error is not None
    assert all(s.error for s in result.skips)


@pytest.mark.parametrize(("path", "source"), (
    pytest.param("tests/test_client.py", 'FAKE_KEY = "<openai>"\n', id="fake in the name"),
    pytest.param("tests/conftest.py", 'def client(mock_key="<openai>"):\n    pass\n',
                 id="mock parameter"),
))
def test_plainly_fake_fixtures_are_left(path: str, source: str) -> None:
    before = fill(source).encode()
    new, result, _ = run_fix(before, path=path, test_file=True)
    assert new == before
    assert [s.reason for s in result.skips] == ["a test fixture that is plainly fake; left as is"]


def test_real_looking_key_in_a_test_file_is_still_fixed() -> None:
    new, result, _ = run_fix('OPENAI_API_KEY = "<openai>"\n', path="tests/test_x.py",
                             test_file=True)
    assert KEYS["openai"] not in new.decode()
    assert len(result.changes) == 1


def test_escape_sequence_inside_the_key_is_skipped() -> None:
    key = KEYS["openai"]
    source = f'K = "{key}"\nJ = "{key[:20]}\\x41{key[21:]}"\n'.encode()
    new, result, _ = run_fix(source)
    assert b'os.environ["OPENAI_API_KEY"]' in new
    assert len(result.changes) == 1 and not result.skips  # the escaped one is no finding


ENV_FORMS = (
    pytest.param(
        'import os\nos.environ["OPENAI_API_KEY"] = "<openai>"\nllm = ChatOpenAI()\n', {},
        'import os\nllm = ChatOpenAI()\n',
        id="os.environ assignment under the same name is removed"),
    pytest.param(
        'import os\nos.environ["MYSQL_ROOT_PASSWORD"] = "<password>"\n', {},
        'import os\n',
        id="the assigned variable name is kept (and removed)"),
    pytest.param(
        'import os\n\ndef setup():\n    # the key for the SDK\n'
        '    os.environ.setdefault("OPENAI_API_KEY", "<openai>")\n',
        {},
        'import os\n\ndef setup():\n    # the key for the SDK\n    pass\n',
        id="setdefault alone in a block leaves a pass, comment kept"),
    pytest.param(
        'import os\nif x: os.environ["OPENAI_API_KEY"] = "<openai>"; y = 1\n', {},
        'import os\nif x: y = 1\n',
        id="one of several statements on a line"),
    pytest.param(
        'import os\nKEY = os.getenv("OPENAI_API_KEY", "<openai>")\n', {},
        'import os\nKEY = os.environ["OPENAI_API_KEY"]\n',
        id="getenv with the key as default becomes the lookup"),
    pytest.param(
        'import os\nKEY = os.environ.get("ANTHROPIC_API_KEY", default="<anthropic>")\n', {},
        'import os\nKEY = os.environ["ANTHROPIC_API_KEY"]\n',
        id="environ.get with the key as default"),
    pytest.param(
        'import os\nos.environ["OPENAI_API_KEY"] = "<openai>"\n', {"OPENAI_API_KEY": "older"},
        'import os\nos.environ["OPENAI_API_KEY"] = os.environ["OPENAI_API_KEY_2"]\n',
        id="name taken by another value: assigned from NAME_2"),
    pytest.param(
        'import os\n# tail comment\nos.environ["OPENAI_API_KEY"] = "<openai>"\n', {},
        'import os\n# tail comment\n',
        id="last statement removed, comment kept"),
)


@pytest.mark.parametrize(("before", "known", "after"), ENV_FORMS)
def test_environment_forms(before: str, known: dict[str, str], after: str) -> None:
    new, result, names = run_fix(before, known=known)
    assert not result.skips, [s.reason for s in result.skips]
    assert unfill(new.decode()) == after
    assert set(names.added.values()) <= set(KEYS.values())
    assert names.added  # the value went to the env file


def test_removed_assignment_is_reported() -> None:
    _, result, names = run_fix('import os\nos.environ["OPENAI_API_KEY"] = "<openai>"\n')
    (change,) = result.changes
    assert change.code == "(statement removed)" and change.env_var == "OPENAI_API_KEY"
    assert names.added == {"OPENAI_API_KEY": KEYS["openai"]}


def test_getenv_default_with_a_taken_name_is_skipped() -> None:
    source = fill('import os\nK = os.getenv("OPENAI_API_KEY", "<openai>")\n').encode()
    new, result, names = run_fix(source, known={"OPENAI_API_KEY": "other"})
    assert new == source and not names.added
    assert "already holds a different value" in result.skips[0].reason


@pytest.mark.parametrize(("source", "code"), (
    pytest.param('import os as o\nK = o.getenv("OPENAI_API_KEY", "<openai>")\n',
                 'o.environ["OPENAI_API_KEY"]', id="os under another name"),
    pytest.param('from os import environ, getenv\nK = getenv("OPENAI_API_KEY", "<openai>")\n',
                 'environ["OPENAI_API_KEY"]', id="from os import environ"),
))
def test_the_report_of_a_getenv_default_names_the_code_written(source: str, code: str) -> None:
    new, result, _ = run_fix(source)
    (change,) = result.changes
    assert change.code == code and code in new.decode()


# ------------------------------------------------------------------------ SecureString
SECURE_MODULE = '''"""Client setup."""
import logging

OPENAI_API_KEY = "<openai>"
log = logging.getLogger(__name__)


def headers(token=OPENAI_API_KEY):
    return {"Authorization": f"Bearer {OPENAI_API_KEY}", "X-Len": str(len(OPENAI_API_KEY))}


def check():
    if not OPENAI_API_KEY or OPENAI_API_KEY == "unset":
        raise SystemExit(1)
    log.info("using %s", OPENAI_API_KEY)
    ok = OPENAI_API_KEY.startswith("sk-")
    return ok and "Bearer " + OPENAI_API_KEY


class Client:
    key = OPENAI_API_KEY
'''

SECURE_FIXED = '''"""Client setup."""
import logging

from keylint.runtime import SecureString

OPENAI_API_KEY = SecureString.from_env("OPENAI_API_KEY")
log = logging.getLogger(__name__)


def headers(token=OPENAI_API_KEY.get_secret_value()):
    return {"Authorization": f"Bearer {OPENAI_API_KEY.get_secret_value()}", "X-Len": str(len(OPENAI_API_KEY))}


def check():
    if not OPENAI_API_KEY or OPENAI_API_KEY == "unset":
        raise SystemExit(1)
    log.info("using %s", OPENAI_API_KEY)
    ok = OPENAI_API_KEY.get_secret_value().startswith("sk-")
    return ok and "Bearer " + OPENAI_API_KEY.get_secret_value()


class Client:
    key = OPENAI_API_KEY.get_secret_value()
'''


def test_module_constant_becomes_secure_string_with_every_use_rewritten() -> None:
    new, result, _ = run_fix(SECURE_MODULE)
    assert unfill(new.decode()) == SECURE_FIXED
    (change,) = result.changes
    assert change.code == 'SecureString.from_env("OPENAI_API_KEY")'
    assert change.note.startswith("5 uses now call .get_secret_value(); 4 take the SecureString")


@pytest.mark.parametrize(("source", "note"), (
    pytest.param('__all__ = ["OPENAI_API_KEY"]\nOPENAI_API_KEY = "<openai>"\nx = OPENAI_API_KEY\n',
                 "exported by __all__", id="listed in __all__"),
    pytest.param('__all__ = []\nOPENAI_API_KEY = "<openai>"\n__all__ += ["OPENAI_API_KEY"]\n'
                 "x = OPENAI_API_KEY\n", "exported by __all__", id="added to __all__"),
    pytest.param('import sys\nOPENAI_API_KEY = "<openai>"\nx = OPENAI_API_KEY\n'
                 'y = getattr(sys.modules[__name__], "OPENAI_API_KEY")\n',
                 "read by getattr()", id="read by getattr"),
    pytest.param('OPENAI_API_KEY = "<openai>"\n', "not used in this module", id="no use here"),
    pytest.param('OPENAI_API_KEY = "<openai>"\ndef f():\n    global OPENAI_API_KEY\n'
                 '    OPENAI_API_KEY = "x"\n', "assigned more than once", id="rebound"),
    pytest.param('OPENAI_API_KEY = "<openai>"\ndef f(OPENAI_API_KEY):\n    return OPENAI_API_KEY\n',
                 "assigned more than once or shadowed", id="shadowed by a parameter"),
    pytest.param('OPENAI_API_KEY = "<openai>"\nx = globals()["OPENAI_API_KEY"]\n',
                 "globals()", id="read through globals()"),
    pytest.param('from x import *\nOPENAI_API_KEY = "<openai>"\ny = OPENAI_API_KEY\n',
                 "star import", id="star import could rebind it"),
    pytest.param('INSTALLED_APPS = []\nSECRET_KEY = "<password>"\nx = SECRET_KEY\n',
                 "settings module", id="Django-style settings module"),
    pytest.param('from typing import Final\nOPENAI_API_KEY: Final = "<openai>"\nx = OPENAI_API_KEY\n',
                 "annotation other than str", id="Final annotation"),
    pytest.param('SecureString = None\nOPENAI_API_KEY = "<openai>"\nx = OPENAI_API_KEY\n',
                 "SecureString is taken", id="SecureString name taken"),
))
def test_constant_falls_back_to_plain_lookup(source: str, note: str) -> None:
    new, result, _ = run_fix(source)
    assert 'os.environ["' in new.decode() and "SecureString.from_env" not in new.decode()
    assert note in result.changes[0].note


def test_constant_imported_elsewhere_gets_plain_lookup() -> None:
    new, result, _ = run_fix('OPENAI_API_KEY = "<openai>"\nx = OPENAI_API_KEY\n',
                             exported=lambda name: f"{name} is used elsewhere (app.py)")
    assert b'OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]' in new
    assert result.changes[0].note == "plain lookup: OPENAI_API_KEY is used elsewhere (app.py)"


def test_no_secure_string_option() -> None:
    new, result, _ = run_fix('OPENAI_API_KEY = "<openai>"\nx = OPENAI_API_KEY\n', secure=False)
    assert unfill(new.decode()) == ('import os\n\nOPENAI_API_KEY = os.environ["OPENAI_API_KEY"]\n'
                                    "x = OPENAI_API_KEY\n")
    assert result.changes[0].note == ""


def test_str_annotation_becomes_secure_string() -> None:
    new, _, _ = run_fix('OPENAI_API_KEY: str = "<openai>"\nx = OPENAI_API_KEY + "!"\n')
    assert unfill(new.decode()) == (
        "from keylint.runtime import SecureString\n\n"
        'OPENAI_API_KEY: SecureString = SecureString.from_env("OPENAI_API_KEY")\n'
        'x = OPENAI_API_KEY.get_secret_value() + "!"\n')


def test_existing_secure_string_import_is_reused() -> None:
    new, _, _ = run_fix('from keylint.runtime import SecureString as S\n'
                        'OPENAI_API_KEY = "<openai>"\nx = OPENAI_API_KEY\n')
    assert unfill(new.decode()) == ('from keylint.runtime import SecureString as S\n'
                                    'OPENAI_API_KEY = S.from_env("OPENAI_API_KEY")\n'
                                    "x = OPENAI_API_KEY.get_secret_value()\n")


# ------------------------------------------------------------------------ imports
IMPORT_CASES = (
    pytest.param(
        '"""Doc."""\nfrom __future__ import annotations\n\nimport json\nimport sys\n\n'
        'import requests\n\nK = "<openai>"\n',
        '"""Doc."""\nfrom __future__ import annotations\n\nimport json\nimport os\nimport sys\n'
        '\nimport requests\n\nK = os.environ["OPENAI_API_KEY"]\n',
        id="alphabetical in the standard-library section"),
    pytest.param(
        "#!/usr/bin/env python\n# Copyright\nimport requests\n\nK = '<openai>'\n",
        "#!/usr/bin/env python\n# Copyright\nimport os\n\nimport requests\n\n"
        "K = os.environ['OPENAI_API_KEY']\n",
        id="new section before third-party imports"),
    pytest.param(
        '"""Doc."""\nK = "<openai>"\n',
        '"""Doc."""\n\nimport os\n\nK = os.environ["OPENAI_API_KEY"]\n',
        id="after the docstring"),
    pytest.param(
        "from __future__ import annotations\nK = '<openai>'\n",
        "from __future__ import annotations\n\nimport os\n\nK = os.environ['OPENAI_API_KEY']\n",
        id="after __future__"),
    pytest.param(
        "import abc\nfrom collections import OrderedDict\nK = '<openai>'\n",
        "import abc\nimport os\nfrom collections import OrderedDict\n"
        "K = os.environ['OPENAI_API_KEY']\n",
        id="plain imports before from-imports"),
    pytest.param(
        "from os import environ\nK = '<openai>'\n",
        "from os import environ\nK = environ['OPENAI_API_KEY']\n",
        id="from os import environ is reused"),
    pytest.param(
        "import os as _os\nK = '<openai>'\n",
        "import os as _os\nK = _os.environ['OPENAI_API_KEY']\n",
        id="import os as _os is reused"),
    pytest.param(
        "def f(os):\n    return '<openai>'\n",
        "import os as _os\n\n\ndef f(os):\n    return _os.environ['OPENAI_API_KEY']\n",
        id="os shadowed by a parameter: an alias"),
    pytest.param(
        "_os = 1\nos = None\nK = '<openai>'\n",
        "import os as _keylint_os\n\n_os = 1\nos = None\n"
        "K = _keylint_os.environ['OPENAI_API_KEY']\n",
        id="os and _os both taken"),
    pytest.param(
        "K = '<openai>'\nimport os\n",
        "import os\n\nK = os.environ['OPENAI_API_KEY']\nimport os\n",
        id="an import after the use is not relied on"),
)


@pytest.mark.parametrize(("before", "after"), IMPORT_CASES)
def test_import_placement(before: str, after: str) -> None:
    new, result, _ = run_fix(before)
    assert not result.skips
    assert unfill(new.decode()) == after


# ------------------------------------------------------------------------ bytes exact
FORMAT_CASES = (
    pytest.param(
        b'"""Doc."""\r\nimport sys\r\n\r\nKEY = "<openai>"  # the key\r\n',
        b'"""Doc."""\r\nimport os\r\nimport sys\r\n\r\nKEY = os.environ["OPENAI_API_KEY"]  # the key\r\n',
        id="CRLF"),
    pytest.param(
        b'import os\nif True:\n\tKEY = "<openai>"\t# tab\n\tprint(1)\n',
        b'import os\nif True:\n\tKEY = os.environ["OPENAI_API_KEY"]\t# tab\n\tprint(1)\n',
        id="tabs"),
    pytest.param(
        b'\xef\xbb\xbfimport os\nKEY = "<openai>"\n',
        b'\xef\xbb\xbfimport os\nKEY = os.environ["OPENAI_API_KEY"]\n',
        id="BOM"),
    pytest.param(
        b'\xef\xbb\xbfKEY = "<openai>"\n',
        b'\xef\xbb\xbfimport os\n\nKEY = os.environ["OPENAI_API_KEY"]\n',
        id="BOM, key on line 1"),
    pytest.param(
        b'# -*- coding: latin-1 -*-\nimport os\nNAME = "caf\xe9"; KEY = "<openai>"\n',
        b'# -*- coding: latin-1 -*-\nimport os\nNAME = "caf\xe9"; KEY = os.environ["OPENAI_API_KEY"]\n',
        id="latin-1 cookie"),
    pytest.param(
        'import os\nx = {"\u043a\u043b\u044e\u0447": "<openai>"}  # \u00e9\n'.encode(),
        'import os\nx = {"\u043a\u043b\u044e\u0447": os.environ["OPENAI_API_KEY"]}  # \u00e9\n'.encode(),
        id="non-ASCII before the key"),
    pytest.param(
        b'import os\n\n\n# one\nKEY = (  # two\n    "<openai>"  # three\n)  # four',
        b'import os\n\n\n# one\nKEY = (  # two\n    os.environ["OPENAI_API_KEY"]  # three\n)  # four',
        id="comments and no final newline"),
)


@pytest.mark.parametrize(("before", "after"), FORMAT_CASES)
def test_formatting_is_preserved_byte_for_byte(before: bytes, after: bytes) -> None:
    fill_b = fill(before.decode("latin-1")).encode("latin-1")
    new, result, _ = run_fix(fill_b)
    assert not result.skips, [s.reason for s in result.skips]
    assert new == fill(after.decode("latin-1")).encode("latin-1")


@pytest.mark.parametrize(("before", "after"), [*FIX_CASES, *IMPORT_CASES])
def test_second_run_changes_nothing(before: str, after: str) -> None:
    once, _, names = run_fix(before)
    twice, result, _ = run_fix(once, known=names.known)
    assert twice == once and not result.changes and not result.skips


def test_no_env_file_mode_uses_variables_that_hold_the_value() -> None:
    source = 'A = "<openai>"\nB = "<anthropic>"\n'
    new, result, names = run_fix(source, known={"LLM_KEY": KEYS["openai"]}, read_only=True)
    assert unfill(new.decode()) == 'import os\n\nA = os.environ["LLM_KEY"]\nB = "<anthropic>"\n'
    assert not names.added
    assert "set ANTHROPIC_API_KEY first" in result.skips[0].reason


def test_env_var_named_like_the_constant_does_not_block_secure_string() -> None:
    new, _, _ = run_fix('import os\nOPENAI_API_KEY = "<openai>"\n'
                        'os.environ["OPENAI_API_KEY"] = OPENAI_API_KEY\n')
    assert unfill(new.decode()) == (
        "import os\n\nfrom keylint.runtime import SecureString\n\n"
        'OPENAI_API_KEY = SecureString.from_env("OPENAI_API_KEY")\n'
        'os.environ["OPENAI_API_KEY"] = OPENAI_API_KEY.get_secret_value()\n')


def test_only_the_keys_handed_in_are_fixed() -> None:
    from keylint.fix.codemods import fix_source
    from keylint.fix.model import SourceContext
    from keylint.fix.naming import NamePicker
    from keylint.scanner.engine import scan_bytes

    data = fill('A = "<openai>"\nB = "<anthropic>"\n').encode()
    wanted = [f for f in scan_bytes(data, "m.py") if f.rule_id == "anthropic-api-key"]
    result = fix_source(data, wanted, SourceContext(path="m.py"), NamePicker({}))
    assert result.error is None
    assert unfill(result.source.decode()) == (
        'import os\n\nA = "<openai>"\nB = os.environ["ANTHROPIC_API_KEY"]\n')


def test_print_to_a_file_and_write_get_the_value_not_the_mask() -> None:
    new, _, _ = run_fix('OPENAI_API_KEY = "<openai>"\n'
                        'print(OPENAI_API_KEY, file=fh)\nfh.write(OPENAI_API_KEY)\n'
                        'print(OPENAI_API_KEY)\n')
    assert unfill(new.decode()) == (
        "from keylint.runtime import SecureString\n\n"
        'OPENAI_API_KEY = SecureString.from_env("OPENAI_API_KEY")\n'
        "print(OPENAI_API_KEY.get_secret_value(), file=fh)\n"
        "fh.write(OPENAI_API_KEY.get_secret_value())\n"
        "print(OPENAI_API_KEY)\n")


def test_an_fstring_debug_specifier_keeps_the_plain_lookup() -> None:
    new, result, _ = run_fix('OPENAI_API_KEY = "<openai>"\nLABEL = f"{OPENAI_API_KEY=}"\n')
    assert unfill(new.decode()) == (
        'import os\n\nOPENAI_API_KEY = os.environ["OPENAI_API_KEY"]\n'
        'LABEL = f"{OPENAI_API_KEY=}"\n')
    assert result.changes[0].note == (
        'plain lookup: f"{OPENAI_API_KEY=}" prints the name of what it formats')


def test_a_removed_statement_keeps_its_trailing_comment() -> None:
    new, _, _ = run_fix('import os\ntry:\n    os.environ["GITHUB_TOKEN"] = "<github>"  # why\n'
                        'except Exception:\n    pass\n'
                        'def f():\n    os.environ["OPENAI_API_KEY"] = "<openai>"  # note\n'
                        '    return 1\n')
    assert new.decode() == ('import os\ntry:\n    pass  # why\nexcept Exception:\n    pass\n'
                            'def f():\n    # note\n    return 1\n')


def test_no_statement_after_many_emptied_blocks_is_lost() -> None:
    # Each emptied line is a new node; once its block is rebuilt it was freed, and a later
    # node could get its id and be dropped as if emptied (a `return` went missing at random).
    source = "import os\n" + "".join(
        'try:\n    os.environ["GITHUB_TOKEN"] = "<github>"  # why\nexcept Exception:\n'
        f'    pass\ndef f{i}():\n    os.environ["OPENAI_API_KEY"] = "<openai>"  # note\n'
        f"    return {i}\n" for i in range(200))
    new = run_fix(source)[0].decode()
    assert [i for i in range(200) if f"    return {i}\n" not in new] == []
