"""What the commands say: help that describes the tool, placeholders as git writes them, counts
that agree with their nouns."""

from __future__ import annotations

from pathlib import Path

import pytest

from keylint.cli import main
from keylint.words import counted


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def test_top_level_help_describes_the_tool_not_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(capsys)
    assert "argparse" not in out and "umbrella" not in out
    assert "API keys" in out and ".env" in out
    assert "keylint scan --commits" in out  # examples
    assert "exit status: 0 clean, 1 secrets found" in out


def test_merge_driver_help_shows_gits_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(capsys, "baseline", "merge")
    assert "keylint baseline merge %O %A %B" in out
    assert "%%" not in out


@pytest.mark.parametrize("files, expected", [(1, "1 file scanned"), (2, "2 files scanned")])
def test_scan_summary_counts_agree(files: int, expected: str, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    for i in range(files):
        (tmp_path / f"m{i}.py").write_text("x = 1\n")
    assert main(["scan", "."]) == 0
    out = capsys.readouterr().out
    assert f"keylint: {expected}, 0 skipped, 0 findings in " in out


def test_counted_words() -> None:
    assert [counted(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert counted(1, "entry") == "1 entry" and counted(3, "entry") == "3 entries"
    assert counted(2, "false positive") == "2 false positives"
