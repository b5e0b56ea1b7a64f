from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from keylint import __version__
from keylint.cli import main
from keylint.report import sarif
from keylint.rules import RULES, RULES_BY_ID
from keylint.scanner.engine import scan_text
from keylint.scanner.finding import Finding
from tests.fakes import RULE_IDS, assignment, fake_key

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)


def schema_errors(doc: object) -> list[str]:
    validator = jsonschema.Draft4Validator(SCHEMA)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def every_rule_findings() -> list[Finding]:
    found = []
    for rid in RULE_IDS:
        found += scan_text(assignment(rid, fake_key(rid)) + "\n", f"src/{rid}.py")
    assert {f.rule_id for f in found} == set(RULE_IDS)
    return found


def test_empty_log_is_valid_sarif() -> None:
    doc = sarif.document([])
    assert schema_errors(doc) == []
    assert doc["$schema"] == SCHEMA["id"]
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []


def test_log_with_every_rule_is_valid_sarif() -> None:
    doc = json.loads(sarif.render(every_rule_findings()))
    assert schema_errors(doc) == []


def test_the_schema_check_rejects_a_broken_log() -> None:
    doc = sarif.document(every_rule_findings()[:1])
    doc["runs"][0]["results"][0]["level"] = "fatal"
    del doc["runs"][0]["tool"]["driver"]["name"]
    assert len(schema_errors(doc)) == 2


def test_driver_names_keylint_and_its_version() -> None:
    driver = sarif.document([])["runs"][0]["tool"]["driver"]
    assert driver["name"] == "keylint"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")


def test_rules_are_the_ones_that_fired_once_each_in_table_order() -> None:
    findings = [f for rid in ("github-token", "openai-project-key", "github-token")
                for f in scan_text(assignment(rid, fake_key(rid, len(rid))), "a.py")]
    findings += scan_text(assignment("github-token", fake_key("github-token", 99)), "b.py")
    run = sarif.document(findings)["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == ["openai-project-key", "github-token"]  # the table's order
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
    assert [r["ruleId"] for r in run["results"]] == [f.rule_id for f in findings]


def test_rule_help_names_the_env_var_and_where_to_rotate() -> None:
    findings = every_rule_findings()
    for descriptor in sarif.document(findings)["runs"][0]["tool"]["driver"]["rules"]:
        rule = RULES_BY_ID[descriptor["id"]]
        assert descriptor["name"].isalnum()
        assert rule.secret_type in descriptor["shortDescription"]["text"]
        for text in (descriptor["help"]["text"], descriptor["help"]["markdown"]):
            assert rule.env_var in text
            assert rule.rotate_url in text
        assert {"security", "secret", rule.provider} <= set(descriptor["properties"]["tags"])


def test_result_names_the_type_and_the_masked_secret_only() -> None:
    key = fake_key("anthropic-api-key", 3)
    [f] = scan_text(assignment("anthropic-api-key", key), "app.py")
    [result] = sarif.document([f])["runs"][0]["results"]
    assert result["level"] == "error"
    text = result["message"]["text"]
    assert "Anthropic API Key" in text
    assert f.masked in text
    assert key not in json.dumps(result)
    assert "ANTHROPIC_API_KEY" in text


def test_region_points_at_the_secret_in_code_points() -> None:
    key = fake_key("groq-api-key", 1)
    text = f'# headline \U0001f600 caf\u00e9\nmsg = "\u00e9\U0001f600"; GROQ = "{key}"  # \u00e9\n'
    [f] = scan_text(text, "app.py")
    run = sarif.document([f])["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == region["endLine"] == 2
    line = text.splitlines()[1]
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == key


def test_multi_line_secret_spans_its_lines() -> None:
    key = fake_key("private-key", 2)
    text = "import os\n" + assignment("private-key", key) + "\n"
    [f] = scan_text(text, "keys.py")
    region = sarif.document([f])["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "region"]
    assert (region["startLine"], region["endLine"]) == (2, 2 + key.count("\n"))


def test_fingerprint_survives_a_line_move_but_not_a_new_key() -> None:
    key = fake_key("npm-access-token", 1)
    before = scan_text(assignment("npm-access-token", key), "pkg/app.py")
    after = scan_text("\n\n\n# moved\n" + assignment("npm-access-token", key), "pkg/app.py")
    other = scan_text(assignment("npm-access-token", fake_key("npm-access-token", 2)), "pkg/app.py")
    prints = []
    for found in (before, after, other):
        [result] = sarif.document(found)["runs"][0]["results"]
        prints.append(result["partialFingerprints"])
    assert before[0].line != after[0].line
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]
    assert key not in json.dumps(prints)


@pytest.mark.parametrize(("path", "expected"), (
    pytest.param("src/app.py", {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"}, id="relative"),
    pytest.param("src\\win\\app.py", {"uri": "src/win/app.py", "uriBaseId": "%SRCROOT%"},
                 id="backslashes"),
    pytest.param("./my dir/a#1.py", {"uri": "my%20dir/a%231.py", "uriBaseId": "%SRCROOT%"},
                 id="encoded"),
    pytest.param("odd:name.py", {"uri": "odd%3Aname.py", "uriBaseId": "%SRCROOT%"},
                 id="colon is not a scheme"),
    pytest.param("/home/me/x y.py", {"uri": "file:///home/me/x%20y.py"}, id="absolute posix"),
    pytest.param("C:\\work\\x.py", {"uri": "file:///C:/work/x.py"}, id="absolute windows"),
))
def test_artifact_location(path: str, expected: dict[str, str]) -> None:
    assert sarif.artifact_location(path) == expected


def test_location_uses_srcroot_relative_uri() -> None:
    [f] = scan_text(assignment("xai-api-key", fake_key("xai-api-key")), "src/sub/app.py")
    loc = sarif.document([f])["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "src/sub/app.py", "uriBaseId": "%SRCROOT%"}


def test_every_rule_in_the_table_can_be_described() -> None:
    findings = every_rule_findings()
    rules = sarif.document(findings)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]


def test_scan_command_writes_sarif(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    key = fake_key("huggingface-user-token", 5)
    (tmp_path / "app.py").write_text("import os\n" + assignment("huggingface-user-token", key) + "\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--format", "sarif", "."]) == 1
    out = capsys.readouterr().out
    assert key not in out
    doc = json.loads(out)
    assert schema_errors(doc) == []
    [result] = doc["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app.py"
    assert location["region"]["startLine"] == 2
    assert result["ruleId"] == "huggingface-user-token"
