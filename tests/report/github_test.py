from __future__ import annotations

from pathlib import Path

import pytest

from keylint.cli import main
from keylint.report import github
from keylint.rules import RULES_BY_ID
from keylint.scanner.engine import scan_text
from keylint.scanner.finding import Finding
from tests.fakes import assignment, fake_key


def test_one_error_command_per_finding() -> None:
    key = fake_key("github-token", 4)
    text = "import os\n\n" + assignment("github-token", key) + "\n"
    [f] = scan_text(text, "src/app.py")
    col = text.splitlines()[2].index(key) + 1
    assert github.render([f]) == (
        f"::error file=src/app.py,line=3,col={col},endLine=3,endColumn={col + len(key)},"
        f"title=GitHub Token::GitHub Token {f.masked} is hard-coded (github-token). "
        f"Read it from GITHUB_TOKEN and rotate it.\n"
    )


def test_no_findings_no_output() -> None:
    assert github.render([]) == ""


def test_several_findings_in_order() -> None:
    text = "".join(assignment(r, fake_key(r)) + "\n" for r in ("groq-api-key", "npm-access-token"))
    found = scan_text(text, "a.py")
    lines = github.render(found).splitlines()
    assert [line.split(",")[1] for line in lines] == ["line=1", "line=2"]
    assert all(line.startswith("::error file=a.py,") for line in lines)


@pytest.mark.parametrize(("raw", "data", "prop"), (
    pytest.param("plain", "plain", "plain", id="plain"),
    pytest.param("100%", "100%25", "100%25", id="percent"),
    pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="newlines"),
    pytest.param("a:b,c", "a:b,c", "a%3Ab%2Cc", id="colon and comma"),
    pytest.param("%0A", "%250A", "%250A", id="already escaped stays literal"),
))
def test_escaping(raw: str, data: str, prop: str) -> None:
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop


def test_hostile_path_and_secret_cannot_break_the_command() -> None:
    secret = "%0A::warning::x,y:z" + fake_key("password-assignment", 1)
    rule = RULES_BY_ID["password-assignment"]
    f = Finding(path="we,ird:dir\n::error::/app%.py", line=2, column=5, end_line=2,
                end_column=5 + len(secret), rule_id=rule.id, provider=rule.provider,
                secret_type=rule.secret_type, secret=secret)
    out = github.render([f])
    assert out.count("\n") == 1
    assert out.startswith("::error file=we%2Cird%3Adir%0A%3A%3Aerror%3A%3A/app%25.py,line=2,")
    head, _, text = out.rstrip("\n").partition("::Secret Keyword ")
    assert head.endswith(",title=Secret Keyword")
    assert text.startswith(f.masked.replace("%", "%25"))
    assert secret not in out


def test_scan_command_writes_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    key = fake_key("sendgrid-api-key", 2)
    (tmp_path / "conf.py").write_text(assignment("sendgrid-api-key", key) + "\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--format", "github", "."]) == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=conf.py,line=1,col=12,")
    assert "title=SendGrid API Key::SendGrid API Key " in out
    assert key not in out
