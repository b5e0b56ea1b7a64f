"""keylint-runtime: a service that only uses keylint.runtime installs no libcst, bandit or
detect-secrets, and everything it ships imports and works without them."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import types
import venv
import zipfile
from pathlib import Path

import pytest

from tests.fakes import fake_key

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("libcst", "bandit", "detect_secrets", "pathspec")


def _load_builder() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_runtime", ROOT / "packaging" / "runtime" / "build_runtime.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = _load_builder().build(out, wheel_only=True)
    (whl,) = [p for p in built if p.suffix == ".whl"]
    return whl


def test_the_light_wheel_declares_no_heavy_dependency(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA")))
    requires = [line.split(":", 1)[1].strip().lower() for line in meta.decode().splitlines()
                if line.startswith("Requires-Dist:")]
    assert requires, "the runtime's own dependencies (tenacity, jsonschema, re2) are declared"
    for heavy in ("libcst", "bandit", "detect-secrets", "detect_secrets", "pathspec"):
        assert not any(r.startswith(heavy) for r in requires), requires
    project = (ROOT / "pyproject.toml").read_text()
    version = next(line.split('"')[1] for line in project.splitlines()
                   if line.startswith("version ="))
    assert f"Version: {version}" in meta.decode(), "same version as keylint"


def test_keylint_runtime_works_in_a_venv_without_the_scanner_dependencies(
        wheel: Path, tmp_path: Path) -> None:
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    with zipfile.ZipFile(wheel) as z:  # a pure wheel installs by unpacking it
        z.extractall(purelib)
        shipped = sorted(n[:-3].replace("/", ".").removesuffix(".__init__")
                         for n in z.namelist() if n.endswith(".py"))
    fake = fake_key("openai-project-key", 3)
    script = f"""
import importlib, importlib.util, json, os
missing = [m for m in {HEAVY!r} if importlib.util.find_spec(m) is None]
for name in {shipped!r}:
    importlib.import_module(name)
from keylint.runtime import SecureString, mask_api_key, redact_api_keys
os.environ["SERVICE_KEY"] = {fake!r}
key = SecureString.from_env("SERVICE_KEY")
print(json.dumps({{"missing": missing, "shown": str(key),
                   "secret_ok": key.get_secret_value() == {fake!r},
                   "redacted": redact_api_keys("key=" + {fake!r})}}))
"""
    done = subprocess.run([str(python), "-I", "-c", script], capture_output=True, text=True,
                          check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["missing"] == list(HEAVY), "the light venv holds none of the heavy packages"
    assert result["secret_ok"] and fake not in result["shown"]
    assert fake not in result["redacted"] and result["redacted"].startswith("key=")
    assert "keylint.runtime" in shipped and "keylint.cli" not in shipped
    assert not any(m.startswith(("keylint.fix", "keylint.commands", "keylint.integrations"))
                   for m in shipped)
