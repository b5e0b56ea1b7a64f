from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_setup_commands() -> None:
    first_block = README.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in first_block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    assert commands[0].endswith("keylint scan .")
    assert commands[1].endswith("python -m pytest")


def test_every_hook_id_is_documented() -> None:
    ids = re.findall(r"^- id: (\S+)", (ROOT / ".pre-commit-hooks.yaml").read_text(), re.M)
    assert ids == ["keylint", "keylint-fix", "keylint-audit"]
    for hook_id in ids:
        assert f"id: {hook_id}" in README


def test_every_subcommand_is_documented() -> None:
    from keylint.cli import COMMANDS

    for name, _, _ in COMMANDS:
        assert f"keylint {name}" in README


PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


@pytest.mark.parametrize("code", PYTHON_BLOCKS, ids=[f"block{i}" for i in range(len(PYTHON_BLOCKS))])
def test_readme_python_examples_run(code: str, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
