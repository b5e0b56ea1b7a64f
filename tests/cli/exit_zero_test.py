"""`--exit-zero` on `scan` and `audit --ci`: the report is written in full and findings exit 0
(a SARIF upload step after it needs no `|| true`); a report that is not whole still exits 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from keylint.cli import main
from keylint.scanner import run as run_mod
from tests.fakes import fake_key
from tests.gitenv import isolate_git

RULE = "openai-project-key"


@pytest.fixture
def tree(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
         monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    isolate_git(tmp_path_factory.mktemp("home"), monkeypatch)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    key = fake_key(RULE, 7)
    (tmp_path / "app.py").write_text(f'API_KEY = "{key}"\n')
    return tmp_path, key


def _results(path: Path) -> list[dict[str, object]]:
    return list(json.loads(path.read_text())["runs"][0]["results"])


def test_scan_reports_the_finding_and_exits_0(tree: tuple[Path, str]) -> None:
    root, key = tree
    assert main(["scan", "--format", "sarif", "-o", "without.sarif"]) == 1
    assert main(["scan", "--format", "sarif", "-o", "keylint.sarif", "--exit-zero"]) == 0
    [result] = _results(root / "keylint.sarif")
    assert result["ruleId"] == RULE
    assert _results(root / "keylint.sarif") == _results(root / "without.sarif")
    assert key not in (root / "keylint.sarif").read_text()


def test_scan_text_report_still_lists_the_finding(tree: tuple[Path, str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--exit-zero"]) == 0
    out = capsys.readouterr().out
    assert "app.py:1:12: OpenAI Project Key" in out and "1 finding in" in out


def test_an_unreadable_file_still_exits_2(tree: tuple[Path, str], monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = tree
    (root / "locked.py").write_text("x = 1\n")
    real_open = os.open

    def fake_open(path: str, *args: int) -> int:  # root reads any file: simulate EACCES
        if str(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args)

    monkeypatch.setattr(run_mod.os, "open", fake_open)
    assert main(["scan", "--exit-zero"]) == 2
    assert "keylint: error: locked.py: unreadable" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["scan", "--exit-zero", "--jobs", "-1"],
    ["scan", "--exit-zero", "does-not-exist.py"],
    ["scan", "--exit-zero", "--commits", "no-such-rev..HEAD"],
    ["audit", "--exit-zero"],  # interactive: nothing to exit zero from
])
def test_usage_and_input_errors_still_exit_2(argv: list[str], tree: tuple[Path, str]) -> None:
    assert main(argv) == 2


def test_an_unknown_option_is_still_a_usage_error(tree: tuple[Path, str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["scan", "--exit-zero", "--no-such-option"])
    assert done.value.code == 2


def test_audit_ci_reports_the_new_secret_and_exits_0(tree: tuple[Path, str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = tree
    assert main(["baseline", "create"]) == 0  # app.py's key: recorded, not audited
    (root / "new.py").write_text(f'TOKEN = "{fake_key(RULE, 8)}"\n')
    capsys.readouterr()
    assert main(["audit", "--ci"]) == 1
    assert main(["audit", "--ci", "--format", "sarif", "-o", "audit.sarif", "--exit-zero"]) == 0
    results = _results(root / "audit.sarif")
    assert {r["ruleId"] for r in results} == {RULE, "keylint/baseline-unaudited"}
    assert main(["audit", "--ci", "--exit-zero"]) == 0
    assert "FAILED" in capsys.readouterr().out  # the verdict is still told
