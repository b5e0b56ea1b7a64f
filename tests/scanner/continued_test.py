"""Keys cut by a backslash-newline line continuation (shell, Dockerfile, Python strings), by
JSON's escaped slashes or by percent-encoding; YAML values written on the line under their key;
credentials with a type annotation between name and value."""

from __future__ import annotations

import json
import random
import urllib.parse
from pathlib import Path

import pytest

from keylint.cli import main
from keylint.config import Config
from keylint.rules import checks
from keylint.scanner import continued, detector
from keylint.scanner.detector import Detector
from keylint.scanner.engine import detector_for, scan_bytes, scan_spans, scan_text
from keylint.scanner.history import scan_history
from tests.fakes import fake_key
from tests.gitenv import isolate_git
from tests.hooks.helpers import git, write
from tests.scanner.meter import metered


def cut(key: str, at: int | None = None, newline: str = "\n") -> str:
    """`key` with a backslash-newline at `at` (its middle by default)."""
    at = len(key) // 2 if at is None else at
    return f"{key[:at]}\\{newline}{key[at:]}"


@pytest.mark.parametrize(("path", "template", "line", "end_line"), [
    pytest.param("env.sh", 'export OPENAI_API_KEY="{v}"\n', 1, 2, id="shell double quotes"),
    pytest.param("env.sh", "#!/bin/sh\nexport OPENAI_API_KEY={v}\nexec app\n", 2, 3,
                 id="shell bare word"),
    pytest.param("Dockerfile", "FROM python:3.12-slim\nENV OPENAI_API_KEY={v}\nCMD app\n", 2, 3,
                 id="Dockerfile ENV"),
    pytest.param("Dockerfile", 'FROM alpine\nRUN curl -sH "Authorization: Bearer {v}" \\\n'
                 "    https://api.openai.com/v1/models \\\n    && echo ok\n", 2, 3,
                 id="Dockerfile RUN"),
    pytest.param("app.py", 'import openai\nclient = openai.OpenAI(api_key="{v}")\n', 2, 3,
                 id="Python string literal"),
])
def test_a_key_cut_by_a_line_continuation_is_found(path: str, template: str, line: int,
                                                   end_line: int) -> None:
    key = fake_key("openai-project-key", 70)
    (f,) = scan_bytes(template.format(v=cut(key)).encode(), path)
    assert (f.rule_id, f.secret, f.line, f.end_line) == ("openai-project-key", key, line, end_line)


def test_windows_line_endings_and_several_cuts() -> None:
    key = fake_key("anthropic-api-key", 71)
    value = f"{key[:30]}\\\r\n{key[30:60]}\\\r\n{key[60:]}"
    text = f'$env = "x"\r\nexport ANTHROPIC_API_KEY="{value}"\r\necho done\r\n'
    (f,) = scan_text(text, "env.sh")
    assert (f.rule_id, f.secret, f.line, f.end_line) == ("anthropic-api-key", key, 2, 4)
    assert f.column == len('export ANTHROPIC_API_KEY="') + 1


def test_a_bare_shape_takes_its_context_from_the_lines_around() -> None:
    key = fake_key("aws-secret-access-key", 72)
    text = f"[default]\naws_access_key_id = {fake_key('aws-access-key-id', 72)}\n" \
           f"aws_secret_access_key = {cut(key, 12)}\nregion = eu-west-1\n"
    assert [(f.rule_id, f.secret) for f in scan_text(text, "credentials")][-1] == \
        ("aws-secret-access-key", key)


def test_a_half_taken_for_a_credential_gives_way_to_the_whole_key() -> None:
    key = fake_key("aws-secret-access-key", 73)
    found = scan_text(f"export API_TOKEN={cut(key)}\n", "env.sh")
    assert [f.secret for f in found] == [key]


def test_the_reports_never_hold_the_key_or_its_halves(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = fake_key("openai-project-key", 74)
    (tmp_path / "env.sh").write_text(f'export OPENAI_API_KEY="{cut(key)}"\n')
    for fmt in ("text", "json"):
        assert main(["scan", str(tmp_path), "--format", fmt]) == 1
        out, err = capsys.readouterr()
        for piece in (key, key[:len(key) // 2], key[len(key) // 2:]):
            assert piece not in out + err
    assert json.loads(out)["results"][0]["rule_id"] == "openai-project-key"


@pytest.mark.parametrize("text", [
    pytest.param("all:\n\tcc -o app main.c \\\n\t  util.c\n", id="makefile"),
    pytest.param("RUN apt-get update \\\n    && apt-get install -y curl\n", id="spaced continuation"),
    pytest.param('PATH = "C:\\\\tools\\\\"\nKEY_NAME = "abc"\n', id="escaped backslash"),
])
def test_continuations_that_cut_no_token_add_nothing(text: str) -> None:
    assert continued.find_continued(text.encode(), detector_for()) == []


def test_a_whole_key_before_a_continuation_stays_its_providers() -> None:
    key = fake_key("github-token", 75)
    text = f'TOKENS="{key}\\\nsecondline"\n'
    assert [(f.rule_id, f.secret, f.end_line) for f in scan_text(text, "env.sh")] == \
        [("github-token", key, 1)]


def test_a_history_delta_finds_a_cut_key_in_its_lines() -> None:
    key = fake_key("openai-project-key", 76)
    head = "".join(f"ENV VAR{i}=value{i}\n" for i in range(10)).encode()
    added = f"ENV OPENAI_API_KEY={cut(key)}\n".encode()
    data = head + added + b"CMD app\n"
    spans = scan_spans(data, "Dockerfile", None, len(head), len(head) + len(added))
    assert [(f.secret, f.line, f.end_line) for f, _, _ in spans] == [(key, 11, 12)]
    assert scan_spans(data, "Dockerfile", None, 0, len(head)) == []


def test_history_scan_finds_a_cut_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path / "home", monkeypatch)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    key = fake_key("openai-project-key", 77)
    write(repo, "Dockerfile", f"FROM alpine\nENV OPENAI_API_KEY={cut(key)}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "image")
    (f,) = scan_history(str(repo), [["--all"]], Config(), cwd=str(repo)).findings
    assert (f.path, f.line, f.rule_id, f.secret) == ("Dockerfile", 2, "openai-project-key", key)


# ---- A YAML value written on the line under its key
def password(seed: int) -> str:
    rng = random.Random(seed)
    letters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(rng.choice(letters) for _ in range(9)) + "!" + str(rng.randrange(1000, 9999))


@pytest.mark.parametrize(("template", "line", "column"), [
    pytest.param("db:\n  password: >-\n    {v}\n  user: app\n", 3, 5, id="folded"),
    pytest.param("env:\n  DB_PASSWORD: |-\n    {v}", 3, 5, id="literal, end of file"),
    pytest.param("db:\n  password:\n    \"{v}\"\n  user: app\n", 3, 6, id="quoted, next line"),
    pytest.param("db:\r\n  password:\r\n    {v}\r\n  user: app\r\n", 3, 5, id="plain, CRLF"),
    pytest.param("- password: >\n    {v}\n- user: x\n", 2, 5, id="sequence item"),
])
def test_a_yaml_password_on_the_line_under_its_key_is_found(template: str, line: int,
                                                            column: int) -> None:
    value = password(80)
    (f,) = scan_text(template.format(v=value), "values.yaml")
    assert (f.rule_id, f.secret, f.line, f.column, f.end_line) == \
        ("password-assignment", value, line, column, line)


def test_a_bare_key_on_the_line_under_its_named_key_is_its_providers() -> None:
    key = fake_key("aws-secret-access-key", 81)
    (f,) = scan_text(f"aws:\n  secret_access_key: >-\n    {key}\n", "config.yml")
    assert (f.rule_id, f.secret, f.line) == ("aws-secret-access-key", key, 3)


@pytest.mark.parametrize("template", [
    pytest.param("db:\n  password: |\n    {v}\n    second line\n", id="a block of lines"),
    pytest.param("db:\n  password:\n    value: {v}\n", id="a nested mapping"),
    pytest.param("db:\n  password: >-\n    changeme\n", id="a placeholder"),
    pytest.param("db:\n  password: >-\n  {v}\n", id="not indented under its key"),
])
def test_yaml_lines_that_are_not_a_keys_value_add_nothing(template: str) -> None:
    assert scan_text(template.format(v=password(82)), "values.yaml") == []


# ---- A YAML value written over several lines
@pytest.mark.parametrize(("template", "line", "end_line"), [
    pytest.param("auth:\n  token: >-\n    {a}\n    {b}\n  user: app\n", 3, 4, id="folded"),
    pytest.param("auth:\n  token: |\n    {a}\n    {b}\n", 3, 4, id="literal"),
    pytest.param("env:\n  OPENAI_API_KEY: {a}\n    {b}\n  USER: app\n", 2, 3, id="plain"),
    pytest.param('env:\n  OPENAI_API_KEY: "{a}\n    {b}"\n', 2, 3, id="double-quoted"),
    pytest.param('env:\n  OPENAI_API_KEY: "{a}\\\n    {b}"\n', 2, 3,
                 id="double-quoted, escaped line break"),
    pytest.param("env:\r\n  OPENAI_API_KEY: >-\r\n    {a}\r\n    {b}\r\n", 3, 4, id="CRLF"),
    pytest.param("- OPENAI_API_KEY: >\n    {a}\n    {b}\n    {c}\n- USER: app\n", 2, 4,
                 id="three lines, sequence item"),
])
def test_a_key_written_over_several_yaml_lines_is_found(template: str, line: int,
                                                        end_line: int) -> None:
    key = fake_key("openai-project-key", 91)
    text = template.format(a=key[:30], b=key[30:60] if "{c}" in template else key[30:],
                           c=key[60:])
    (f,) = scan_text(text, "values.yaml")
    assert (f.rule_id, f.secret, f.line, f.end_line) == ("openai-project-key", key, line, end_line)


def test_a_password_written_over_several_yaml_lines_is_found() -> None:
    value = password(92)
    text = f"db:\n  password: >-\n    {value[:6]}\n    {value[6:]}\n  user: app\n"
    (f,) = scan_text(text, "values.yaml")
    assert (f.rule_id, f.secret, f.line, f.column, f.end_line) == \
        ("password-assignment", value, 3, 5, 4)


@pytest.mark.parametrize("template", [
    pytest.param("notes:\n  token: >\n    rotate the\n    {a}\n", id="prose"),
    pytest.param("hosts: |\n  alpha\n  {a}\n  - {b}\n", id="a list after words"),
    pytest.param("secret: |\n" + "  {a}\n" * 40, id="more lines than a key has"),
    pytest.param("token: >-\n  {a}\n\n  {b}\n", id="split by a blank line"),
    pytest.param("token: >-\n  {a}\n{b}\n", id="not indented under its key"),
    pytest.param('token: "{a}"\n  {b}\n', id="a whole quoted value"),
])
def test_yaml_lines_that_are_not_one_value_add_nothing(template: str) -> None:
    key = fake_key("openai-project-key", 93)
    assert scan_text(template.format(a=key[:30], b=key[30:]), "values.yaml") == []


def test_only_yaml_files_join_a_value_to_its_key() -> None:
    text = f"password:\n  {password(83)}\n"
    assert scan_text(text, "notes.txt") == []
    assert len(scan_text(text, "values.yaml")) == 1


# ---- A string type annotation between a credential name and its value
@pytest.mark.parametrize(("path", "template"), [
    pytest.param("settings.py", "class Settings(BaseSettings):\n    db_password: str = '{v}'\n",
                 id="pydantic settings"),
    pytest.param("settings.py", "    db_password: Optional[str] = \"{v}\"\n", id="Optional[str]"),
    pytest.param("settings.py", "    db_password: str | None = '{v}'\n", id="str | None"),
    pytest.param("db.ts", "export const POSTGRES_PASSWORD: string = '{v}';\n", id="TypeScript"),
    pytest.param("Db.kt", "    val password: String = \"{v}\"\n", id="Kotlin"),
    pytest.param("db.rs", "const DB_PASSWORD: &str = \"{v}\";\n", id="Rust"),
])
def test_an_annotated_password_assignment_is_found(path: str, template: str) -> None:
    value = password(85)
    text = template.format(v=value)
    (f,) = scan_text(text, path)
    assert (f.rule_id, f.secret) == ("password-assignment", value)
    line = text.splitlines()[f.line - 1]
    assert line[f.column - 1:f.end_column - 1] == value


def test_an_annotated_credential_assignment_is_found() -> None:
    key = fake_key("generic-credential", 86)
    (f,) = scan_text(f"    api_token: str = '{key}'\n", "settings.py")
    assert (f.rule_id, f.secret) == ("generic-credential", key)


@pytest.mark.parametrize("template", [
    pytest.param("    username: str = '{v}'\n", id="not a credential name"),
    pytest.param("    password: str = 'changeme'\n", id="a placeholder"),
    pytest.param("    password: str = os.environ['DB_PASSWORD']\n", id="a lookup"),
    pytest.param("    password: int = 12345678\n", id="not a string"),
])
def test_annotated_assignments_that_hold_no_secret_add_nothing(template: str) -> None:
    assert scan_text(template.format(v=password(87)), "settings.py") == []


# ---- JSON's escaped slash
def _slashed(rule_id: str) -> str:
    """A key of the rule holding `/` (most AWS secrets and Azure keys do)."""
    return next(k for k in (fake_key(rule_id, seed) for seed in range(84, 200))
                if "/" in k[1:-1])


@pytest.mark.parametrize("rule_id", ["aws-secret-access-key", "azure-storage-account-key"])
def test_a_key_in_json_with_escaped_slashes_is_found(rule_id: str) -> None:
    key = _slashed(rule_id)
    value = key.split("=", 1)[1] if rule_id.startswith("azure") else key  # AccountKey=...
    name = "aws_secret_access_key" if rule_id.startswith("aws") else "connection_string"
    text = json.dumps({name: "x;" + key if rule_id.startswith("azure") else key})
    text = text.replace("/", "\\/")  # as PHP's json_encode writes it
    (f,) = scan_text(text + "\n", "config.json")
    assert (f.rule_id, f.secret) == (rule_id, value)
    assert text[f.column - 1:f.end_column - 1].replace("\\/", "/") == value


@pytest.mark.parametrize("template", [
    pytest.param("https://s3.acme.io/upload?aws_secret_access_key={v}&expires=300\n",
                 id="URL query"),
    pytest.param("AWS_SECRET_ACCESS_KEY={v}\n", id="percent-encoded in an env file"),
])
def test_a_percent_encoded_key_is_found_whole(template: str) -> None:
    key = _slashed("aws-secret-access-key")
    key = "/" + key[1:]  # its first character encoded too
    encoded = urllib.parse.quote(key, safe="")
    text = template.format(v=encoded)
    (f,) = scan_text(text, "notes.txt")
    assert (f.rule_id, f.secret) == ("aws-secret-access-key", key)
    assert text[f.column - 1:f.end_column - 1] == encoded


@pytest.mark.parametrize(("path", "template"), [
    pytest.param(".env", "DATABASE_URL=postgres://app:{v}@db.internal:5432/app\n", id="URL user info"),
    pytest.param("notes.txt", "https://api.acme.internal/login?user=app&password={v}&next=/\n",
                 id="URL query"),
    pytest.param("app.properties",
                 "db.url=jdbc:mysql://db.internal:3306/app?user=app&password={v}\n", id="JDBC"),
])
@pytest.mark.parametrize(("char", "at"), [("@", 4), ("@", 0), ("@", -1), ("+", 4), ("+", 0),
                                          ("=", 4)])
def test_a_percent_encoded_password_is_found_as_written(path: str, template: str, char: str,
                                                        at: int) -> None:
    value = password(90)
    value = value[:at] + char + value[at:] if at >= 0 else value + char
    encoded = urllib.parse.quote(value, safe="!")
    text = template.format(v=encoded)
    (f,) = scan_text(text, path)
    # As written, as detect-secrets hashes it (baselines keep matching) and as `keylint fix`
    # finds it in its literal.
    assert f.secret == encoded
    assert text.splitlines()[f.line - 1][f.column - 1:f.end_column - 1] == encoded


@pytest.mark.parametrize("escape", ["%21", "%23", "%2F", "%3F", "%26"])
def test_a_url_password_starting_with_an_escape_is_found(escape: str) -> None:
    encoded = escape + password(94)
    text = f"DATABASE_URL=postgres://app:{encoded}@db.internal:5432/app\n"
    assert [(f.rule_id, f.secret) for f in scan_text(text, ".env")] == \
        [("connection-string", encoded)]


@pytest.mark.parametrize("text", [
    pytest.param("PASSWORD_FILE=var%2Flib%2Fapp%2Fdb\n", id="an encoded path"),
    pytest.param("CALLBACK=https://acme.internal/cb?password=%24%7BDB_PASSWORD%7D&next=1\n",
                 id="an encoded template"),
    pytest.param("DATABASE_URL=postgres://app:%7B%7Bpassword%7D%7D@db.internal/app\n",
                 id="an encoded placeholder"),
])
def test_percent_encoded_paths_and_templates_are_not_passwords(text: str) -> None:
    assert scan_text(text, ".env") == []


def test_a_percent_encoded_password_in_a_url_is_moved_by_fix(tmp_path: Path) -> None:
    value = password(91)
    encoded = urllib.parse.quote(value[:4] + "+" + value[4:], safe="!")
    url = f"postgres://app:{encoded}@db.internal:5432/app"
    app = tmp_path / "app.py"
    app.write_text(f'import os\nDATABASE_URL = "{url}"\n')
    main(["fix", str(app), "--env-file", str(tmp_path / ".env")])
    assert encoded not in app.read_text()
    assert url in (tmp_path / ".env").read_text()


@pytest.mark.parametrize("text", [
    pytest.param("git clone https://john%40corp.com@git.acme.internal/app.git\n",
                 id="an encoded user name, no password"),
    pytest.param('print("%-20s%40s" % (name, value))\n', id="a format width"),
    pytest.param("mailto:ops%40acme.internal?subject=password%20reset\n", id="mailto"),
])
def test_percent_encoded_at_signs_outside_passwords_add_nothing(text: str) -> None:
    assert scan_text(text, "notes.txt") == []


def test_a_token_that_is_itself_percent_encoded_stays_as_written() -> None:
    token = fake_key("twitter-bearer-token", 88)
    assert "%" in token
    (f,) = scan_text(f"TWITTER_BEARER_TOKEN={token}\n", "notes.txt")
    assert (f.rule_id, f.secret) == ("twitter-bearer-token", token)


def _work(monkeypatch: pytest.MonkeyPatch, data: bytes) -> int:
    det = Detector(detector_for().rules)
    meter = metered(monkeypatch, det, detector, checks, continued)
    meter.run(lambda d: continued.find_continued(d, det, yaml=True), meter.wrap(data))
    return meter.work


def _hostile(n: int) -> dict[str, bytes]:
    rng = random.Random(n)
    key = fake_key("openai-project-key", 78)
    word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(30))
    return {
        "every line continued": (f"{word}\\\n" * (n // 32)).encode(),
        "a cut key on every line": (f"K={cut(key)}\n" * (n // (len(key) + 5))).encode(),
        "one long continued line": (word * (n // 60) + "\\\n" + word * (n // 60)).encode(),
        "cuts every other short line": (f"a\\\nb\n{word}\n" * (n // 36)).encode(),
        "lone backslashes": (b"x\\" * (n // 2)),
        "escaped slashes": (f"{word}\\/" * (n // 32)).encode(),
        "a slashed key on every line": (f'{{"k": "{_slashed("aws-secret-access-key")}"}}\n'
                                        .replace("/", "\\/") * (n // 60)).encode(),
        "percent-encoded slashes": (f"{word}%2F" * (n // 33)).encode(),
        "percent-encoded at signs": (f"password={word}%40{word}\n" * (n // 73)).encode(),
        "annotated credentials": (f"    {word}_password: str = '{word}'\n" * (n // 60)).encode(),
        "annotations without values": ("password: str = '\n" * (n // 18)).encode(),
        "yaml values under their keys": (f"k{word}:\n  {word}\n" * (n // 64)).encode(),
        "yaml keys without values": (f"k{word}: >-\n" * (n // 36)).encode(),
        "nested yaml keys": "".join(f"{' ' * (i % 40)}k{i}:\n" for i in range(n // 30)).encode(),
        "yaml values over several lines": ((f"k{word}: >-\n" + f"    {word}\n" * 4)
                                           * (n // 180)).encode(),
        "yaml blocks past the limit": (("k: |\n" + "  w\n" * 40) * (n // 165)).encode(),
        "yaml plain continuations": (f"k{word}: {word}\n    {word}\n" * (n // 72)).encode(),
        "deepening yaml values": "".join(f"{' ' * (i % 40)}k{i}:v\n"
                                         for i in range(n // 32)).encode(),
    }


def test_work_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = _hostile(100_000), _hostile(200_000)
    for name in small:
        with monkeypatch.context() as m:
            w1 = _work(m, small[name])
        with monkeypatch.context() as m:
            w2 = _work(m, large[name])
        assert w2 <= 2.3 * w1 + 1000, (name, w1, w2)
