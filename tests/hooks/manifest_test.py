"""`.pre-commit-hooks.yaml` and `.pre-commit-config.yaml` as pre-commit itself reads them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from pre_commit.clientlib import load_config, load_manifest  # type: ignore[import-untyped]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover (python 3.10)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict[str, Any]]:
    """The manifest's hooks by id, with pre-commit's defaults applied."""
    return {h["id"]: h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}


def test_the_three_hooks_are_defined(hooks: dict[str, dict[str, Any]]) -> None:
    assert sorted(hooks) == ["keylint", "keylint-audit", "keylint-fix"]
    assert all(h["language"] == "python" for h in hooks.values())
    assert all(h["minimum_pre_commit_version"] == "3.2.0" for h in hooks.values())


def test_keylint_scans_every_file_pre_commit_passes(hooks: dict[str, dict[str, Any]]) -> None:
    scan = hooks["keylint"]
    # .env, YAML and files without an extension hold keys too: no type or path filter.
    assert (scan["types"], scan["types_or"], scan["files"], scan["exclude"]) == (
        ["file"], [], "", "^$")
    assert scan["pass_filenames"] is True
    assert scan["stages"] == ["pre-commit", "pre-push", "manual"]
    assert scan["entry"] == "keylint-hook"


def test_fix_and_audit_hooks(hooks: dict[str, dict[str, Any]]) -> None:
    fix, audit = hooks["keylint-fix"], hooks["keylint-audit"]
    assert fix["entry"] == "keylint fix"
    assert fix["pass_filenames"] is True and fix["require_serial"] is True  # one .env writer
    assert audit["entry"] == "keylint audit --ci"
    assert audit["stages"] == ["manual"]
    assert audit["pass_filenames"] is False


def test_entries_are_console_scripts_of_the_package(hooks: dict[str, dict[str, Any]]) -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert {h["entry"].split()[0] for h in hooks.values()} <= set(scripts)
    assert scripts["keylint-hook"] == "keylint.hooks.precommit:main"


def test_this_repositorys_own_config_is_valid() -> None:
    config = load_config(str(ROOT / ".pre-commit-config.yaml"))
    ids = [h["id"] for repo in config["repos"] for h in repo["hooks"]]
    assert ids == ["keylint", "keylint-audit", "bandit", "ruff"]
