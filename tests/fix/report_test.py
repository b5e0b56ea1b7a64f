"""The fix report: masked diffs, rotation advice with the rules' URLs, manual suggestions."""

from __future__ import annotations

import pytest

from keylint.fix import report
from keylint.scanner.engine import scan_text
from tests.fix.util import KEYS, fill


def _finding(line: str, path: str = "app.py"):  # type: ignore[no-untyped-def]
    (f,) = scan_text(fill(line), path)
    return f


def test_masked_diff_shows_lookups_never_the_key() -> None:
    old = fill('K = "<openai>"\nx = 1\n').encode()
    new = b'K = os.environ["OPENAI_API_KEY"]\nx = 1\n'
    diff = report.masked_diff(old, new, "app.py", [KEYS["openai"]])
    assert KEYS["openai"] not in diff
    assert diff.splitlines() == [
        "--- a/app.py", "+++ b/app.py", "@@ -1,2 +1,2 @@",
        f'-K = "{report.mask(KEYS["openai"])}"', '+K = os.environ["OPENAI_API_KEY"]', " x = 1"]


def test_masked_diff_masks_keys_the_fix_was_not_told_about() -> None:
    a, g, h = KEYS["anthropic"], KEYS["github"], KEYS["hf"]
    template = ('A = "<anthropic>"  # pragma: allowlist secret\n'
                '# pragma: allowlist nextline secret\nG = "<github>"\nK = {k}\n'
                'H = ("{h1}"\n     "{h2}")\n')
    old = fill(template.format(h1=h[:9], h2=h[9:], k='"<openai>"')).encode()
    new = fill(template.format(h1=h[:9], h2=h[9:], k='os.environ["OPENAI_API_KEY"]')).encode()
    diff = report.masked_diff(old, new, "app.py", [KEYS["openai"]])
    for raw in (KEYS["openai"], a, g, h, h[:9], h[9:]):
        assert raw not in diff
    lines = diff.splitlines()
    assert f' A = "{report.mask(a)}"  # pragma: allowlist secret' in lines
    assert f' G = "{report.mask(g)}"' in lines
    at = lines.index(f' H = ("{report.mask(h)}')  # the split key, masked once, whole
    assert lines[at + 1] == ' ")'  # and the file keeps its lines


@pytest.mark.parametrize(("commits", "expected"), (
    pytest.param(2, "is in the git history of app.py (2 commits): it stays readable there "
                    "after this fix; rotate it now: https://platform.openai.com/api-keys",
                 id="committed"),
    pytest.param(0, "is not in the git history of app.py; commit the fix before the key, and "
                    "rotate it if it was ever committed elsewhere or shared: "
                    "https://platform.openai.com/api-keys", id="never committed"),
    pytest.param(None, "app.py is not in a git repository; if the key was ever committed or "
                       "shared, rotate it: https://platform.openai.com/api-keys", id="no git"),
))
def test_rotation_line(commits: int | None, expected: str) -> None:
    f = _finding('K = "<openai>"')
    line = report.rotation_line(report.Rotation(f, "OPENAI_API_KEY", ("app.py",), commits))
    assert line.startswith(f"rotate: OPENAI_API_KEY (OpenAI, {f.masked})")
    assert line.endswith(expected)
    assert KEYS["openai"] not in line


@pytest.mark.parametrize(("path", "expected"), (
    pytest.param("deploy/values.yaml", "YAML is reported, not rewritten: use a reference the "
                 "tool expands, such as ${OPENAI_API_KEY}, with the value in the env file",
                 id="yaml"),
    pytest.param(".env.example", "an env template is reported, not rewritten: put a "
                 "placeholder there (OPENAI_API_KEY=your-key-here)", id="env template"),
    pytest.param("README.md", "documentation is reported, not rewritten: replace the key with "
                 "a placeholder such as <OPENAI_API_KEY>", id="markdown"),
    pytest.param("settings.json", "JSON is reported, not rewritten: move the value to "
                 "OPENAI_API_KEY in the env file", id="json"),
    pytest.param("run.sh", 'use "$OPENAI_API_KEY"', id="shell"),
    pytest.param("Dockerfile", "a non-Python file is reported, not rewritten", id="other"),
))
def test_manual_fix(path: str, expected: str) -> None:
    assert expected in report.manual_fix(path, _finding('K = "<openai>"', path))


def test_summary_lines() -> None:
    assert report.summary(2, 3, 1, ".env", diff=False, created=True, gitignore=".gitignore") == (
        "keylint fix: rewrote 2 files, 3 keys moved, 1 not fixed; values in .env "
        "(created with mode 0600; added to .gitignore)")
    assert report.summary(1, 1, 0, ".env", diff=True, created=False, gitignore=None) == (
        "keylint fix: would rewrite 1 file, 1 key moved (--diff: nothing written)")


def test_masked_diff_masks_a_key_in_the_file_name() -> None:
    path = f"keys/{KEYS['openai']}.py"
    diff = report.masked_diff(b"x = 1\n", b"x = 2\n", path, [])
    assert KEYS["openai"] not in diff
    assert diff.splitlines()[0] == f"--- a/keys/{report.mask(KEYS['openai'])}.py"
