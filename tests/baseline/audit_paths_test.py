"""File names in `keylint audit` (issue 9, items 14 and 22): a key in a file name or in the
baseline's path is shown masked in every format, and an entry whose file name leaves the
repository (absolute, `..`, a symlink) is refused with a one-line note, its file never read."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from urllib.parse import quote

import pytest

from keylint.baseline import audit
from keylint.masking import mask
from tests.baseline.helpers import doc, line, run, write
from tests.fakes import fake_key


@pytest.mark.parametrize(("name", "outside"), (
    pytest.param("app.py", False, id="plain"),
    pytest.param("src/app.py", False, id="nested"),
    pytest.param("./src/app.py", False, id="dot"),
    pytest.param("../app.py", True, id="parent"),
    pytest.param("src/../../app.py", True, id="parent inside"),
    pytest.param("src/../app.py", True, id="any dot-dot (never needed in a baseline)"),
    pytest.param("/etc/passwd", True, id="absolute"),
    pytest.param("", True, id="empty"),
))
def test_outside_repository(tree: Path, name: str, outside: bool) -> None:
    assert audit.outside_repository(name) is outside


def test_a_symlink_that_leaves_the_repository_is_outside(tree: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tree / "link").symlink_to(tmp_path / "elsewhere")
    assert audit.outside_repository("link/secret.py") is True
    (tree / "inner").mkdir()
    (tree / "link2").symlink_to(tree / "inner")
    assert audit.outside_repository("link2/app.py") is False


def _baseline_naming(tree: Path, names: list[str]) -> Path:
    """A baseline whose one entry is copied under each of `names` (as a hand-edited or hostile
    baseline would name files)."""
    write(tree, "app.py", line("github-token", 1))
    assert run("baseline", "create", "--jobs", "1") == 0
    path = tree / ".secrets.baseline"
    data = doc(path)
    entry = data["results"].pop("app.py")[0]
    for name in names:
        data["results"][name] = [dict(entry, filename=name)]
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def test_interactive_audit_refuses_files_outside_the_repository(tree: Path,
                                                                 tmp_path: Path) -> None:
    secret_line = line("github-token", 1)
    (tmp_path / "outside.py").write_text("OUTSIDE-CONTEXT = 1\n" + secret_line, encoding="utf-8")
    absolute = str(tmp_path / "outside.py")
    path = _baseline_naming(tree, ["../outside.py", absolute])
    out = io.StringIO()
    assert audit.session(path, None, io.StringIO("s\ns\n"), out) == 0
    text = out.getvalue()
    assert text.count(audit.REFUSED) == 2
    assert "OUTSIDE-CONTEXT" not in text and "(line" not in text
    assert len(audit.REFUSED.splitlines()) == 1


def test_interactive_audit_masks_keys_in_file_names(tree: Path) -> None:
    key = fake_key("openai-project-key", 5)
    named = f"backup-{key}.py"
    write(tree, named, line("github-token", 2))
    base = f"b-{key}.baseline"
    assert run("baseline", "create", "--jobs", "1", "--baseline", base) == 0
    out = io.StringIO()
    audit.session(Path(base), None, io.StringIO("y\n"), out)  # y: may be committed
    text = out.getvalue()
    assert key not in text
    assert f"Filename:    backup-{mask(key)}.py" in text
    assert f"b-{mask(key)}.baseline: 0 real secrets, 1 false positive recorded" in text
    audit.session(Path(base), None, io.StringIO(""), out)
    assert key not in out.getvalue()
    assert f"b-{mask(key)}.baseline: nothing to audit" in out.getvalue()


@pytest.mark.parametrize("fmt", ("text", "json", "sarif", "github"))
def test_audit_ci_masks_keys_in_file_names_in_every_format(
        tree: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    key = fake_key("anthropic-api-key", 3)
    write(tree, f"{key}_old.py", line("github-token", 3))  # an unaudited entry
    base = f"b-{key}.baseline"
    assert run("baseline", "create", "--jobs", "1", "--baseline", base) == 0
    write(tree, f"new-{key}", line("groq-api-key", 3))  # a new finding
    capsys.readouterr()
    assert run("audit", "--ci", "--jobs", "1", "--format", fmt, base) == 1
    out, err = capsys.readouterr()
    assert key not in out + err
    shown = quote(mask(key)) if fmt == "sarif" else mask(key)  # SARIF: a URI
    assert shown in out
    assert run("audit", "--ci", "--jobs", "1", "--format", fmt, "--output", "r", base) == 1
    out, err = capsys.readouterr()
    report = (tree / "r").read_text(encoding="utf-8")
    assert key not in out + err + report
    assert shown in report


def test_audit_ci_escapes_control_characters_in_file_names(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tree, "evil\n::error file=x::forged.py", line("github-token", 4))
    assert run("baseline", "create", "--jobs", "1") == 0
    capsys.readouterr()
    assert run("audit", "--ci", "--jobs", "1") == 1
    out = capsys.readouterr().out
    assert "evil\\n::error file=x::forged.py:1" in out
    assert not any(x.startswith("::error file=x") for x in out.splitlines())
    assert os.path.exists("evil\n::error file=x::forged.py")
