"""`gate.new_findings`: what the baseline does not record; bad baselines fail closed, untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keylint.baseline.gate import new_findings
from keylint.baseline.plugins import keylint_plugins
from keylint.errors import KeylintError
from keylint.scanner.engine import scan_text
from keylint.scanner.finding import Finding
from tests.baseline.helpers import line, run, write


def _findings(tree: Path) -> list[Finding]:
    return [f for name in ("app.py", "new.py")
            for f in scan_text((tree / name).read_text(), name)]


@pytest.fixture
def recorded(tree: Path) -> Path:
    write(tree, "app.py", line("openai-project-key", 1) + line("aws-access-key-id", 1))
    assert run("baseline", "create") == 0
    write(tree, "new.py", line("anthropic-api-key", 1))
    return tree / ".secrets.baseline"


def test_only_unrecorded_findings_are_returned(tree: Path, recorded: Path) -> None:
    new = new_findings(_findings(tree), recorded)
    assert [(f.path, f.rule_id) for f in new] == [("new.py", "anthropic-api-key")]


def test_the_gate_never_writes(tree: Path, recorded: Path) -> None:
    before = (recorded.read_bytes(), recorded.stat().st_mtime_ns, sorted(p.name for p in
                                                                     tree.iterdir()))
    new_findings(_findings(tree), recorded)
    after = (recorded.read_bytes(), recorded.stat().st_mtime_ns, sorted(p.name for p in
                                                                    tree.iterdir()))
    assert after == before


def _edit(path: Path, **changes: object) -> None:
    d = json.loads(path.read_text())
    d.update(changes)
    path.write_text(json.dumps(d, indent=2) + "\n")


def _plugins(path: Path) -> list[dict[str, str]]:
    return list(json.loads(path.read_text())["plugins_used"])


BROKEN = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    "empty": lambda p: p.write_bytes(b""),
    "future version": lambda p: _edit(p, version="2.0.0"),
    "unknown plugin": lambda p: _edit(p, plugins_used=[*_plugins(p), {"name": "FooDetector"}]),
    "custom plugin file": lambda p: _edit(p, plugins_used=[
        {"name": "AcmeDetector", "path": "file://tools/acme.py"}]),
}


@pytest.mark.parametrize("damage", sorted(BROKEN))
def test_a_bad_baseline_is_an_error_and_stays_as_it_was(tree: Path, recorded: Path,
                                                        damage: str) -> None:
    BROKEN[damage](recorded)
    before = recorded.read_bytes()
    with pytest.raises(KeylintError) as info:
        new_findings(_findings(tree), recorded)
    assert str(info.value).startswith(str(recorded))
    for argv in (["scan", "--baseline", str(recorded)], ["audit", "--ci"],
                 ["baseline", "update"]):
        assert run(*argv) == 2
    assert recorded.read_bytes() == before


def test_a_missing_baseline_is_an_error(tree: Path) -> None:
    with pytest.raises(KeylintError, match="baseline not found"):
        new_findings([], tree / "nope.baseline")


def test_detect_secrets_builtin_names_load(tree: Path, recorded: Path) -> None:
    _edit(recorded, plugins_used=[{"name": "AWSKeyDetector"}, {"name": "KeywordDetector",
                                                                  "keyword_exclude": ""},
                                  {"name": "Base64HighEntropyString", "limit": 4.5}])
    assert len(new_findings(_findings(tree), recorded)) == 1


def test_keylint_plugin_names_load_with_any_path(tree: Path, recorded: Path) -> None:
    names = sorted(keylint_plugins())
    _edit(recorded, plugins_used=[{"name": n, "path": "file:///elsewhere/shim.py"} for n in names])
    assert len(new_findings(_findings(tree), recorded)) == 1


def test_a_removed_keylint_rule_is_a_missing_plugin(tree: Path, recorded: Path) -> None:
    _edit(recorded, plugins_used=[{"name": "RetiredProviderKeyDetector",
                                   "path": "file://.keylint_detect_secrets.py"}])
    with pytest.raises(KeylintError, match="does not have: RetiredProviderKeyDetector"):
        new_findings(_findings(tree), recorded)
