"""The env file: values round-trip, appends are atomic and private, git ignores the file."""

from __future__ import annotations

import io
import os
import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from keylint.errors import KeylintError
from keylint.fix import dotenv
from tests.fix.util import KEYS, git, git_repo


@pytest.mark.parametrize(("value", "written"), (
    pytest.param("sk-abc_123/+=", "sk-abc_123/+=", id="plain stays bare"),
    pytest.param("p@ss word#1$", "'p@ss word#1$'", id="spaces, # and $ go in single quotes"),
    pytest.param("it's", '"it\'s"', id="single quote: double quotes"),
    pytest.param("a\\b$c`d\"e", "'a\\b$c`d\"e'", id="backslash, $, backtick, \" in single quotes"),
    pytest.param("l1\nl2", "'l1\nl2'", id="newline kept, in single quotes"),
    pytest.param("0\n", "'0\n'", id="a final newline is quoted, not dropped"),
    pytest.param("~user", "'~user'", id="tilde quoted against shell expansion"),
))
def test_quoting(value: str, written: str) -> None:
    assert dotenv.quote_value(value) == written
    assert dotenv.parse(f"K={written}\n") == {"K": value}


@pytest.mark.parametrize("value", (
    "a'${B}\n", "bell\x07", "it's$HOME", "it's`x`", "it's\\", 'it\'s"', "a\\\\b$", "$end\\",
    "cr\r",
))
def test_unrepresentable_values_are_refused(value: str) -> None:
    assert dotenv.quote_value(value) is None and not dotenv.representable(value)


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1))
@example("0\n")  # a bare-looking value with a final newline (once found ~1 run in 5)
def test_any_representable_value_round_trips(value: str) -> None:
    if dotenv.representable(value):
        text = dotenv.render([dotenv.Entry("NAME", value, "a.py:1")])
        assert dotenv.parse("OTHER=1\n" + text) == {"OTHER": "1", "NAME": value}


TRICKY = ("Zq8\\Rk$ePw3nVb7", "a`id`b", 'say "hi" $x', "p\\'x", "it's ok", "tab\there",
          "$(rm -rf x)", "${HOME}", "x #not a comment", "l1\nl2 $x", "back\\slash\\\\double",
          "0\n", "sk-abc\n\n")


@pytest.mark.parametrize("value", TRICKY)
def test_shell_and_python_dotenv_read_back_what_was_written(tmp_path: Path, value: str) -> None:
    """`set -a; . ./.env` and python-dotenv both read the value as written, or it is refused."""
    from dotenv import dotenv_values

    if not dotenv.representable(value):
        assert dotenv.refusal(value)
        return
    env = tmp_path / ".env"
    env.write_text(dotenv.render([dotenv.Entry("NAME", value, "a.py:1")]))
    shell = subprocess.run(["sh", "-c", 'set -a; . ./.env; printf %s "$NAME"'], cwd=tmp_path,
                           capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin"})
    assert shell.stdout == value
    assert dotenv_values(env) == {"NAME": value}
    assert dotenv.read(env) == {"NAME": value}


def test_a_single_quote_with_a_dollar_is_refused_not_mangled() -> None:
    assert dotenv.refusal("it's$HOME") is not None
    assert dotenv.refusal("Zq8\\Rk$ePw3nVb7") is None


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1))
@example("0\n")  # a bare-looking value with a final newline (once found ~1 run in 5)
@example("sk-abc_123\n")
def test_python_dotenv_reads_every_written_value(value: str) -> None:
    from dotenv import dotenv_values

    if dotenv.representable(value):
        text = dotenv.render([dotenv.Entry("NAME", value, "a.py:1")])
        assert dotenv_values(stream=io.StringIO(text)) == {"NAME": value}


def test_pem_round_trips() -> None:
    text = dotenv.render([dotenv.Entry("PRIVATE_KEY", KEYS["pem"], "k.py:1")])
    assert text.splitlines()[1].startswith("PRIVATE_KEY='-----BEGIN")  # literal lines
    assert dotenv.parse(text) == {"PRIVATE_KEY": KEYS["pem"]}


def test_parse_reads_common_forms() -> None:
    text = "# c\nexport A=1\nB = 'two words'  \nC=\"x\\ty\" # note\nD=bare # comment\n\nnot a line\n"
    assert dotenv.parse(text) == {"A": "1", "B": "two words", "C": "x\ty", "D": "bare"}


def test_append_creates_a_private_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    assert dotenv.append(env, [dotenv.Entry("A", "1", "x.py:3")]) is True
    assert stat.S_IMODE(os.stat(env).st_mode) == 0o600
    assert env.read_text() == "# moved by keylint fix from x.py:3\nA=1\n"
    assert dotenv.append(env, [dotenv.Entry("B", "2", "y.py:4")]) is False
    assert dotenv.read(env) == {"A": "1", "B": "2"}
    assert [p.name for p in tmp_path.iterdir()] == [".env"]  # no temp file left behind


def test_append_keeps_an_existing_mode_and_adds_a_missing_newline(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("OLD=1")
    env.chmod(0o640)
    dotenv.append(env, [dotenv.Entry("NEW", "2", "z.py:1")])
    assert env.read_text().startswith("OLD=1\n# moved")
    assert stat.S_IMODE(os.stat(env).st_mode) == 0o640


def test_append_failure_raises_and_leaves_the_file(tmp_path: Path) -> None:
    env = tmp_path / "dir.env"
    env.mkdir()  # a directory where the file should be
    with pytest.raises(KeylintError, match="no source file was changed"):
        dotenv.append(env, [dotenv.Entry("A", "1", "x.py:1")])
    assert env.is_dir()


def test_read_missing_file_is_empty(tmp_path: Path) -> None:
    assert dotenv.read(tmp_path / ".env") == {}


def test_ensure_ignored_adds_a_gitignore_line(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / ".gitignore").write_text("*.pyc")
    changed = dotenv.ensure_ignored(repo / ".env")
    assert changed == repo / ".gitignore"
    assert (repo / ".gitignore").read_text() == "*.pyc\n.env\n"
    assert dotenv.ensure_ignored(repo / ".env") is None  # already ignored now


def test_ensure_ignored_for_a_nested_env_file(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "config").mkdir()
    dotenv.ensure_ignored(repo / "config" / "secrets.env")
    assert (repo / ".gitignore").read_text() == "config/secrets.env\n"
    git(repo, "check-ignore", "-q", "config/secrets.env")  # raises if not ignored


def test_ensure_ignored_outside_git_does_nothing(tmp_path: Path) -> None:
    assert dotenv.ensure_ignored(tmp_path / ".env") is None
    assert not (tmp_path / ".gitignore").exists()


def test_a_tracked_env_file_is_refused(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / ".env").write_text("A=1\n")
    git(repo, "add", ".env")
    with pytest.raises(KeylintError, match="tracked by git"):
        dotenv.ensure_ignored(repo / ".env")


@pytest.mark.parametrize("link_ignored", (False, True), ids=("link not ignored", "link ignored"))
def test_a_symlink_to_a_tracked_file_is_refused(tmp_path: Path, link_ignored: bool) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "config").mkdir()
    (repo / "config" / "settings.env").write_text("DEBUG=1\n")
    git(repo, "add", "config/settings.env")
    (repo / ".env").symlink_to("config/settings.env")
    if link_ignored:
        (repo / ".gitignore").write_text(".env\n")
    with pytest.raises(KeylintError, match=r"\.env: the env file is a symbolic link to .*"
                                           r"settings\.env, which is tracked by git.*"
                                           r"`git rm --cached config/settings\.env`"):
        dotenv.ensure_ignored(repo / ".env")
    assert (repo / ".gitignore").exists() == link_ignored


def test_a_symlink_to_a_tracked_file_of_another_repository_is_refused(tmp_path: Path) -> None:
    repo, other = git_repo(tmp_path / "repo"), git_repo(tmp_path / "other")
    (other / "shared.env").write_text("")
    git(other, "add", "shared.env")
    (repo / ".env").symlink_to(other / "shared.env")
    with pytest.raises(KeylintError, match="which is tracked by git"):
        dotenv.ensure_ignored(repo / ".env")


def test_a_symlink_to_an_untracked_file_gets_both_ignored(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "private").mkdir()
    (repo / ".env").symlink_to("private/keys.env")
    assert dotenv.ensure_ignored(repo / ".env") == repo / ".gitignore"
    assert (repo / ".gitignore").read_text() == ".env\nprivate/keys.env\n"


def test_a_negated_ignore_rule_is_reported(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "sub").mkdir()  # a nested .gitignore re-includes what the root one ignores
    (repo / "sub" / ".gitignore").write_text("!.env\n")
    with pytest.raises(KeylintError, match="still not ignored"):
        dotenv.ensure_ignored(repo / "sub" / ".env")


def test_a_symlinked_env_file_keeps_its_link(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    target = tmp_path / "store" / "project.env"
    target.write_text("A=1\n")
    link = tmp_path / ".env"
    link.symlink_to(target)
    dotenv.append(link, [dotenv.Entry("B", "2", "x.py:1")])
    assert link.is_symlink()
    assert dotenv.read(target) == {"A": "1", "B": "2"}


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_an_env_file_that_is_no_file_is_refused_before_it_is_read(tmp_path: Path,
                                                                  special: str) -> None:
    """`env_file` is the repository's to set: a FIFO blocked `keylint fix` forever, and
    /dev/zero read until memory ran out."""
    path = tmp_path / "fifo" if special == "fifo" else Path(special)
    if special == "fifo":
        os.mkfifo(path)
    for call in (lambda: dotenv.read(path), lambda: dotenv.append(path, [dotenv.Entry("A", "1", "x.py:1")])):
        with pytest.raises(KeylintError, match="cannot read the env file: not a regular file"):
            call()


def test_a_device_is_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.env"
    os.mkfifo(fifo)
    with pytest.raises(KeylintError, match="not a regular file"):
        dotenv.write_atomic(fifo, b"A=1\n", 0o600)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def _hold(directory: Path) -> int:
    import fcntl

    fd = os.open(directory, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def test_the_lock_waits_for_the_holder_and_says_so_once(tmp_path: Path) -> None:
    fd = _hold(tmp_path)
    waits: list[str] = []
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            os.close(fd)  # the other run finishes

    with dotenv.locked(tmp_path / ".env", on_wait=lambda: waits.append("waiting"),
                       clock=lambda: 0.0, sleep=sleep), pytest.raises(BlockingIOError):
        _hold(tmp_path)  # held now, by this run
    assert waits == ["waiting"] and len(slept) == 3
    os.close(_hold(tmp_path))  # and released after the block


def test_a_lock_held_too_long_is_a_one_line_error(tmp_path: Path) -> None:
    fd = _hold(tmp_path)
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    try:
        with pytest.raises(KeylintError, match=r"another keylint fix has held the lock on .* for "
                                               r"2 s .*no source file was changed"), \
                dotenv.locked(tmp_path / ".env", wait=2.0, clock=lambda: now[0], sleep=sleep):
            raise AssertionError("entered without the lock")
    finally:
        os.close(fd)
    assert now[0] == pytest.approx(2.0)


def test_the_lock_follows_a_symlinked_env_file(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / ".env").write_text("")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / ".env").symlink_to(tmp_path / "real" / ".env")
    with dotenv.locked(tmp_path / "repo" / ".env"):
        with pytest.raises(BlockingIOError):
            _hold(tmp_path / "real")
        os.close(_hold(tmp_path / "repo"))  # the link's own directory is not the one locked


def test_the_env_temp_copy_goes_in_the_git_directory(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    repo = git_repo(tmp_path / "repo")
    seen: list[str] = []
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        seen.append(os.path.relpath(src, repo))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    dotenv.append(repo / ".env", [dotenv.Entry("K", "v", "m.py")])
    (tmp,) = seen
    assert tmp.startswith(".git/..env.") and tmp.endswith(".keylint-tmp")
    assert dotenv.read(repo / ".env") == {"K": "v"}


def test_another_file_system_falls_back_to_beside_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    repo = git_repo(tmp_path / "repo")
    real_replace = os.replace
    tried: list[str] = []

    def replace(src: str, dst: str) -> None:
        tried.append(os.path.dirname(os.path.relpath(src, repo)))
        if "/.git/" in src:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    dotenv.append(repo / ".env", [dotenv.Entry("K", "v", "m.py")])
    assert tried == [".git", ""]
    assert dotenv.read(repo / ".env") == {"K": "v"}
    assert [p.name for p in repo.rglob("*.keylint-tmp")] == []


def test_stale_copies_of_another_env_file_are_not_touched(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "sub").mkdir()
    git_dir = repo / ".git"
    mine = dotenv._tmp_prefix(repo / ".env", git_dir) + "abc.keylint-tmp"
    theirs = dotenv._tmp_prefix(repo / "sub" / ".env", git_dir) + "abc.keylint-tmp"
    assert mine != theirs
    for name in (mine, theirs):
        (git_dir / name).write_text("K=v\n")
    assert dotenv.remove_stale(repo / ".env") == [git_dir / mine]
    assert (git_dir / theirs).exists()
