"""`[tool.keylint]`: every bad value is a one-line error naming the file, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from keylint import config
from keylint.cli import main
from keylint.errors import KeylintError

BAD = (
    pytest.param("max_file_size = 9223372036854775807\n", "max_file_size must be", id="int64 max"),
    pytest.param(f"max_file_size = {(1 << 30) + 1}\n", "at most 1073741824",
                 id="just over the cap"),
    pytest.param("max_file_size = " + "9" * 5000 + "\n", "too many digits", id="5000 digits"),
    pytest.param("exclude = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply", id="nested"),
    pytest.param('exclude = ["build/", "!"]\n', "exclude: '!' is not a gitignore pattern",
                 id="bare negation"),
    pytest.param('exclude = ["logs/\\\\"]\n', "is not a gitignore pattern", id="trailing backslash"),
    pytest.param('exclude = ["[z-a]"]\n', "'[z-a]' is not a gitignore pattern", id="bad range"),
)


@pytest.mark.parametrize(("body", "message"), BAD)
def test_bad_values_are_one_line_errors_naming_the_file(tmp_path: Path, body: str,
                                                        message: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.keylint]\n" + body)
    with pytest.raises(KeylintError) as info:
        config.load(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_the_largest_allowed_size_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(f"[tool.keylint]\nmax_file_size = {1 << 30}\n")
    assert config.load(path).max_file_size == 1 << 30


def test_scan_with_a_huge_max_file_size_exits_2_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.keylint]\nmax_file_size = 9223372036854775807\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    assert main(["scan", "a.py"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("keylint: error: ") and "pyproject.toml: " in err
    assert err.count("\n") == 1


def test_a_scan_in_a_subdirectory_applies_the_root_config_and_its_excludes(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.baseline.helpers import line

    (tmp_path / ".git").mkdir()  # the repository root, as git finds it
    (tmp_path / "pyproject.toml").write_text(
        '[tool.keylint]\nexclude = ["app/fixtures/**", "vendor/"]\n')
    for name in ("app/fixtures/sample.py", "app/vendor/lib.py", "app/real.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(line("openai-project-key", len(name)))

    def scan(cwd: Path) -> list[str]:
        out = subprocess.run([sys.executable, "-m", "keylint", "scan", "--format", "json"],
                             cwd=cwd, capture_output=True, text=True, check=False).stdout
        import json

        return [r["path"] for r in json.loads(out)["results"]]

    assert scan(tmp_path) == ["app/real.py"]
    assert scan(tmp_path / "app") == ["real.py"]
    assert scan(tmp_path / "app" / "fixtures") == []


@pytest.mark.parametrize("pattern", ["!", "[z-a]"])
def test_a_bad_exclude_option_is_a_usage_error_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    pattern: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = 1\n")
    for command in (["scan"], ["audit", "--ci"], ["baseline", "create"], ["fix", "--diff"]):
        assert main([*command, "--exclude", pattern]) == 2
        err = capsys.readouterr().err
        assert err == f"keylint: error: --exclude: {pattern!r} is not a gitignore pattern\n"
