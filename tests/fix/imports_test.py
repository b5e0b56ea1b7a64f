"""The imports a fix adds pass the project's own import linter: real `ruff check --select I`
on files that were clean before the fix, in the project's own isort/ruff style."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keylint.cli import main
from tests.fix.util import KEYS, fill, git_repo

CALL = 'requests.get(URL, headers={"Authorization": "Bearer <openai>"})\n'
CONSTANT_USED = 'OPENAI_API_KEY = "<openai>"\n\n\ndef client():\n    return Client(OPENAI_API_KEY)\n'

# (id, files of the project besides the fixed module, the module, the import expected after)
CASES = [
    ("stdlib section, sorted, after __future__ and the docstring", {},
     '"""Service."""\n\nfrom __future__ import annotations\n\nimport json\nimport sys\n'
     "from pathlib import Path\n\nimport requests\n\nfrom app import db\n\n" + CALL,
     "import json\nimport os\nimport sys\nfrom pathlib import Path\n"),
    ("a new stdlib section before third-party and first-party ones", {},
     '"""Service."""\n\n# pylint: disable=import-error\nimport requests\n\nfrom app import db\n\n'
     + CALL, '"""Service."""\n\n# pylint: disable=import-error\nimport os\n\nimport requests\n'),
    ("a comment block after the imports keeps its spacing", {},
     "import json\n\nimport requests\n\n# Helpers\n\n\ndef fetch():\n    return json.dumps("
     '"<openai>")\n', "import json\nimport os\n\nimport requests\n\n# Helpers\n"),
    ("no import yet: two blank lines before a def", {},
     'def fetch():\n    return "<openai>"\n', "import os\n\n\ndef fetch"),
    ("force-sort-within-sections", {
        "pyproject.toml": "[tool.ruff.lint.isort]\nforce-sort-within-sections = true\n"},
     "import json\nfrom pathlib import Path\nimport sys\n\nimport requests\n\n" + CALL,
     "import json\nimport os\nfrom pathlib import Path\n"),
    ("lines-after-imports = 1", {"ruff.toml": "[lint.isort]\nlines-after-imports = 1\n"},
     'def fetch():\n    return "<openai>"\n', "import os\n\ndef fetch"),
    ("known-first-party: keylint is the project's own", {
        "pyproject.toml": '[project]\nname = "svc"\ndependencies = ["keylint"]\n'
                          '[tool.ruff.lint.isort]\nknown-first-party = ["keylint"]\n'},
     "import os\n\nimport requests\n\n" + CONSTANT_USED,
     "import requests\n\nfrom keylint.runtime import SecureString\n"),
    ("SecureString joins an existing keylint.runtime import", {
        "requirements.txt": "keylint\nrequests\n"},
     "import os\n\nimport requests\nfrom keylint.runtime import mask_api_key\n\n" + CONSTANT_USED,
     "from keylint.runtime import SecureString, mask_api_key\n"),
    ("force-single-line: SecureString on its own line, sorted by type", {
        "requirements.txt": "keylint\n",
        "pyproject.toml": "[tool.ruff.lint.isort]\nforce-single-line = true\n"},
     "import os\n\nfrom keylint.runtime import mask_api_key\n\n" + CONSTANT_USED,
     "from keylint.runtime import SecureString\nfrom keylint.runtime import mask_api_key\n"),
]


def _ruff(repo: Path, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "I",
                           "--output-format", "concise", str(path)],
                          cwd=repo, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("files", "source", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_added_imports_pass_ruff_isort_in_the_project_style(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], source: str,
        expected: str) -> None:
    repo = git_repo(tmp_path / "repo")
    for name, content in files.items():
        (repo / name).write_text(content)
    (repo / "app").mkdir()
    (repo / "app" / "__init__.py").write_text("")
    module = repo / "app" / "service.py"
    module.write_text(fill(source))
    assert _ruff(repo, module).returncode == 0, "the module is clean before the fix"
    monkeypatch.chdir(repo)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["fix", "app/service.py"]) == 1
    fixed = module.read_text()
    assert KEYS["openai"] not in fixed and expected in fixed, fixed
    checked = _ruff(repo, module)
    assert checked.returncode == 0, checked.stdout + fixed


def test_first_party_is_found_from_the_project_layout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without configuration, ruff counts top-level packages of the project (and of src/) as
    first-party: `import os` goes above them, never among them."""
    repo = git_repo(tmp_path / "repo")
    (repo / "src" / "billing").mkdir(parents=True)
    (repo / "src" / "billing" / "__init__.py").write_text("")
    (repo / "pyproject.toml").write_text('[project]\nname = "billing"\n')
    module = repo / "src" / "billing" / "client.py"
    module.write_text(fill("import billing\n\n" + CALL))
    monkeypatch.chdir(repo)
    assert main(["fix", str(module.relative_to(repo))]) == 1
    assert module.read_text().startswith("import os\n\nimport billing\n")
    assert _ruff(repo, module).returncode == 0
    assert os.environ.get("OPENAI_API_KEY") is None
