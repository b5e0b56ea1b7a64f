"""A file name (or an author name) is never read by GitHub Actions as a workflow command: not as
a text line starting with the path (`::warning::x:1:1: ...`), not through the old `##[...]`
form the runner finds anywhere in a line, not through a line break inside a name."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from keylint.masking import printable, shown_path
from tests.fakes import assignment, fake_key
from tests.gitenv import isolated_git  # noqa: F401 (autouse: git isolated in every test)

RULE = "openai-project-key"
NAMES = [
    "::warning::x",  # a line starting with the path: a warning annotation
    "::stop-commands::tok",  # ... or every later annotation ignored
    "  ::error::x",  # the runner trims leading spaces before it looks
    "##[warning]x.py",  # the old form: found anywhere in a line
    "a\n::add-mask::sk",  # a line break inside the name starts a new line
    "b\r::group::g",  # so does a bare CR (the runner reads lines as .NET's ReadLine does)
    "#\u00ad#[warning]y.py",  # a soft hyphen a culture-aware IndexOf skips
]


def commands(output: str) -> list[str]:
    """The workflow commands GitHub's runner reads in `output` (actions/runner,
    ActionCommand.TryParseV2 then TryParse): a line starting with `::name` after leading
    spaces; else `##[name` anywhere in it (ignorable characters such as a soft hyphen skipped)."""
    found = []
    for line in re.split(r"\r\n|\r|\n", output):
        v2 = line.lstrip()
        if v2.startswith("::") and v2.find("::", 2) >= 0:
            found.append(v2[2:v2.find("::", 2)].split(" ")[0])
            continue
        v1 = re.search(r"#\u00ad*#\u00ad*\[([^\] ]*)", line)
        if v1 is not None and "]" in line[v1.start():]:
            found.append(v1.group(1))
    return found


def test_the_model_of_the_runner_sees_what_it_would() -> None:
    assert commands("::warning::x:1:1: found\n") == ["warning"]
    assert commands("src/##[group]x.py:1:1: found\n") == ["group"]
    assert commands("ok\r::add-mask::x") == ["add-mask"]
    assert commands("src/x.py:1:1: OpenAI Project Key sk-proj***...abcd (openai-project-key)") == []


def test_shown_paths_issue_no_command() -> None:
    for name in NAMES:
        shown = shown_path(name)
        assert commands(f"{shown}:1:1: OpenAI Project Key sk-proj***...abcd (x)") == [], shown
        assert commands(f"keylint: error: {printable(name)}: unreadable") == []
    assert shown_path("::warning::x") == "./::warning::x"  # still a path to the same file
    assert shown_path("src/::warning::x.py") == "src/::warning::x.py"  # no line starts with it


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for i, name in enumerate(NAMES):
        key = fake_key(RULE, 40 + i)
        (tmp_path / name).write_text(assignment(RULE, key) + "\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_report_format_lets_a_file_name_issue_a_command(tree: Path, fmt: str) -> None:
    done = run(tree, "keylint", "scan", "--no-baseline", "--format", fmt, ".")
    assert done.returncode == 1, done.stderr
    issued = commands(done.stdout + done.stderr)
    assert issued == (["error"] * len(NAMES) if fmt == "github" else []), issued
    if fmt == "json":  # each file named as every report shows it
        paths = {r["path"] for r in json.loads(done.stdout)["results"]}
        assert paths == {shown_path(n) for n in NAMES}
    if fmt == "sarif":  # a URI: percent-encoded, the name itself
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads(done.stdout)["runs"][0]["results"]}
        assert uris == {quote(n, safe="/") for n in NAMES}


def test_the_hook_staged_and_history_let_no_name_issue_a_command(tree: Path) -> None:
    subprocess.run(["git", "add", "-A"], cwd=tree, check=True)
    hook = run(tree, "keylint.hooks.precommit", *NAMES)
    staged = run(tree, "keylint", "scan", "--staged")
    subprocess.run(["git", "-c", "user.name=##[warning]author", "commit", "-q", "--no-verify",
                    "-m", "x"], cwd=tree, check=True)
    history = run(tree, "keylint", "scan", "--history")
    audit = run(tree, "keylint", "audit", "--ci", "--allow-unaudited")  # no baseline: exit 2
    for done in (hook, staged, history):
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stdout.count("OpenAI Project Key") == len(NAMES)
    for done in (hook, staged, history, audit):
        assert commands(done.stdout + done.stderr) == [], done.stdout + done.stderr
