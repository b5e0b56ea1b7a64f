"""`keylint` itself: a crash is exit 2 with one line, never 1 (findings) nor a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, NoReturn

import pytest

from keylint.cli import main
from tests.fakes import assignment, fake_key


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = 1\n")
    return tmp_path


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("keylint: error: ")
    return err


@pytest.mark.parametrize("exc", (
    pytest.param(RuntimeError("boom"), id="runtime error"),
    pytest.param(AssertionError(), id="assertion without a message"),
    pytest.param(RecursionError("maximum recursion depth exceeded"), id="recursion"),
    pytest.param(ValueError("line one\nline two"), id="multi-line message"),
))
@pytest.mark.parametrize("command", ("scan", "fix", "baseline", "audit", "redact", "rules"))
def test_a_crash_in_any_command_exits_2_with_one_line(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    command: str, exc: Exception,
) -> None:
    def crash(args: Any) -> NoReturn:
        raise exc

    monkeypatch.setattr(f"keylint.commands.{command}.run", crash)
    argv = [command] + (["create"] if command == "baseline" else [])
    assert main(argv) == 2
    err = _one_error_line(capsys)
    assert f"internal error ({type(exc).__name__}" in err


def test_a_crash_while_scanning_a_file_names_the_file(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(*args: Any) -> NoReturn:
        raise RuntimeError("detector state corrupt")

    monkeypatch.setattr("keylint.scanner.run.scan_bytes", crash)
    assert main(["scan", "a.py"]) == 2
    err = _one_error_line(capsys)
    assert err == ("keylint: error: a.py: internal error (RuntimeError: detector state corrupt); "
                   "please report it\n")


def test_a_crash_message_holding_a_key_is_masked(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = fake_key("anthropic-api-key", 3)

    def crash(args: Any) -> NoReturn:
        raise ValueError(f"unexpected token {assignment('anthropic-api-key', key)}")

    monkeypatch.setattr("keylint.commands.scan.run", crash)
    assert main(["scan"]) == 2
    err = _one_error_line(capsys)
    assert key not in err and key[-4:] in err


def test_a_crash_in_a_separate_process_exits_2(repo: Path) -> None:
    # The console script's real path: sys.exit(main()) with an unexpected exception inside.
    code = ("import keylint.commands.rules as r, sys\n"
            "def boom(args): raise KeyError('no such thing')\n"
            "r.run = boom\n"
            "from keylint.cli import main\n"
            "sys.exit(main(['rules']))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 2
    assert out.stderr == ("keylint: error: internal error (KeyError: 'no such thing'); "
                          "please report it\n")
