"""`keylint baseline create|update`: stable bytes, labels kept, relative paths only."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from keylint.baseline.plugins import SHIM_NAME, keylint_plugins
from tests.baseline.helpers import doc, entries, label, line, run, write


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _sample(root: Path) -> None:
    write(root, "src/app.py", "import os\n" + line("openai-project-key", 1) + line("github-token", 1))
    write(root, "conf/settings.py", line("aws-access-key-id", 1))
    write(root, "README.md", "no secrets here\n")


def test_create_records_every_finding_sorted_and_unaudited(tree: Path) -> None:
    _sample(tree)
    assert run("baseline", "create") == 0
    path = tree / ".secrets.baseline"
    d = doc(path)
    assert list(d["results"]) == ["conf/settings.py", "src/app.py"]
    assert [(e["type"], e["line_number"]) for e in d["results"]["src/app.py"]] == [
        ("OpenAI Project Key", 2), ("GitHub Token", 3)]
    assert all("is_secret" not in e for e in entries(path))
    assert d["version"] == "1.5.0" and "generated_at" not in d
    names = [p["name"] for p in d["plugins_used"]]
    assert names == sorted(names, key=str.lower) and set(names) == set(keylint_plugins())
    assert (tree / SHIM_NAME).is_file()


def test_same_tree_same_bytes_anywhere(tree: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _sample(tree)
    assert run("baseline", "create") == 0
    first = (tree / ".secrets.baseline").read_bytes()
    other = tmp_path / "elsewhere" / "deeper" / "clone"
    shutil.copytree(tree, other)
    (other / ".secrets.baseline").unlink()
    monkeypatch.chdir(other)
    assert run("baseline", "create") == 0
    assert (other / ".secrets.baseline").read_bytes() == first
    for s in _strings(json.loads(first)):
        assert not os.path.isabs(s) and str(tmp_path) not in s and not s.startswith("file:///")


def test_create_does_not_overwrite_labels(tree: Path) -> None:
    _sample(tree)
    assert run("baseline", "create") == 0
    path = tree / ".secrets.baseline"
    label(path, "src/app.py", False)
    before = path.read_bytes()
    assert run("baseline", "create") == 2
    assert path.read_bytes() == before
    assert run("baseline", "create", "--force") == 0
    assert all("is_secret" not in e for e in entries(path))


def test_update_keeps_labels_and_adds_new_findings_unaudited(tree: Path) -> None:
    _sample(tree)
    assert run("baseline", "create") == 0
    path = tree / ".secrets.baseline"
    label(path, "src/app.py", False)
    label(path, "conf/settings.py", True)
    write(tree, "src/new.py", line("anthropic-api-key", 1))
    assert run("baseline", "update") == 0
    got = {(e["filename"], e["type"]): e.get("is_secret") for e in entries(path)}
    assert got == {
        ("conf/settings.py", "AWS Access Key"): True,
        ("src/app.py", "OpenAI Project Key"): False,
        ("src/app.py", "GitHub Token"): False,
        ("src/new.py", "Anthropic API Key"): None,
    }


def test_a_moved_line_does_not_rewrite_the_baseline(tree: Path) -> None:
    _sample(tree)
    assert run("baseline", "create") == 0
    path = tree / ".secrets.baseline"
    label(path, "src/app.py", False)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    app = tree / "src/app.py"
    app.write_text("# a comment\n\n\n" + app.read_text())
    assert run("baseline", "update") == 0
    assert run("baseline", "update") == 0
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_update_drops_secrets_that_are_gone(tree: Path) -> None:
    _sample(tree)
    assert run("baseline", "create") == 0
    path = tree / ".secrets.baseline"
    label(path, "src/app.py", False)
    (tree / "conf/settings.py").unlink()
    app = tree / "src/app.py"
    app.write_text("\n".join(x for x in app.read_text().split("\n") if "ghp_" not in x))
    assert run("baseline", "update") == 0
    assert [(e["filename"], e["type"], e["line_number"], e.get("is_secret"))
            for e in entries(path)] == [("src/app.py", "OpenAI Project Key", 2, False)]


def test_update_keeps_entries_keylint_cannot_judge(tree: Path) -> None:
    _sample(tree)
    assert run("baseline", "create") == 0
    path = tree / ".secrets.baseline"
    d = doc(path)
    foreign = {"type": "Base64 High Entropy String", "filename": "README.md",
               "hashed_secret": "1" * 40, "is_verified": False, "line_number": 1,
               "is_secret": False}
    d["results"]["README.md"] = [foreign]
    d["results"] = dict(sorted(d["results"].items()))
    path.write_text(json.dumps(d, indent=2) + "\n")
    write(tree, "other.py", line("groq-api-key", 1))
    assert run("baseline", "update", "src", "other.py") == 0  # README.md and conf/ not rescanned
    files = {e["filename"] for e in entries(path)}
    assert files == {"README.md", "conf/settings.py", "src/app.py", "other.py"}
    assert foreign in doc(path)["results"]["README.md"]


def test_configured_path_and_rules(tree: Path) -> None:
    _sample(tree)
    write(tree, "pyproject.toml", '[tool.keylint]\nbaseline = "baselines/secrets.baseline"\n'
                                  'enable = ["openai-project-key", "aws-access-key-id"]\n')
    assert run("baseline", "create") == 0
    path = tree / "baselines/secrets.baseline"
    assert {e["type"] for e in entries(path)} == {"OpenAI Project Key", "AWS Access Key"}
    d = doc(path)
    assert d["plugins_used"] == [
        {"name": "AWSKeyDetector", "path": f"file://baselines/{SHIM_NAME}"},
        {"name": "OpenaiProjectKeyDetector", "path": f"file://baselines/{SHIM_NAME}"},
    ]
    assert (tree / "baselines" / SHIM_NAME).is_file()
    assert not (tree / ".secrets.baseline").exists()


def test_update_needs_an_existing_valid_baseline(tree: Path) -> None:
    _sample(tree)
    assert run("baseline", "update") == 2
    assert not (tree / ".secrets.baseline").exists()
    (tree / ".secrets.baseline").write_text('{"version": "1.5.0", "results": {"a.py": [')
    assert run("baseline", "update") == 2
    assert (tree / ".secrets.baseline").read_text() == '{"version": "1.5.0", "results": {"a.py": ['


def test_a_baseline_outside_the_current_directory_is_refused(tree: Path, tmp_path: Path) -> None:
    _sample(tree)
    assert run("baseline", "create", "--baseline", str(tmp_path / "outside.baseline")) == 2
    assert not (tmp_path / "outside.baseline").exists()


def test_a_file_outside_the_current_directory_is_refused(tree: Path, tmp_path: Path) -> None:
    write(tmp_path, "far/key.py", line("openai-project-key", 3))
    assert run("baseline", "create", str(tmp_path / "far")) == 2
    assert not (tree / ".secrets.baseline").exists()


def test_create_force_replaces_a_broken_baseline(tree: Path) -> None:
    _sample(tree)
    (tree / ".secrets.baseline").write_text("{ truncated")
    assert run("baseline", "create") == 2
    assert (tree / ".secrets.baseline").read_text() == "{ truncated"
    assert run("baseline", "create", "--force") == 0
    assert len(entries(tree / ".secrets.baseline")) == 3


def test_a_renamed_file_keeps_its_labels(tree: Path) -> None:
    _sample(tree)
    assert run("baseline", "create") == 0
    path = tree / ".secrets.baseline"
    label(path, "src/app.py", False)
    (tree / "src" / "app.py").rename(tree / "src" / "main.py")
    assert run("baseline", "update") == 0
    got = {(e["filename"], e["type"]): e.get("is_secret") for e in entries(path)}
    assert got[("src/main.py", "OpenAI Project Key")] is False
    assert ("src/app.py", "OpenAI Project Key") not in got


@pytest.mark.parametrize("action", ["create", "update"])
def test_a_path_that_cannot_be_read_leaves_the_baseline_untouched(
        tree: Path, action: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An unreadable directory looks like deleted files: update would drop their entries and
    audit labels, create would record an incomplete baseline. Neither is written; exit 2."""
    from keylint.baseline import build
    from keylint.scanner.files import Problem

    _sample(tree)
    assert run("baseline", "create") == 0
    label(tree / ".secrets.baseline", "src/app.py", True)
    before = (tree / ".secrets.baseline").read_bytes()
    real = build.scan_tree

    def unreadable(*args: Any, **kwargs: Any) -> build.TreeScan:
        scan = real(*args, **kwargs)
        scan.findings = [f for f in scan.findings if not f.path.startswith("src/")]
        scan.problems.append(Problem("src", "cannot list this directory: Permission denied"))
        return scan

    monkeypatch.setattr(build, "scan_tree", unreadable)
    args = ["baseline", action] + (["--force"] if action == "create" else [])
    assert run(*args) == 2
    assert (tree / ".secrets.baseline").read_bytes() == before
    err = capsys.readouterr().err
    assert "keylint: error: src: cannot list this directory" in err and "not written" in err
