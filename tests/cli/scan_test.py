from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from keylint.cli import main
from keylint.scanner import run as run_mod
from tests.fakes import assignment, fake_key


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def test_clean_tree_exits_0_with_a_summary(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "a.py").write_text("x = 1\n")
    assert main(["scan", "."]) == 0
    out = capsys.readouterr().out
    assert out.startswith("keylint: 1 file scanned, 0 skipped, 0 findings in ")


def test_finding_line_names_path_position_type_mask_and_rule(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = fake_key("openai-project-key")
    (repo / "app.py").write_text(f'import openai\nclient = openai.OpenAI(api_key="{key}")\n')
    assert main(["scan"]) == 1
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first == f"app.py:2:33: OpenAI Project Key {key[:7]}***...{key[-4:]} (openai-project-key)"
    assert "1 finding in" in out
    assert key not in out


def test_json_report_contract(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = fake_key("anthropic-api-key")
    (repo / "settings.toml").write_text(f'ANTHROPIC_API_KEY = "{key}"\n')
    assert main(["scan", ".", "--format", "json"]) == 1
    raw = capsys.readouterr().out
    doc = json.loads(raw)
    assert doc["version"] == 1 and doc["tool"]["name"] == "keylint"
    (r,) = doc["results"]
    assert {"path", "line", "column", "end_line", "end_column", "rule_id", "provider",
            "secret_type", "masked", "hashed_secret", "fingerprint"} <= set(r)
    assert (r["path"], r["line"], r["provider"]) == ("settings.toml", 1, "anthropic")
    assert doc["stats"]["files_scanned"] == 1 and doc["stats"]["findings"] == 1
    assert key not in raw


def test_output_file_is_written_and_stdout_stays_empty(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "a.env").write_text(assignment("mistral-api-key", fake_key("mistral-api-key")) + "\n")
    assert main(["scan", "--format", "json", "--output", "report.json"]) == 1
    assert capsys.readouterr().out == ""
    assert json.loads((repo / "report.json").read_text())["results"][0]["provider"] == "mistral"


def test_exclude_flag_and_config_exclude(repo: Path) -> None:
    (repo / "fixtures").mkdir()
    (repo / "fixtures" / "k.py").write_text(f'K = "{fake_key("github-token")}"\n')
    assert main(["scan", "--exclude", "fixtures/"]) == 0
    (repo / "pyproject.toml").write_text('[tool.keylint]\nexclude = ["fixtures/**"]\n')
    assert main(["scan"]) == 0


def test_config_can_disable_a_rule(repo: Path) -> None:
    (repo / "k.py").write_text(f'K = "{fake_key("github-token")}"\n')
    (repo / "pyproject.toml").write_text('[tool.keylint]\ndisable = ["github-token"]\n')
    assert main(["scan"]) == 0


@pytest.mark.parametrize(("content", "message"), [
    ('[tool.keylint]\nexcludes = ["x"]\n', "unknown key in [tool.keylint]: excludes"),
    ('[tool.keylint]\nexclude = "x"\n', "exclude must be a list of strings"),
    ('[tool.keylint]\ndisable = ["no-such-rule"]\n', "unknown rule(s): no-such-rule"),
    ('[tool.keylint\n', "malformed TOML"),
    ('[tool.keylint]\nmax_file_size = -1\n', "max_file_size must be a positive integer"),
])
def test_bad_config_is_a_one_line_error_and_exit_2(
    repo: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (repo / "pyproject.toml").write_text(content)
    assert main(["scan"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "pyproject.toml" in err and message in err


def test_missing_path_exits_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "does-not-exist"]) == 2
    assert "does-not-exist: no such file or directory" in capsys.readouterr().err


def test_scan_fix_with_a_path_it_could_not_read_exits_2(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--fix` moves the keys it found, but the scan was not whole: 2, as without --fix."""
    key = fake_key("openai-project-key", 31)
    (repo / "a.py").write_text(assignment("openai-project-key", key) + "\n")
    assert main(["scan", "--fix", "a.py", "missing.py"]) == 2
    assert key not in (repo / "a.py").read_text()  # fixed all the same
    assert "missing.py: no such file or directory" in capsys.readouterr().err


def test_bad_input_is_reported_and_the_scan_goes_on(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = fake_key("slack-bot-token")
    (repo / "binary.bin").write_bytes(b"\x00\x01" + key.encode())
    (repo / "huge.min.js").write_bytes(b"a" * 2048)
    (repo / "latin1.py").write_bytes(b"# caf\xe9\nTOKEN = '" + key.encode() + b"'\n")
    (repo / "locked.py").write_text(f"T = '{key}'\n")
    (repo / "pyproject.toml").write_text("[tool.keylint]\nmax_file_size = 1024\n")
    real_open = os.open

    def fake_open(path: str, *args: int) -> int:
        # Root reads any file whatever its mode, so the permission error is simulated.
        if str(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args)

    monkeypatch.setattr(run_mod.os, "open", fake_open)
    assert main(["scan"]) == 2  # a file could not be read: the user must act
    captured = capsys.readouterr()
    assert "latin1.py:2:" in captured.out
    err = captured.err.splitlines()
    assert "keylint: error: locked.py: unreadable: Permission denied" in err
    assert any(e.startswith("keylint: note: huge.min.js: skipped: 2,048 bytes") for e in err)
    assert "binary.bin" not in captured.out


def test_file_deleted_during_the_scan_is_a_note(tmp_path: Path) -> None:
    from keylint.scanner.files import Target

    data, problem = run_mod.read_target(Target(str(tmp_path / "gone.py"), "gone.py"), 1024)
    assert data is None and problem is not None
    assert (problem.display, problem.reason, problem.error) == ("gone.py", "vanished during the scan",
                                                               False)


def test_parallel_scan_finds_what_a_serial_scan_finds(repo: Path) -> None:
    for i in range(240):
        body = assignment("github-token", fake_key("github-token", i)) if i % 7 == 0 else "x = 1"
        (repo / f"m{i:03}.py").write_text(body + "\n")
    from keylint.scanner.files import discover

    targets, _ = discover(["."], ())
    serial = run_mod.scan_targets(targets, max_size=1 << 20, jobs=1)
    parallel = run_mod.scan_targets(targets, max_size=1 << 20, jobs=2)
    assert [(f.path, f.line, f.hashed_secret) for f in parallel.findings] == [
        (f.path, f.line, f.hashed_secret) for f in serial.findings]
    assert len(serial.findings) == 35 and parallel.files_scanned == 240


def test_git_repository_scan_skips_gitignored_files(repo: Path) -> None:
    subprocess.run(["git", "init", "-q"], check=True)
    (repo / ".gitignore").write_text(".env\n")
    (repo / ".env").write_text(f"GITHUB_TOKEN={fake_key('github-token')}\n")
    assert main(["scan", "."]) == 0
    (repo / "deploy.sh").write_text(f"export GITHUB_TOKEN={fake_key('github-token', 1)}\n")
    assert main(["scan", "."]) == 1


def test_python_dash_m_and_rules_listing(repo: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    out = subprocess.run([sys.executable, "-m", "keylint", "rules", "--format", "json"],
                         capture_output=True, text=True, env=env, check=True).stdout
    rules = json.loads(out)["rules"]
    assert any(r["id"] == "openai-project-key" and r["env_var"] == "OPENAI_API_KEY" for r in rules)
    text = subprocess.run([sys.executable, "-m", "keylint", "rules"], capture_output=True, text=True,
                          env=env, check=True).stdout
    assert text.rstrip().endswith("providers")


def test_scan_does_not_import_libcst_bandit_or_detect_secrets(repo: Path) -> None:
    (repo / "a.py").write_text("x = 1\n")
    code = ("import sys; from keylint.cli import main; main(['scan', '.']); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('libcst', 'bandit', 'detect_secrets')]; "
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]")


def test_binary_files_are_counted_not_announced(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert main(["scan"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "0 files scanned, 1 skipped" in captured.out


def test_thorough_reads_what_a_tree_scan_skips(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A CI gate on the tree (the GitHub Action) must not pass a key because its file has a NUL
    # byte or is over the default size limit: --thorough reads them as the commit hook does.
    keys = [fake_key("openai-project-key", i) for i in (31, 32)]
    (repo / "blob.bin").write_bytes(b"\x00\x01" + assignment("openai-project-key", keys[0]).encode())
    (repo / "big.log").write_text(("x" * 99 + "\n") * 110_000 + assignment("openai-project-key", keys[1]))
    assert main(["scan"]) == 0
    assert "0 files scanned, 2 skipped" in capsys.readouterr().out
    assert main(["scan", "--thorough", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert sorted(r["path"] for r in report["results"]) == ["big.log", "blob.bin"]
    assert (report["stats"]["files_scanned"], report["stats"]["files_skipped"]) == (2, 0)


def test_output_to_a_device_writes_through_and_keeps_the_device(repo: Path) -> None:
    (repo / "a.py").write_text("x = 1\n")
    assert main(["scan", "--output", os.devnull]) == 0
    assert not Path(os.devnull).is_file()


def test_a_fifo_in_the_tree_does_not_hang_the_scan(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(repo / "pipe")
    (repo / "a.py").write_text(f"T = '{fake_key('groq-api-key')}'\n")
    assert main(["scan", "."]) == 1
    captured = capsys.readouterr()
    assert "keylint: note: pipe: not a regular file" in captured.err
    assert "a.py:1:6: Groq API Key" in captured.out


def test_every_subcommand_parses_its_own_help(capsys: pytest.CaptureFixture[str]) -> None:
    from keylint.cli import COMMANDS

    for name, _, _ in COMMANDS:
        with pytest.raises(SystemExit) as exit_info:
            main([name, "--help"])
        assert exit_info.value.code == 0
        assert f"usage: keylint {name}" in capsys.readouterr().out


def test_a_key_typed_as_an_argument_is_not_echoed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = fake_key("openai-project-key", 3)
    assert main(["scan", key]) == 2
    err = capsys.readouterr().err
    assert "no such file or directory" in err and key not in err
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", "--format", key])
    assert exit_info.value.code == 2
    assert key not in capsys.readouterr().err


def test_a_key_in_a_file_name_is_masked_in_every_format(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = fake_key("github-token", 4)
    (repo / f"{key}.txt").write_text(assignment("groq-api-key", fake_key("groq-api-key")) + "\n")
    for fmt in ("text", "json", "sarif", "github"):
        assert main(["scan", "--format", fmt]) == 1
        out = capsys.readouterr()
        assert key not in out.out + out.err, fmt


def test_unwritable_output_is_a_one_line_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "a.py").write_text("x = 1\n")
    assert main(["scan", "--output", "missing-dir/report.json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "missing-dir/report.json: cannot write the report" in err[0]
    assert list(repo.iterdir()) == [repo / "a.py"]


def test_utf16_files_are_scanned(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = fake_key("anthropic-api-key", 2)
    (repo / "ps.env").write_bytes(("x=1\r\nANTHROPIC_API_KEY=" + key + "\r\n").encode("utf-16"))
    assert main(["scan", "ps.env"]) == 1
    assert capsys.readouterr().out.startswith("ps.env:2:19: Anthropic API Key")


def test_a_missing_path_does_not_stop_the_rest_of_the_scan(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "a.py").write_text(assignment("groq-api-key", fake_key("groq-api-key")) + "\n")
    assert main(["scan", "a.py", "missing.py"]) == 2
    captured = capsys.readouterr()
    assert "a.py:1:" in captured.out
    assert "keylint: error: missing.py: no such file or directory" in captured.err


def test_a_bug_met_in_one_file_is_its_error_and_the_rest_is_scanned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A crash is exit 2 with one line naming the file, and the other files are still reported."""
    KEY = "openai-project-key"
    monkeypatch.chdir(tmp_path)
    run = run_mod
    (tmp_path / "good.py").write_text(assignment(KEY, fake_key(KEY, 60)) + "\n")
    (tmp_path / "bad.py").write_text(assignment(KEY, fake_key(KEY, 61)) + "\n")
    real = run.scan_bytes

    def flaky(data: bytes, path: str, detector: object = None) -> list[object]:
        if path.endswith("bad.py"):
            raise ValueError("boom")
        return real(data, path, detector)  # type: ignore[arg-type]

    monkeypatch.setattr(run, "scan_bytes", flaky)
    assert main(["scan", "."]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("good.py:1:")
    assert err.strip().splitlines() == [
        "keylint: error: bad.py: internal error (ValueError: boom); please report it"]


def test_a_socket_in_the_tree_is_a_note_not_an_error(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = 1\n")
    with socket.socket(socket.AF_UNIX) as s:
        s.bind("ctl.sock")
        assert main(["scan", "."]) == 0
    assert "note: ctl.sock: not a regular file" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["ctl.sock", "pipe", os.devnull])
def test_a_named_path_that_is_no_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str],
                                                  name: str) -> None:
    """Named, so asked for: `keylint scan /dev/stdin` from a pipe is not read, and must not
    exit 0 as if it were clean (found by walking a directory, such a path is a note)."""
    import socket

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = 1\n")
    os.mkfifo("pipe")
    with socket.socket(socket.AF_UNIX) as s:
        s.bind("ctl.sock")
        assert main(["scan", "a.py", name]) == 2
        assert main(["scan", "."]) == 0
    err = capsys.readouterr().err
    assert f"keylint: error: {name}: not a regular file" in err
    assert "note: ctl.sock: not a regular file" in err and "note: pipe: not a regular file" in err


def test_an_interrupted_report_write_leaves_no_half_written_file(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from keylint.commands import scan as scan_cmd

    (repo / "a.py").write_text(f"T = '{fake_key('groq-api-key')}'\n")
    real = scan_cmd.report

    def interrupted(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)  # the whole report is in the temp file: then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(scan_cmd, "report", interrupted)
    assert main(["scan", "--format", "json", "-o", "out.json"]) == 130
    assert sorted(p.name for p in repo.iterdir() if not p.name.startswith(".git")) == ["a.py"]
    assert capsys.readouterr().err == "keylint: interrupted\n"


def test_a_reader_that_stops_early_gets_exit_2_not_a_clean_0(repo: Path) -> None:
    # `keylint scan | head -1` under pipefail: the report was cut short, so the exit says so.
    lines = [assignment("openai-project-key", fake_key("openai-project-key", i)) for i in range(900)]
    (repo / "many.py").write_text("\n".join(lines) + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "keylint", "scan", "--no-baseline"], cwd=repo,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # the report is far over a pipe's buffer: the writer meets a closed pipe
    err = proc.stderr.read().decode()
    assert proc.wait() == 2
    assert err.splitlines() == ["keylint: error: Broken pipe"]
