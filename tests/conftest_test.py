"""The hypothesis profile: derandomized under CI (the same examples every run), exploring locally."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("ci", "derandomized"), [("true", True), ("", False)])
def test_ci_runs_hypothesis_derandomized(ci: str, derandomized: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = ci
    code = "import tests.conftest; from hypothesis import settings; print(settings().derandomize)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == str(derandomized)
