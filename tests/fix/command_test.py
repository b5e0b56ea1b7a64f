"""`keylint fix` end to end, in real git repositories: files, env file, report, exit codes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from keylint.cli import main
from keylint.fix import dotenv
from tests.fix.util import KEYS, fill, git, git_repo

K, A = KEYS["openai"], KEYS["anthropic"]

APP = '''"""App."""
from openai import OpenAI

client = OpenAI(api_key="<openai>")
'''


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with one committed file holding a key, as the current directory."""
    path = git_repo(tmp_path / "repo")
    (path / "app.py").write_text(fill(APP))
    git(path, "add", "app.py")
    git(path, "commit", "-qm", "init")
    monkeypatch.chdir(path)
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_TOKEN")):
            monkeypatch.delenv(name)
    return path


def _out(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    captured = capsys.readouterr()
    assert K not in captured.out + captured.err and A not in captured.out + captured.err
    return captured.out, captured.err


def test_fix_rewrites_saves_and_reports(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix"]) == 1
    out, _ = _out(capsys)
    assert (repo / "app.py").read_text() == (
        '"""App."""\nimport os\n\nfrom openai import OpenAI\n\n'
        'client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n')
    env = repo / ".env"
    assert stat.S_IMODE(os.stat(env).st_mode) == 0o600
    assert dotenv.read(env) == {"OPENAI_API_KEY": K}
    assert (repo / ".gitignore").read_text() == ".env\n"
    lines = out.splitlines()
    masked = f"OpenAI Project Key {K[:7]}***...{K[-4:]}"
    assert lines[0] == f'app.py:4:26: {masked} -> os.environ["OPENAI_API_KEY"]'
    assert lines[1] == ("keylint fix: rewrote 1 file, 1 key moved; values in .env "
                        "(created with mode 0600; added to .gitignore)")
    assert lines[2].startswith("rotate: OPENAI_API_KEY (OpenAI, ")
    assert "is in the git history of app.py (1 commit)" in lines[2]
    assert lines[2].endswith("rotate it now: https://platform.openai.com/api-keys")
    assert lines[3] == ("keylint fix: .env.example lists OPENAI_API_KEY (names only, no values): "
                        "commit it")
    assert lines[4].startswith("keylint fix: nothing in this project loads .env (")
    assert lines[4].endswith("the program: set -a; . ./.env; set +a")
    assert (repo / ".env.example").read_text().endswith("\nOPENAI_API_KEY=\n")


def test_second_run_is_a_noop(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix"]) == 1
    before = {p.name: p.read_bytes() for p in repo.iterdir() if p.is_file()}
    assert main(["fix"]) == 0
    assert {p.name: p.read_bytes() for p in repo.iterdir() if p.is_file()} == before
    assert capsys.readouterr().out.count("\n") >= 1


def test_diff_writes_nothing_and_masks(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "--diff"]) == 1
    out, err = _out(capsys)
    assert (repo / "app.py").read_text() == fill(APP)
    assert not (repo / ".env").exists() and not (repo / ".gitignore").exists()
    assert '+client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])' in out
    assert f'-client = OpenAI(api_key="{K[:7]}***...{K[-4:]}")' in out
    assert "would rewrite 1 file" in err


def test_diff_masks_allowlisted_and_disabled_keys_in_context_lines(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "pyproject.toml").write_text('[tool.keylint]\ndisable = ["github-token"]\n')
    gh = KEYS["github"]
    (repo / "app.py").write_text(fill(APP) + fill(
        'OTHER = "<anthropic>"  # pragma: allowlist secret\nGH = "<github>"\n'))
    assert main(["fix", "--diff"]) == 1
    out, err = _out(capsys)
    assert gh not in out + err
    assert f' OTHER = "{A[:7]}***...{A[-4:]}"  # pragma: allowlist secret' in out.splitlines()
    assert f' GH = "{gh[:7]}***...{gh[-4:]}"' in out.splitlines()


def test_key_only_in_the_working_tree(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "new.py").write_text(fill('ANTHROPIC_API_KEY = "<anthropic>"\n'))
    assert main(["fix", "new.py"]) == 1
    out, _ = _out(capsys)
    assert "is not in the git history of new.py" in out
    assert (repo / "app.py").read_text() == fill(APP)  # only the named file


def test_same_key_in_two_files_is_one_variable(repo: Path) -> None:
    (repo / "other.py").write_text(fill('HEADERS = {"Authorization": "Bearer <openai>"}\n'))
    (repo / "third.py").write_text(fill('API_KEY = "<openai2>"\n'))
    assert main(["fix"]) == 1
    assert dotenv.read(repo / ".env") == {"OPENAI_API_KEY": K,
                                          "OPENAI_API_KEY_2": KEYS["openai2"]}
    assert "os.environ['OPENAI_API_KEY']" in (repo / "other.py").read_text()


def test_existing_env_value_is_reused_and_a_clash_gets_a_suffix(repo: Path) -> None:
    (repo / ".gitignore").write_text(".env\n")
    (repo / ".env").write_text(f"OPENAI_API_KEY=older\nLLM={K}\n")
    assert main(["fix"]) == 1
    assert 'os.environ["LLM"]' in (repo / "app.py").read_text()
    assert dotenv.read(repo / ".env") == {"OPENAI_API_KEY": "older", "LLM": K}


def test_syntax_error_is_exit_2_and_untouched(repo: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    broken = fill('KEY = "<anthropic>"\ndef (:\n')
    (repo / "broken.py").write_text(broken)
    assert main(["fix"]) == 2
    out, _ = _out(capsys)
    assert (repo / "broken.py").read_text() == broken
    assert "broken.py:1:8: Anthropic API Key" in out and "syntax error at line 2" in out
    assert 'os.environ["OPENAI_API_KEY"]' in (repo / "app.py").read_text()  # others still fixed


def test_fstring_key_next_to_a_field_is_fixed_with_the_other_files(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "banner.py").write_text(fill('user = "me"\nAUTH = f"{user}<anthropic>"\n'))
    assert main(["fix"]) == 1
    _out(capsys)
    assert (repo / "banner.py").read_text() == (
        "import os\n\nuser = \"me\"\nAUTH = f\"{user}{os.environ['ANTHROPIC_API_KEY']}\"\n")
    assert 'os.environ["OPENAI_API_KEY"]' in (repo / "app.py").read_text()
    assert dotenv.read(repo / ".env") == {"OPENAI_API_KEY": K, "ANTHROPIC_API_KEY": A}


def test_a_crash_in_one_file_is_exit_2_and_the_others_are_fixed(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from keylint.fix import api

    real = api.fix_source
    (repo / "bad.py").write_text(fill('ANTHROPIC_API_KEY = "<anthropic>"\n'))

    def crash_on_bad(data: bytes, findings: object, ctx: object, names: object) -> object:
        if b"ANTHROPIC" in data:
            raise AssertionError(A)  # a bug whose message holds the key
        return real(data, findings, ctx, names)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "fix_source", crash_on_bad)
    assert main(["fix"]) == 2
    out, _ = _out(capsys)
    assert (repo / "bad.py").read_text() == fill('ANTHROPIC_API_KEY = "<anthropic>"\n')
    assert f"bad.py:1:22: Anthropic API Key {A[:7]}***...{A[-4:]}: not fixed: internal error " \
        "(AssertionError); file left untouched; please report it" in out
    assert 'os.environ["OPENAI_API_KEY"]' in (repo / "app.py").read_text()
    assert dotenv.read(repo / ".env") == {"OPENAI_API_KEY": K}


def _temp_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.name.endswith(".keylint-tmp"))


def test_a_run_killed_while_writing_the_env_file_leaves_nothing_git_sees(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".gitignore").write_text(".env\n")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-qm", "ignore .env")
    killed = subprocess.run(  # kill -9 once the env file's temp copy is written, before its rename
        [sys.executable, "-c", "import os, sys; os.fsync = lambda fd: os._exit(137); "
         "from keylint.cli import main; sys.exit(main(['fix']))"],
        cwd=repo, capture_output=True, text=True, check=False)
    assert killed.returncode == 137, killed.stderr
    (stale,) = _temp_files(repo)
    assert K in stale.read_text()  # what a killed run really leaves
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(repo, "ls-files", "-co", "--exclude-standard") == ".gitignore\napp.py\n"
    assert not (repo / ".env").exists() and (repo / "app.py").read_text() == fill(APP)

    assert main(["fix"]) == 1
    _, err = _out(capsys)
    assert _temp_files(repo) == []
    assert "keylint: note: removed " in err and "a temp copy of .env left by an interrupted " \
        "keylint fix" in err
    assert dotenv.read(repo / ".env") == {"OPENAI_API_KEY": K}


def test_a_stale_temp_copy_beside_the_env_file_is_removed_outside_git(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    (tmp_path / "app.py").write_text(fill(APP))
    stale = tmp_path / "..env.x1y2z3.keylint-tmp"
    stale.write_text(f"OLD={A}\n")
    kept = tmp_path / ".app.py.x1y2z3.keylint-tmp"  # not the env file's: not ours to remove
    kept.write_text("x = 1\n")
    assert main(["fix"]) == 1
    _, err = _out(capsys)
    assert not stale.exists() and kept.exists()
    assert "keylint: note: removed ..env.x1y2z3.keylint-tmp, a temp copy of .env" in err
    assert dotenv.read(tmp_path / ".env") == {"OPENAI_API_KEY": K}


def test_env_file_failure_leaves_sources_untouched(repo: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "afile").write_text("")
    assert main(["fix", "--env-file", "afile/.env"]) == 2
    assert "no source file was changed" in capsys.readouterr().err
    assert (repo / "app.py").read_text() == fill(APP)


def test_tracked_env_file_is_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".env").write_text("OTHER=1\n")
    git(repo, "add", ".env")
    assert main(["fix"]) == 2
    assert "tracked by git" in capsys.readouterr().err
    assert (repo / "app.py").read_text() == fill(APP)
    assert (repo / ".env").read_text() == "OTHER=1\n"


def test_an_env_file_linked_to_a_tracked_file_is_refused(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "settings.env").write_text("DEBUG=1\n")
    git(repo, "add", "settings.env")
    (repo / ".gitignore").write_text(".env\n")
    (repo / ".env").symlink_to("settings.env")
    assert main(["fix"]) == 2
    _, err = _out(capsys)
    assert "is a symbolic link to" in err and "which is tracked by git" in err
    assert (repo / "settings.env").read_text() == "DEBUG=1\n"
    assert (repo / "app.py").read_text() == fill(APP)


def test_no_env_file_uses_the_environment(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "--no-env-file"]) == 1  # the key is still there
    out, _ = _out(capsys)
    assert "set OPENAI_API_KEY first" in out and (repo / "app.py").read_text() == fill(APP)
    monkeypatch.setenv("MY_OPENAI", K)
    assert main(["fix", "--no-env-file"]) == 1
    assert 'os.environ["MY_OPENAI"]' in (repo / "app.py").read_text()
    assert not (repo / ".env").exists()


LEFT_IN_PLACE = (
    pytest.param("mod.py", "# the old key was <anthropic>\nx = 1\n", "in a comment",
                 id="comment"),
    pytest.param("mod.py", '"""Use <anthropic>."""\nx = 1\n', "in a docstring", id="docstring"),
    pytest.param("mod.py", 'match t:\n    case "<anthropic>":\n        pass\n',
                 "match-case pattern", id="match pattern"),
    pytest.param("tests/test_mod.py", 'def test_x(fake_key="<anthropic>"):\n    pass\n',
                 "plainly fake", id="test fixture"),
    pytest.param("values.yaml", "key: <anthropic>\n", "is reported, not rewritten", id="YAML"),
    pytest.param("mod.py", 'K = "<anthropic>"\ndef (:\n', "syntax error", id="syntax error"),
)


@pytest.mark.parametrize(("name", "source", "reason"), LEFT_IN_PLACE)
@pytest.mark.parametrize("diff", (False, True), ids=("write", "diff"))
def test_a_key_left_in_place_is_never_exit_0(repo: Path, capsys: pytest.CaptureFixture[str],
                                              name: str, source: str, reason: str,
                                              diff: bool) -> None:
    git(repo, "rm", "-q", "app.py")
    (repo / name).parent.mkdir(exist_ok=True)
    (repo / name).write_text(fill(source))
    code = main(["fix", *(["--diff"] if diff else [])])
    out, err = _out(capsys)
    assert code == (2 if reason == "syntax error" else 1)
    assert reason in out + err
    assert (repo / name).read_text() == fill(source)
    if code == 1:
        assert "keylint fix: 1 key left in place: exit 1 until moved by hand" in out + err


@pytest.mark.parametrize("codec", ("utf-16", "utf-32"))
def test_a_key_in_a_utf16_source_is_reported_not_passed(
        repo: Path, capsys: pytest.CaptureFixture[str], codec: str) -> None:
    data = fill('ANTHROPIC_API_KEY = "<anthropic>"\n').encode(codec)  # with its byte-order mark
    (repo / "win.py").write_bytes(data)
    assert main(["fix", "win.py"]) == 1
    out, _ = _out(capsys)
    assert f"win.py:1:22: Anthropic API Key {A[:7]}***...{A[-4:]}: not fixed: the file is " \
        "UTF-16 or UTF-32 encoded" in out
    assert (repo / "win.py").read_bytes() == data


@pytest.mark.parametrize("diff", (False, True), ids=("write", "diff"))
def test_a_key_in_a_named_file_with_a_nul_byte_is_reported_not_passed(
        repo: Path, capsys: pytest.CaptureFixture[str], diff: bool) -> None:
    # The commit hook reads a file with NUL bytes as text and blocks its key; `keylint fix`
    # cannot rewrite such a file, so it must say so and not exit 0 (it used to, silently).
    data = b"\0" * 8 + b"\n" + fill('ANTHROPIC_API_KEY = "<anthropic>"\n').encode()
    (repo / "blob.py").write_bytes(data)
    assert main(["fix", *(["--diff"] if diff else []), "blob.py"]) == 1
    out, err = _out(capsys)
    assert f"blob.py:2:22: Anthropic API Key {A[:7]}***...{A[-4:]}: not fixed: the file has " \
        "NUL bytes (binary)" in out + err
    assert "keylint fix: 1 key left in place: exit 1 until moved by hand" in out + err
    assert (repo / "blob.py").read_bytes() == data
    assert not (repo / ".env").exists()
    assert main(["scan", "--thorough", "--fix", "blob.py"]) == 1
    assert "blob.py:2:22: Anthropic API Key" in _out(capsys)[0].split("keylint: 1 file")[1]
    (repo / "blob.py").write_bytes(b"\0" * 8 + b"\nx = 1\n")
    assert main(["fix", "blob.py"]) == 0  # no key: nothing to say


def test_a_key_in_a_named_file_over_the_default_size_limit_is_reported_not_passed(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The commit hook streams a file over the default max_file_size; fix cannot hold it.
    data = b"# padding line\n" * 750_000 + fill('KEY = "<anthropic>"\n').encode()  # 11 MB
    (repo / "big.py").write_bytes(data)
    assert main(["fix", "big.py"]) == 1
    out, _ = _out(capsys)
    assert f"big.py:750001:8: Anthropic API Key {A[:7]}***...{A[-4:]}: not fixed: the file is " \
        "over the 10,485,760-byte limit (max_file_size)" in out
    assert "keylint fix: 1 key left in place" in out
    assert (repo / "big.py").read_bytes() == data
    # A limit the user set is their choice: the file is skipped and named, as the hook does.
    (repo / "pyproject.toml").write_text("[tool.keylint]\nmax_file_size = 1000\n")
    assert main(["fix", "big.py"]) == 0
    assert "note: big.py: skipped: " in _out(capsys)[1]


def test_a_key_left_next_to_a_fixed_one_still_fails_the_second_run(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "app.py").write_text(fill(APP) + fill("# old: <anthropic>\n"))
    assert main(["fix"]) == 1
    assert main(["fix"]) == 1  # nothing more to rewrite, but the commented key is still there
    out, _ = _out(capsys)
    assert out.splitlines()[-1] == ("keylint fix: 1 key left in place: exit 1 until moved by "
                                    "hand (or, when not a secret, allowlisted)")
    (repo / "app.py").write_text(
        (repo / "app.py").read_text().replace("# old:", "# pragma: allowlist nextline secret\n#"))
    assert main(["fix"]) == 0


def test_a_key_the_fixer_neither_moved_nor_reported_is_exit_1(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from keylint.fix import api
    from keylint.fix.model import SourceFix

    monkeypatch.setattr(api, "fix_source", lambda data, *args: SourceFix(data))
    assert main(["fix"]) == 1
    assert (repo / "app.py").read_text() == fill(APP)


def test_env_file_from_config_and_option(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.keylint]\nenv_file = "config/keys.env"\n')
    (repo / "sub").mkdir()
    (repo / "sub" / "b.py").write_text(fill('B = "<anthropic>"\n'))
    assert main(["fix", "app.py"]) == 1
    assert dotenv.read(repo / "config" / "keys.env") == {"OPENAI_API_KEY": K}
    assert (repo / ".gitignore").read_text() == "config/keys.env\n"
    assert main(["fix", "--env-file", "other.env", "sub"]) == 1
    assert dotenv.read(repo / "other.env") == {"ANTHROPIC_API_KEY": A}


def test_no_secure_string_option(repo: Path) -> None:
    (repo / "keys.py").write_text(fill('OPENAI_API_KEY = "<openai>"\nx = OPENAI_API_KEY\n'))
    assert main(["fix", "--no-secure-string", "keys.py"]) == 1
    assert "SecureString" not in (repo / "keys.py").read_text()


def test_non_python_files_are_reported_not_rewritten(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "rm", "-q", "app.py")
    for name in ("values.yaml", ".env.example", "README.md"):
        (repo / name).write_text(fill("key: <anthropic>\n"))
    assert main(["fix"]) == 1  # reported, and still there
    out, _ = _out(capsys)
    assert out.count("is reported, not rewritten") == 3
    assert (repo / "values.yaml").read_text() == fill("key: <anthropic>\n")


def test_notebook_code_cell(repo: Path) -> None:
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "x", "metadata": {},
                     "outputs": [], "source": [fill('KEY = "<anthropic>"\n')]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (repo / "nb.ipynb").write_text(json.dumps(nb, indent=1) + "\n")
    assert main(["fix", "nb.ipynb"]) == 1
    new = json.loads((repo / "nb.ipynb").read_text())
    assert new["cells"][0]["source"] == ["import os\n", "\n",
                                         'KEY = os.environ["ANTHROPIC_API_KEY"]\n']
    assert dotenv.read(repo / ".env") == {"ANTHROPIC_API_KEY": A}


def test_scan_fix(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--fix"]) == 1
    _out(capsys)
    assert 'os.environ["OPENAI_API_KEY"]' in (repo / "app.py").read_text()
    assert main(["scan"]) == 0


def test_scan_fix_only_fixes_what_the_scan_reported(repo: Path) -> None:
    (repo / "b.py").write_text(fill('B = "<anthropic>"\n'))
    assert main(["scan", "--fix", "b.py"]) == 1
    assert (repo / "app.py").read_text() == fill(APP)
    assert "ANTHROPIC_API_KEY" in (repo / "b.py").read_text()


def test_files_without_findings_are_never_parsed(repo: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import libcst

    (repo / "app.py").write_text("x = 1\n")
    (repo / "b.py").write_text("y = 2\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed a file without findings")

    monkeypatch.setattr(libcst, "parse_module", refuse)
    assert main(["fix"]) == 0


def test_bad_options_are_usage_errors(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["fix", "--env-file", "x", "--no-env-file"])
    assert exc.value.code == 2
    assert main(["fix", "missing.py"]) == 2
    assert "missing.py: no such file or directory" in capsys.readouterr().err


def test_scan_does_not_import_the_fixer() -> None:
    code = ("import sys, keylint.cli as c; c.build_parser(); import keylint.commands.scan; "
            "print(sorted(m for m in sys.modules if m == 'libcst' or m.startswith('keylint.fix')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_file_named_like_an_option_is_a_file_to_fix(repo: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # The keylint-fix hook gets pre-commit's file names with no `--` before them: a file named
    # `--env-file=app.txt` must not send the values to a file that is committed.
    (repo / "--env-file=app.txt").write_text("notes\n")
    assert main(["fix", "--env-file=app.txt", "app.py"]) == 1
    _out(capsys)
    assert not (repo / "app.txt").exists()
    assert dotenv.read(repo / ".env") == {"OPENAI_API_KEY": K}
