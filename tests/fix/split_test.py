"""Keys split across string literals that Python joins: found, reported, never passed."""

from __future__ import annotations

from pathlib import Path

import pytest

from keylint.cli import main
from keylint.fix.split import REASON, split_keys
from keylint.scanner.engine import detector_for
from tests.fix.util import KEYS, git, git_repo

K = KEYS["openai"]
H1, H2 = K[:20], K[20:]

FOUND = (
    pytest.param(f'K = "{H1}" + "{H2}"\n', (1, 6, 1, 6 + len(K) + 5), id="plus"),
    pytest.param(f'K = ("{H1}"\n     "{H2}")\n', (1, 7, 2, 7 + len(H2)), id="implicit, two lines"),
    pytest.param(f'K = ("{H1}"  # first half\n     # more\n     rf"{H2}")\n',
                 (1, 7, 3, 9 + len(H2)), id="comments between, prefixes"),
    pytest.param(f'K = "{H1}" \\\n    "{H2}"\n', (1, 6, 2, 6 + len(H2)), id="backslash"),
    pytest.param(f'x = "\u00e9" + \'{H1}\' "{H2}"\n', (1, 12, 1, 12 + len(K) + 3),
                 id="columns in characters, mixed quotes"),
)


@pytest.mark.parametrize(("source", "span"), FOUND)
def test_found(source: str, span: tuple[int, int, int, int]) -> None:
    (f,) = split_keys(source.encode(), "m.py", detector_for())
    assert f.secret == K and f.rule_id == "openai-project-key"
    assert (f.line, f.column, f.end_line, f.end_column) == span


NOT_FOUND = (
    pytest.param(f'K = "{K}"\n', id="whole: the scanner's"),
    pytest.param(f'K = "{K}" "suffix"\n', id="whole, with a literal after it"),
    pytest.param(f'K = "{H1}" + "{H2}"  # pragma: allowlist secret\n', id="pragma"),
    pytest.param(f'# pragma: allowlist nextline secret\nK = "{H1}" + "{H2}"\n',
                 id="nextline pragma"),
    pytest.param(f'a = "{H1}"\nb = "{H2}"\n', id="two statements"),
    pytest.param(f'K = ["{H1}", "{H2}"]\n', id="list items"),
)


@pytest.mark.parametrize("source", NOT_FOUND)
def test_not_found(source: str) -> None:
    assert split_keys(source.encode(), "m.py", detector_for()) == []


@pytest.mark.parametrize("diff", (False, True), ids=("write", "diff"))
def test_fix_reports_a_split_key_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str],
                                             diff: bool) -> None:
    repo = git_repo(tmp_path / "repo")
    source = f'OPENAI_API_KEY = ("{H1}"\n                  "{H2}")\n'
    (repo / "app.py").write_text(source)
    git(repo, "add", "app.py")
    monkeypatch.chdir(repo)
    assert main(["fix", *(["--diff"] if diff else [])]) == 1
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert H1 not in text and H2 not in text and K not in text
    assert f"app.py:1:20: OpenAI Project Key {K[:7]}***...{K[-4:]}: not fixed: {REASON}" in text
    assert (repo / "app.py").read_text() == source
    assert not (repo / ".env").exists()


def test_a_comment_full_of_hashes_is_one_gap() -> None:
    # A gap pattern that could cut `# # # ...` in many ways backtracks exponentially here.
    source = b'K = ("a"  # ' + b"# " * 64 + b'\n     "b")\n'
    assert split_keys(source, "m.py", detector_for()) == []
