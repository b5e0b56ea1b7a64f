from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from keylint.scanner.files import discover


def names(paths: list[str], root: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    targets, _ = discover(paths, exclude, cwd=str(root))
    return sorted(t.display for t in targets)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("x = 1\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.py").write_text("x = 1\n")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.log").write_text("x\n")
    (tmp_path / "logs" / "keep.log").write_text("x\n")
    (tmp_path / ".gitignore").write_text("build/\n*.log\n!keep.log\n")
    (tmp_path / "src" / ".gitignore").write_text("secret_*.py\n")
    (tmp_path / "src" / "secret_local.py").write_text("x = 1\n")
    return tmp_path


def test_walk_outside_git_honours_nested_gitignores(tree: Path) -> None:
    assert names([str(tree)], tree) == [".gitignore", "logs/keep.log", "src/.gitignore", "src/app.py"]


def test_git_repository_lists_tracked_and_untracked_not_ignored(tree: Path) -> None:
    git(tree, "init", "-q")
    git(tree, "add", "src/app.py")
    (tree / "new.py").write_text("y = 2\n")
    assert names([str(tree)], tree) == [".gitignore", "logs/keep.log", "new.py", "src/.gitignore",
                                        "src/app.py"]


@pytest.mark.parametrize("how", ["subdirectory", "symlink", "gitfile", "GIT_DIR"])
def test_a_tree_inside_a_work_tree_is_listed_by_git_however_it_is_reached(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    # git knows what the walk cannot (.git/info/exclude): the tree is listed by git whether
    # the path named is under the work tree, reached through a symlink from outside, in a
    # linked worktree (a `.git` file) or in a repository $GIT_DIR names.
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "pkg" / "app.py").write_text("x = 1\n")
    (repo / "pkg" / "local.py").write_text("x = 1\n")
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("local.py\n")
    named = repo / "pkg"
    if how == "symlink":
        named = tmp_path / "elsewhere"
        named.symlink_to(repo / "pkg")
    elif how == "gitfile":
        git(repo, "add", "pkg/app.py")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a")
        git(repo, "worktree", "add", "-q", str(tmp_path / "linked"))
        (tmp_path / "linked" / "pkg" / "local.py").write_text("x = 1\n")
        named = tmp_path / "linked" / "pkg"
    elif how == "GIT_DIR":
        named = tmp_path / "work"
        named.mkdir()
        (named / "app.py").write_text("x = 1\n")
        (named / "local.py").write_text("x = 1\n")
        monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
        monkeypatch.setenv("GIT_WORK_TREE", str(named))
    assert [Path(n).name for n in names([str(named)], tmp_path)] == ["app.py"]


def test_excludes_are_gitignore_patterns(tree: Path) -> None:
    assert names([str(tree)], tree, ("src/",)) == [".gitignore", "logs/keep.log"]


def test_a_file_named_explicitly_is_scanned_even_if_ignored(tree: Path) -> None:
    assert names([str(tree / "build" / "out.py")], tree) == ["build/out.py"]


def test_symlinks_leaving_the_tree_and_broken_ones_are_skipped_with_a_note(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("x\n")
    (root / "in.txt").write_text("x\n")
    os.symlink(outside, root / "escape.txt")
    os.symlink(root / "missing.txt", root / "broken.txt")
    os.symlink(root / "in.txt", root / "alias.txt")
    targets, problems = discover([str(root)], (), cwd=str(root))
    assert sorted(t.display for t in targets) == ["alias.txt", "in.txt"]
    assert sorted((p.display, p.reason) for p in problems) == [
        ("broken.txt", "broken symlink"), ("escape.txt", "symlink leaves the scanned tree")]


def test_missing_path_is_an_error_and_the_rest_is_listed(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x\n")
    targets, problems = discover([str(tmp_path / "a.py"), str(tmp_path / "nope")], (),
                                 cwd=str(tmp_path))
    assert [t.display for t in targets] == ["a.py"]
    assert [(p.display, p.reason, p.error) for p in problems] == [
        ("nope", "no such file or directory", True)]


def test_submodules_and_nested_repositories_are_listed(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "top.py").write_text("x\n")
    nested = tmp_path / "vendor" / "lib"
    nested.mkdir(parents=True)
    git(nested, "init", "-q")
    (nested / "inner.py").write_text("x\n")
    (nested / ".gitignore").write_text("ignored.py\n")
    (nested / "ignored.py").write_text("x\n")
    assert names([str(tmp_path)], tmp_path) == ["top.py", "vendor/lib/.gitignore",
                                                 "vendor/lib/inner.py"]


def test_paths_outside_the_current_directory_are_absolute(tmp_path: Path) -> None:
    f = tmp_path / "a.py"
    f.write_text("x\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    targets, _ = discover([str(f)], (), cwd=str(sub))
    assert targets[0].display == str(f)


def test_a_directory_git_ignores_entirely_is_named_not_silently_clean(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.js").write_text("x\n")
    targets, problems = discover([str(tmp_path / "build")], (), cwd=str(tmp_path))
    assert targets == []
    assert [(p.display, p.error) for p in problems] == [("build", False)]
    assert "ignored by git" in problems[0].reason


def _repo_with_submodule(tmp_path: Path) -> Path:
    """A repository with a submodule at vendor/sub (checked out, with one file)."""
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    git(upstream, "init", "-q")
    (upstream / "lib.py").write_text("x = 1\n")
    git(upstream, "add", "lib.py")
    git(upstream, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "lib")
    top = tmp_path / "top"
    top.mkdir()
    git(top, "init", "-q")
    (top / "app.py").write_text("x = 1\n")
    git(top, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(upstream), "vendor/sub")
    return top


def test_an_initialised_submodule_is_listed_through_its_own_git(tmp_path: Path) -> None:
    top = _repo_with_submodule(tmp_path)
    assert names([str(top)], top) == [".gitmodules", "app.py", "vendor/sub/lib.py"]


def test_an_uninitialised_submodule_does_not_recurse_and_is_noted(tmp_path: Path) -> None:
    # A gitlink whose directory is empty: `git -C vendor/sub ls-files` answers for the enclosing
    # repository and lists the gitlink itself as `./`, which used to recurse without end.
    top = _repo_with_submodule(tmp_path)
    git(top, "submodule", "deinit", "-q", "-f", "vendor/sub")
    assert os.listdir(top / "vendor" / "sub") == []
    for given in (str(top), str(top / "vendor" / "sub")):
        targets, problems = discover([given], (), cwd=str(top))
        assert sorted(t.display for t in targets) == ([".gitmodules", "app.py"]
                                                      if given == str(top) else [])
        assert [(p.display, p.error) for p in problems] == [("vendor/sub", False)]
        assert "submodule not checked out" in problems[0].reason


def test_files_in_a_gitlink_directory_without_its_own_git_are_walked(tmp_path: Path) -> None:
    # Files dropped into a gitlink's directory (its .git gone): git lists none of them, so they
    # are walked like a tree outside git rather than skipped.
    top = _repo_with_submodule(tmp_path)
    git(top, "submodule", "deinit", "-q", "-f", "vendor/sub")
    (top / "vendor" / "sub" / "copied.py").write_text("x = 1\n")
    assert names([str(top)], top) == [".gitmodules", "app.py", "vendor/sub/copied.py"]


def _denied(monkeypatch: pytest.MonkeyPatch, name: str, path: Path) -> None:
    """`os.<name>(path)` raises PermissionError, as for a user who may not read it (tests run
    as root here, and root reads everything)."""
    real = getattr(os, name)

    def fake(p: Any, *args: Any, **kwargs: Any) -> Any:
        if os.path.abspath(os.fspath(p)) == str(path):
            raise PermissionError(13, "Permission denied", os.fspath(p))
        return real(p, *args, **kwargs)

    monkeypatch.setattr(os, name, fake)


def test_a_tracked_file_that_cannot_be_stat_ed_is_an_error_not_a_deletion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "t.py").write_text("x\n")
    (tmp_path / "gone.py").write_text("x\n")
    (tmp_path / "ok.py").write_text("x\n")
    git(tmp_path, "add", ".")
    (tmp_path / "gone.py").unlink()  # deleted from the work tree: nothing to scan, no news
    _denied(monkeypatch, "lstat", tmp_path / "locked" / "t.py")
    targets, problems = discover([str(tmp_path)], (), cwd=str(tmp_path))
    assert [t.display for t in targets] == ["ok.py"]
    assert [(p.display, p.reason, p.error) for p in problems] == [
        ("locked/t.py", "unreadable: Permission denied", True)]


def test_a_directory_the_walk_cannot_list_is_an_error(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _denied(monkeypatch, "scandir", tree / "src")
    targets, problems = discover([str(tree)], (), cwd=str(tree))
    assert sorted(t.display for t in targets) == [".gitignore", "logs/keep.log"]
    assert [(p.display, p.reason, p.error) for p in problems] == [
        ("src", "cannot list this directory: Permission denied", True)]


def test_the_named_directory_itself_unlistable_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text("x\n")
    _denied(monkeypatch, "scandir", tmp_path)
    targets, problems = discover([str(tmp_path)], (), cwd=str(tmp_path))
    assert targets == []
    assert [(p.display, p.error) for p in problems] == [(".", True)]


def test_a_directory_git_cannot_open_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # git lists untracked files by reading directories, and only warns about one it cannot open.
    # Root opens everything, so git's warning (paths relative to the top level) is simulated.
    git(tmp_path, "init", "-q")
    sub = tmp_path / "sub"
    (sub / "locked").mkdir(parents=True)
    (sub / "a.py").write_text("x\n")
    real = subprocess.run

    def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        out: subprocess.CompletedProcess[bytes] = real(cmd, **kwargs)
        if "ls-files" in cmd:
            out.stderr += (b"warning: could not open directory 'sub/locked/': Permission denied\n"
                           b"warning: could not open directory 'sub/': Permission denied\n")
        return out

    monkeypatch.setattr(subprocess, "run", run)
    targets, problems = discover([str(sub)], (), cwd=str(tmp_path))
    assert [t.display for t in targets] == ["sub/a.py"]
    assert [(p.display, p.reason, p.error) for p in problems] == [
        ("sub/locked", "cannot list this directory: Permission denied", True),
        ("sub", "cannot list this directory: Permission denied", True)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every directory")
@pytest.mark.parametrize("in_git", (False, True), ids=("walk", "git"))
def test_unreadable_directories_are_errors(tmp_path: Path, in_git: bool) -> None:
    if in_git:
        git(tmp_path, "init", "-q")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "t.py").write_text("x\n")
    if in_git:
        git(tmp_path, "add", ".")
    (tmp_path / "locked").chmod(0)
    try:
        _, problems = discover([str(tmp_path)], (), cwd=str(tmp_path))
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert ("locked", True) in [(p.display, p.error) for p in problems]


def test_scan_exits_2_naming_what_it_could_not_list(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from keylint.cli import main

    monkeypatch.chdir(tree)
    _denied(monkeypatch, "scandir", tree / "src")
    assert main(["scan", "."]) == 2
    assert "keylint: error: src: cannot list this directory: Permission denied\n" in (
        capsys.readouterr().err)


def test_a_named_file_under_an_unreadable_directory_is_unreadable_not_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 9, item 22: the hook said "no such file" for a file it could not reach."""
    import os as os_mod

    target = tmp_path / "locked" / "app.py"
    target.parent.mkdir()
    target.write_text("x = 1\n")
    real = os_mod.stat

    def denied(path: object, *args: object, **kwargs: object) -> os_mod.stat_result:
        if str(path).endswith("locked/app.py"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os_mod, "stat", denied)
    targets, problems = discover([str(target)], (), cwd=str(tmp_path))
    assert targets == []
    assert [(p.display, p.reason, p.error) for p in problems] == [
        ("locked/app.py", "unreadable: Permission denied", True)]
