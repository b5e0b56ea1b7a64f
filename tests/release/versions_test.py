"""One version everywhere: pyproject.toml's `version` is what the README's recipes pin (so they
resolve once the tag exists), what the changelog describes, what `keylint --version` says; and
the README cites only files a clone has."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import version as installed_version

import pytest
import yaml

import keylint
from tests.release.helpers import ROOT, version

README = (ROOT / "README.md").read_text(encoding="utf-8")
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


def yaml_blocks(start: str) -> list[dict[str, object]]:
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", README, re.S)
            if b.startswith(start)]


def test_the_version_is_semver() -> None:
    assert SEMVER.fullmatch(version())


@pytest.mark.parametrize("path", ["README.md", "examples/ci/github-actions.yml",
                                  "examples/ci/gitlab-ci.yml", "RELEASING.md"])
def test_every_pin_names_this_version(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    pins = re.findall(r"rev: v(\d+\.\d+\.\d+)", text)
    pins += re.findall(r"keylint/keylint@v([0-9.]+\d)", text)  # uses: and git+https installs
    pins += re.findall(r"keylint\.git#v([0-9.]+\d)", text)  # docker build from the tag
    pins += re.findall(r"keylint:(\d+\.\d+\.\d+)", text)  # the image tag
    pins += re.findall(r"tag -a v(\d+\.\d+\.\d+)", text)
    if path != "examples/ci/github-actions.yml" or "keylint/keylint@" in text:
        assert pins, f"{path} pins no release"
    assert set(pins) == {version()}, f"{path}: {sorted(set(pins))} != {version()} (pyproject)"


def test_the_readme_pre_commit_snippets_pin_this_version() -> None:
    configs = [b for b in re.findall(r"```yaml\n(.*?)```", README, re.S) if "rev:" in b]
    assert len(configs) >= 3  # the hooks, keylint fix's hook, pre-commit.ci
    for block in configs:
        assert re.findall(r"rev: (\S+)", block) == [f"v{version()}"]


def test_the_changelog_describes_this_version_first() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[(\d[^\]]*)\] - (\d{4}-\d{2}-\d{2})$", changelog, re.M)
    assert releases and releases[0][0] == version()
    assert "## [Unreleased]" in changelog.split(f"## [{version()}]")[0]
    assert f"[{version()}]: https://github.com/keylint/keylint/releases/tag/v{version()}" in changelog


def test_keylint_version_is_the_installed_distributions() -> None:
    """Not pyproject's: an editable install made before a bump keeps its own number (and says
    that one); the tags test checks a fresh install from the tag says the tag's."""
    assert keylint.__version__ == installed_version("keylint")
    done = subprocess.run([sys.executable, "-m", "keylint", "--version"], capture_output=True,
                          text=True, check=True)
    assert done.stdout == f"keylint {installed_version('keylint')}\n"


def test_the_pre_commit_ci_recipe_names_real_hooks() -> None:
    [config] = yaml_blocks("# .pre-commit-config.yaml\nci:")
    assert isinstance(config, dict)
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    ids = {h["id"] for h in hooks}
    [repo] = config["repos"]
    used = {h["id"] for h in repo["hooks"]}
    assert used <= ids and set(config["ci"]["skip"]) <= used
    assert "keylint" in used and "keylint" not in config["ci"]["skip"]


def test_the_gitlab_recipe_is_the_tested_example() -> None:
    """tests/examples_test.py runs examples/ci/gitlab-ci.yml's scan step: the README's copy must
    be that file."""
    [job] = yaml_blocks("# .gitlab-ci.yml")
    assert job == yaml.safe_load((ROOT / "examples/ci/gitlab-ci.yml").read_text())


def test_the_readme_cites_only_files_a_clone_has() -> None:
    links = [t for t in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README)]
    assert links
    for target in links:
        assert (ROOT / target).exists(), f"README links to {target}, which a clone lacks"
    tops = ("bench/", "tests/", "keylint/", "examples/", "packaging/", "baselines/", ".ci/")
    cited = [p for p in re.findall(r"`([A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)+\.[a-z]+)`", README)
             if p.startswith(tops)]  # files of this repository (`tests/certs/` is psf/requests')
    assert cited
    for path in cited:
        assert (ROOT / path).exists(), f"README cites {path}, which a clone lacks"
    assert "/work/" not in README and "shared/" not in README  # the project's own machine


def test_releasing_gives_the_tag_command_for_this_version() -> None:
    text = (ROOT / "RELEASING.md").read_text(encoding="utf-8")
    assert f'tag -a v{version()} -m "keylint {version()}"' in text


def test_releasing_builds_both_distributions_with_scripts_that_exist() -> None:
    text = (ROOT / "RELEASING.md").read_text(encoding="utf-8")
    assert "python -m build" in text
    scripts = re.findall(r"(?:python|bash) (packaging/\S+)", text)
    assert "packaging/runtime/build_runtime.py" in scripts  # keylint-runtime ships alongside
    for script in scripts:
        assert (ROOT / script).is_file(), f"RELEASING.md runs {script}, which a clone lacks"
    assert "/work/" not in text  # commands a maintainer can run from their own clone
