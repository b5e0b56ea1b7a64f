"""`keylint-hook FILE...` (keylint.hooks.precommit.main): what pre-commit runs on each batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from keylint.hooks.precommit import main
from tests.fakes import fake_key
from tests.hooks.helpers import KEY_RULE, keylint, openai_line, write


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory, made the current directory (pre-commit runs at the root)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_clean_files_pass_silently(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, "app.py", "import os\nKEY = os.environ['OPENAI_API_KEY']\n")
    write(work, "notes.md", "nothing to see\n")
    assert main(["app.py", "notes.md"]) == 0
    assert capsys.readouterr() == ("", "")


def test_a_key_blocks_with_file_line_masked_key_and_remedies(
        work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = fake_key(KEY_RULE, 1)
    write(work, "pkg/settings.py", f"DEBUG = True\nOPENAI_API_KEY = \"{key}\"\n")
    assert main(["pkg/settings.py"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert key not in out
    first, remedy = out.splitlines()[:2]
    assert first == f"pkg/settings.py:2:19: OpenAI Project Key {key[:7]}***...{key[-4:]} ({KEY_RULE})"
    assert remedy.strip() == "-> move it to .env: keylint fix pkg/settings.py"
    assert "keylint: 1 new secret in 1 file: blocked." in out
    # No baseline yet: the way to accept it starts one.
    assert "`keylint baseline create --baseline .secrets.baseline`" in out
    assert "`keylint audit .secrets.baseline`" in out


@pytest.mark.parametrize(("name", "text", "remedy"), [
    pytest.param(".env", "OPENAI_API_KEY={key}\n",
                 "keep .env out of git: list it in .gitignore, then `git rm --cached .env`",
                 id="dotenv"),
    pytest.param("deploy/values.yaml", "openai:\n  apiKey: {key}\n",
                 "read it from the environment (OPENAI_API_KEY) instead of deploy/values.yaml",
                 id="yaml"),
    pytest.param("config.json", '{{"openai": "{key}"}}\n',
                 "read it from the environment (OPENAI_API_KEY) instead of config.json",
                 id="json"),
])
def test_any_text_file_is_scanned(work: Path, capsys: pytest.CaptureFixture[str], name: str,
                                  text: str, remedy: str) -> None:
    write(work, name, text.format(key=fake_key(KEY_RULE, 2)))
    assert main([name]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{name}:")
    assert lines[1].strip() == f"-> {remedy}"


def test_only_the_given_files_are_scanned(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, "clean.py", "x = 1\n")
    write(work, "leaky.py", openai_line())
    write(work, "sub/leaky.py", openai_line(3))
    assert main(["clean.py"]) == 0
    # A directory argument is not walked (pre-commit passes files only).
    assert main(["sub", "clean.py"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["clean.py", "leaky.py"]) == 1
    assert "leaky.py:1:" in capsys.readouterr().out


def test_every_finding_of_a_batch_is_listed(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, "a.py", openai_line(1) + openai_line(2))
    write(work, "b.py", openai_line(3))
    assert main(["a.py", "b.py"]) == 1
    out = capsys.readouterr().out
    assert [line.split(": ")[0] for line in out.splitlines() if "(openai-project-key)" in line] == [
        "a.py:1:12", "a.py:2:12", "b.py:1:12"]
    assert "keylint: 3 new secrets in 2 files: blocked." in out


def test_allowlisted_lines_pass_and_a_key_in_a_binary_file_does_not(work: Path) -> None:
    key = fake_key(KEY_RULE, 4)
    write(work, "fixture.py", f'KEY = "{key}"  # pragma: allowlist secret\n')
    write(work, "image.bin", b"\0\x01PNG\x02" * 100)
    assert main(["image.bin", "fixture.py"]) == 0
    write(work, "blob.bin", b"\0\x01" + key.encode())  # committed, it is a leak all the same
    assert main(["blob.bin", "fixture.py"]) == 1


def test_config_excludes_and_disabled_rules_are_honoured(work: Path) -> None:
    write(work, "pyproject.toml", '[tool.keylint]\nexclude = ["vendor/**"]\n')
    write(work, "vendor/lib.py", openai_line(5))
    assert main(["vendor/lib.py"]) == 0
    write(work, "pyproject.toml", f'[tool.keylint]\ndisable = ["{KEY_RULE}"]\n')
    write(work, "app.py", openai_line(6))
    assert main(["app.py"]) == 0


def test_bad_config_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, "pyproject.toml", "[tool.keylint]\nexclude = 3\n")
    write(work, "app.py", "x = 1\n")
    assert main(["app.py"]) == 2
    assert "must be a list of strings" in capsys.readouterr().err


def test_missing_explicit_baseline_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, "app.py", openai_line())
    assert main(["--baseline", "nope.baseline", "app.py"]) == 2
    err = capsys.readouterr().err
    assert "nope.baseline: baseline not found" in err


def _create_baseline(work: Path, name: str, *paths: str) -> Path:
    (work / name).parent.mkdir(parents=True, exist_ok=True)
    done = keylint(work, "baseline", "create", *paths, "--baseline", name)
    assert done.returncode == 0, done.stderr
    return work / name


def test_baselined_keys_pass_and_new_ones_block(work: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    write(work, "app.py", openai_line(7))
    baseline = _create_baseline(work, "ci/secrets.baseline", "app.py")
    assert main(["--baseline", "ci/secrets.baseline", "app.py"]) == 0
    write(work, "app.py", openai_line(7) + openai_line(8))
    assert main(["--baseline", "ci/secrets.baseline", "app.py"]) == 1
    out = capsys.readouterr().out
    assert "app.py:2:12:" in out and "app.py:1:" not in out
    assert "`keylint baseline update --baseline ci/secrets.baseline`" in out
    # The hook never writes the baseline, even when it blocks.
    assert json.loads(baseline.read_text())["results"].keys() == {"app.py"}


@pytest.mark.parametrize("configured", [True, False], ids=["tool.keylint", ".secrets.baseline"])
def test_baseline_found_without_arguments(work: Path, configured: bool) -> None:
    name = "baselines/keys.baseline" if configured else ".secrets.baseline"
    if configured:
        write(work, "pyproject.toml", f'[tool.keylint]\nbaseline = "{name}"\n')
    write(work, "app.py", openai_line(9))
    _create_baseline(work, name, "app.py")
    assert main(["app.py"]) == 0
    # pre-commit passes the staged baseline too: it is data, not a leak.
    assert main(["app.py", name]) == 0


@pytest.mark.parametrize("text", [openai_line(), "x = 1\n"], ids=["finding", "clean"])
def test_corrupt_baseline_exits_2(work: Path, capsys: pytest.CaptureFixture[str],
                                  text: str) -> None:
    write(work, ".secrets.baseline", "{ not json")
    write(work, "app.py", text)
    assert main(["app.py"]) == 2
    assert ".secrets.baseline" in capsys.readouterr().err


def test_a_crash_in_the_hook_exits_2_with_one_line(repo: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """1 means findings to pre-commit users; a bug must not look like one, nor print a trace."""
    from keylint.hooks import precommit

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("unexpected")

    monkeypatch.chdir(repo)
    monkeypatch.setattr(precommit, "scan_files", broken)
    write(repo, "a.py", "x = 1\n")
    assert precommit.main(["a.py"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (ValueError: unexpected)" in err


def test_a_key_in_a_file_name_is_masked_in_the_remedy_line(repo: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo)
    key = fake_key(KEY_RULE, 77)
    for name in (f"{key}.py", f"{key}.env", f"{key}.yaml"):
        write(repo, name, openai_line(78))
        assert main([name]) == 1
        out = capsys.readouterr()
        assert "    -> " in out.out and key not in out.out + out.err


@pytest.mark.parametrize("kind", ["over the size limit", "NUL bytes", "UTF-16 without a mark"])
def test_the_hook_reads_what_a_tree_scan_passes_over(repo: Path, kind: str,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A commit must not carry a key because its file is large or has a NUL byte."""
    monkeypatch.chdir(repo)
    key = fake_key(KEY_RULE, 90)
    line = openai_line(90)
    if kind == "over the size limit":
        data = b"# padding line\n" * 750_000 + line.encode()  # 11 MB: over the 10 MiB default
    elif kind == "NUL bytes":
        data = b"\0" * 64 + b"\n" + line.encode() + b"\0" * 64
    else:
        data = line.encode("utf-16-le")
    write(repo, "blob.dat", data)
    assert main(["blob.dat"]) == 1
    out = capsys.readouterr()
    assert "blob.dat:" in out.out and key not in out.out + out.err


def test_a_size_limit_the_user_set_is_kept_and_named(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo)
    write(repo, "pyproject.toml", "[tool.keylint]\nmax_file_size = 1000\n")
    write(repo, "big.py", "# pad\n" * 400 + openai_line(91))
    assert main(["big.py"]) == 0
    assert "note: big.py: skipped: " in capsys.readouterr().err


def test_an_unreadable_argument_outranks_findings(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """As `keylint scan`: findings are reported, and the exit says something could not be read."""
    monkeypatch.chdir(repo)
    write(repo, "leak.py", openai_line(95))
    assert main(["leak.py", "missing.py"]) == 2
    out = capsys.readouterr()
    assert "leak.py:1:" in out.out and "error: missing.py: no such file or directory" in out.err


@pytest.mark.parametrize("name", ["--pre-push=origin", "--config=lax.toml", "--baseline=lax.json"])
def test_a_staged_file_named_like_an_option_is_scanned_not_obeyed(work: Path, name: str) -> None:
    # pre-commit appends file names with no `--` before them: a committed file named like an
    # option must not switch the scan off for the key committed beside it.
    write(work, "lax.toml", '[tool.keylint]\nexclude = ["*.py"]\n')
    write(work, "app.py", openai_line(3))
    assert keylint(work, "baseline", "create", "--baseline", "lax.json", "app.py").returncode == 0
    write(work, name, "nothing here\n")
    done = subprocess.run([sys.executable, "-m", "keylint.hooks.precommit", name, "app.py"],
                          cwd=work, input="", capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert "app.py:1:" in done.stdout


def test_a_configured_baseline_name_cannot_rewrite_the_advice_on_a_terminal(
        work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pyproject.toml is the repository's to change: a `\\r` or an escape sequence in the
    baseline's name would overwrite the hook's lines on the terminal that shows them."""
    write(work, "pyproject.toml", '[tool.keylint]\nbaseline = "b\\r\\u001b[2K.json"\n')
    write(work, "app.py", openai_line(41))
    assert main(["app.py"]) == 1
    out = capsys.readouterr().out
    assert "\r" not in out and "\x1b" not in out
    assert "`keylint baseline create --baseline b\\r\\x1b[2K.json`" in out


def test_a_file_that_vanishes_while_the_hook_runs_fails_it(repo: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """git commits the index's copy of a file deleted while the hook reads: it went unscanned."""
    from keylint.scanner import run as run_mod

    monkeypatch.chdir(repo)
    write(repo, "a.py", "x = 1\n")
    write(repo, "gone.py", openai_line(96))
    real_open = run_mod.os.open

    def vanishing(path: str, *args: object) -> int:
        if str(path).endswith("gone.py"):
            raise FileNotFoundError(2, "No such file or directory")
        return real_open(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(run_mod.os, "open", vanishing)
    assert main(["a.py", "gone.py"]) == 2
    assert "keylint: error: gone.py: vanished during the scan" in capsys.readouterr().err


def test_an_interrupted_hook_says_so_in_one_line(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from keylint.hooks import precommit

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.chdir(repo)
    monkeypatch.setattr(precommit, "scan_files", interrupted)
    write(repo, "a.py", "x = 1\n")
    assert precommit.main(["a.py"]) == 130
    assert capsys.readouterr().err == "keylint: interrupted\n"


@pytest.mark.parametrize("kind", ["fifo", "socket"])
def test_a_named_path_that_is_no_file_fails_the_hook(work: Path, kind: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket(socket.AF_UNIX) as s:
        if kind == "fifo":
            os.mkfifo("special")
        else:
            s.bind("special")
        assert main(["special"]) == 2
    assert "keylint: error: special: not a regular file" in capsys.readouterr().err
