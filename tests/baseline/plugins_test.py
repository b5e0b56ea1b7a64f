"""The plugin names a baseline records are the classes detect-secrets loads through the shim."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from keylint.baseline import plugins
from keylint.errors import KeylintError


def test_recorded_names_are_the_integration_classes() -> None:
    from keylint.integrations import detect_secrets as integration

    assert set(plugins.keylint_plugins()) == set(integration.__all__)
    for name, secret_type in plugins.keylint_plugins().items():
        assert getattr(integration, name).secret_type == secret_type


def test_the_builtin_table_matches_the_installed_detect_secrets() -> None:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    installed = {t: c.__name__ for t, c in get_mapping_from_secret_type_to_class().items()}
    assert {t: c for t, c in installed.items() if t in plugins.BUILTIN_BY_TYPE} == \
        plugins.BUILTIN_BY_TYPE


def test_the_shim_exposes_every_plugin(tmp_path: Path) -> None:
    shim = tmp_path / plugins.SHIM_NAME
    shim.write_text(plugins.shim_text())
    spec = importlib.util.spec_from_file_location("shim", shim)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(plugins.keylint_plugins()) <= set(dir(module))


def test_shim_url_is_relative_to_the_current_directory(tmp_path: Path) -> None:
    cwd = str(tmp_path)
    assert plugins.shim_url(tmp_path / "ci" / "b.json", cwd) == f"file://ci/{plugins.SHIM_NAME}"
    with pytest.raises(KeylintError, match="under the current directory"):
        plugins.shim_url(tmp_path.parent / "b.json", cwd)


def test_a_builtin_plugin_keylint_also_covers_stays_when_its_rules_are_off() -> None:
    old = [{"name": "GitHubTokenDetector"}, {"name": "ArtifactoryDetector"},
           {"name": "OpenaiProjectKeyDetector", "path": "file://x.py"},
           {"name": "KeywordDetector", "path": "file://x.py", "keyword_exclude": "foo"}]
    merged = plugins.merge_plugins(old, ["password-assignment"], "file://y.py")
    assert sorted(merged, key=lambda p: p["name"]) == [
        {"name": "ArtifactoryDetector"},
        {"name": "GitHubTokenDetector"},
        {"name": "KeywordDetector", "path": "file://y.py", "keyword_exclude": "foo"},
    ]
