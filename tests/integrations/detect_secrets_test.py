"""The detect-secrets plugins, run by detect-secrets itself (`detect-secrets scan --plugin FILE`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from detect_secrets.constants import VerifiedResult
from detect_secrets.core.plugins.util import get_plugins_from_file
from detect_secrets.util.importlib import import_file_as_module

import keylint.integrations.detect_secrets as plugins_module
from keylint.masking import sha1_hex
from keylint.rules import RULES, RULES_BY_ID
from keylint.scanner.engine import scan_text
from tests.fakes import RULE_IDS, assignment, fake_key

PLUGIN_FILE = plugins_module.__file__
DETECT_SECRETS = str(Path(sys.executable).parent / "detect-secrets")
OUR_TYPES = {r.secret_type for r in RULES}
DIRECT = [rid for rid in RULE_IDS if not RULES_BY_ID[rid].needs_context]
CONTEXTUAL = [rid for rid in RULE_IDS if RULES_BY_ID[rid].needs_context]
# detect-secrets' default `is_potential_uuid` filter drops any secret holding a UUID.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_NO_UUID_FILTER = ("--disable-filter", "detect_secrets.filters.heuristic.is_potential_uuid")

Entry = tuple[int, str, str]  # line, secret type, hashed_secret


def one_line(rule_id: str, key: str) -> str:
    if rule_id == "private-key":  # as in a JSON service-account file: one line, `\n` escapes
        return 'PRIVATE_KEY = "' + key.replace("\n", "\\n") + '"'
    if rule_id == "twilio-auth-token-with-sid":
        # The SDK call alone: detect-secrets' default filter drops a line that assigns a call's
        # result (`client = Client(...)`, an "indirect reference").
        return key
    return assignment(rule_id, key)


# detect-secrets' own Twilio plugin reports an account SID (`AC` and 32 hex) as a `Twilio API Key`;
# what a built-in finds is kept, so the SID beside a token is an entry of its own.
_TWILIO_SID = re.compile(r"\bAC[0-9a-f]{32}\b")


def builtin_extras(text: str) -> set[Entry]:
    return {(n, "Twilio API Key", sha1_hex(m.group()))
            for n, line in enumerate(text.splitlines(), 1) for m in _TWILIO_SID.finditer(line)}


def detect_secrets_scan(cwd: Path, *args: str, plugin: str = PLUGIN_FILE) -> dict[str, object]:
    proc = subprocess.run(
        [DETECT_SECRETS, "scan", "-n", "--plugin", plugin, *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, object] = json.loads(proc.stdout)
    return doc


def reported(doc: dict[str, object], filename: str) -> set[Entry]:
    """Entries of our secret types (the other built-ins, high entropy etc., are not ours)."""
    results = doc["results"]
    assert isinstance(results, dict)
    return {(e["line_number"], e["type"], e["hashed_secret"]) for e in results.get(filename, [])
            if e["type"] in OUR_TYPES}


def keylint_entries(text: str) -> set[Entry]:
    return {(f.line, f.secret_type, f.hashed_secret) for f in scan_text(text)}


def test_module_exposes_exactly_one_plugin_per_secret_type() -> None:
    loaded = list(get_plugins_from_file(PLUGIN_FILE))  # detect-secrets' own loader
    names = [c.__name__ for c in loaded]
    assert sorted(names) == sorted(plugins_module.__all__)
    assert len(set(names)) == len(names)
    types = [c.secret_type for c in loaded]
    assert len(set(types)) == len(types)
    assert set(types) == OUR_TYPES


def test_everything_public_in_the_file_is_a_plugin() -> None:
    module = import_file_as_module(PLUGIN_FILE)
    public = {n for n in dir(module) if not n.startswith("_")} - {"annotations"}  # __future__
    assert public == set(plugins_module.__all__)


def test_types_detect_secrets_has_keep_its_class_names() -> None:
    from detect_secrets import plugins as ds_plugins
    from detect_secrets.core.plugins.util import _is_valid_plugin
    from detect_secrets.util.importlib import import_types_from_package

    builtin = {c.secret_type: c for c in import_types_from_package(
        ds_plugins, filter=lambda x: not _is_valid_plugin(x))}
    ours = {getattr(plugins_module, n).secret_type: n for n in plugins_module.__all__}
    shared = OUR_TYPES & set(builtin)
    assert {"GitHub Token", "Secret Keyword", "AWS Access Key"} <= shared
    for secret_type in shared:  # another name for the same type crashes detect-secrets
        assert ours[secret_type] == builtin[secret_type].__name__
        assert issubclass(getattr(plugins_module, ours[secret_type]), builtin[secret_type])
    assert ours["OpenAI Project Key"] == "OpenaiProjectKeyDetector"
    builtin_names = {c.__name__ for c in builtin.values()}
    assert all(ours[t] not in builtin_names for t in OUR_TYPES - shared)


def test_scan_reports_every_direct_rule_as_keylint_does(tmp_path: Path) -> None:
    text = "".join(one_line(rid, fake_key(rid, 11)) + "\n" for rid in DIRECT)
    (tmp_path / "keys.py").write_text(text)
    assert {f.rule_id for f in scan_text(text)} == set(DIRECT)
    doc = detect_secrets_scan(tmp_path, "keys.py", *_NO_UUID_FILTER)
    assert reported(doc, "keys.py") == keylint_entries(text) | builtin_extras(text)
    used = {p["name"]: p.get("path") for p in doc["plugins_used"]}  # type: ignore[attr-defined]
    assert all(used[name] == f"file://{PLUGIN_FILE}" for name in plugins_module.__all__)


def test_context_rules_read_the_lines_above(tmp_path: Path) -> None:
    lines = [assignment(rid, fake_key(rid, 3)) for rid in CONTEXTUAL]
    mistral = fake_key("mistral-api-key", 8)
    lines += ["# Mistral settings", "config = {", f'    "key": "{mistral}",', "}"]
    # Too far up for Cohere: the long-tail rule reports it as a generic credential.
    lines += ["# Cohere", "", "", "", f'token = "{fake_key("cohere-api-key", 8)}"']
    text = "\n".join(lines) + "\n"
    (tmp_path / "ctx.py").write_text(text)
    expected = keylint_entries(text)
    assert {f.rule_id for f in scan_text(text)} == {*CONTEXTUAL, "generic-credential"}
    assert (len(lines) - 6, "Mistral AI API Key", sha1_hex(mistral)) in expected
    # UUID-shaped keys (Pinecone's legacy keys, Heroku, Snyk, ...) are what detect-secrets' own
    # uuid filter drops.
    doc = detect_secrets_scan(tmp_path, "ctx.py", *_NO_UUID_FILTER)
    assert reported(doc, "ctx.py") == expected
    doc = detect_secrets_scan(tmp_path, "ctx.py")
    uuid_types = {RULES_BY_ID[rid].secret_type for rid in CONTEXTUAL
                  if _UUID.search(fake_key(rid, 3))}
    assert "Pinecone API Key" in uuid_types
    assert {t for _, t, _ in expected - reported(doc, "ctx.py")} == uuid_types


def test_near_misses_report_nothing(tmp_path: Path) -> None:
    good = fake_key("github-token", 1)
    bad_checksum = good[:-1] + ("A" if good[-1] != "A" else "B")
    slack = fake_key("slack-bot-token", 1)
    lines = [
        f'GITHUB_TOKEN = "{bad_checksum}"',
        f'api_key = "{bad_checksum}"',
        'OPENAI_API_KEY = "sk-proj-' + "x" * 60 + "T3Blbk" + "FJ" + "x" * 60 + '"',
        'SLACK_BOT_TOKEN = "' + slack[:slack.rindex("-") + 1] + "X" * 24 + '"',
        'AWS_ACCESS_KEY_ID = "AKIA' + "IOSFODNN7" + 'EXAMPLE"',
        'password = "changeme-please"',  # pragma: allowlist secret
        'db_password = "your_password_here"',  # pragma: allowlist secret
    ]
    text = "\n".join(lines) + "\n"
    (tmp_path / "near.py").write_text(text)
    assert scan_text(text) == []
    doc = detect_secrets_scan(tmp_path, "near.py")
    assert reported(doc, "near.py") == set()


def test_what_only_the_builtin_knows_is_still_reported(tmp_path: Path) -> None:
    slack_user = "xoxs-" + "-".join(str(10**11 + 7 * i) for i in range(3)) + "-abc9f3e21d"
    text = "\n".join([
        # KeywordDetector's; no provider named, too short for keylint's generic credential
        f'api_key = "{fake_key("mistral-api-key", 5)[:16]}"',
        f'legacy = "{slack_user}"',  # SlackDetector's xoxs-, not a keylint shape
        # A block over several lines: the built-in reports its header.
        "-----BEGIN RSA PRIVATE KEY-----",  # pragma: allowlist secret
    ]) + "\n"
    (tmp_path / "old.py").write_text(text)
    assert scan_text(text) == []
    doc = detect_secrets_scan(tmp_path, "old.py")
    assert {(line, t) for line, t, _ in reported(doc, "old.py")} == {
        (1, "Secret Keyword"), (2, "Slack Token"), (3, "Private Key")}


def test_a_provider_key_is_reported_once_under_its_own_type(tmp_path: Path) -> None:
    key = fake_key("anthropic-api-key", 2)
    token = fake_key("github-token", 2)
    text = f'api_key = "{key}"\npassword = "{token}"\n'
    (tmp_path / "one.py").write_text(text)
    doc = detect_secrets_scan(tmp_path, "one.py")
    assert reported(doc, "one.py") == keylint_entries(text)
    assert {t for _, t, _ in reported(doc, "one.py")} == {"Anthropic API Key", "GitHub Token"}


def test_calls_are_skipped_unless_the_indirect_reference_filter_is_off(tmp_path: Path) -> None:
    key = fake_key("openai-project-key", 4)
    text = f'client = OpenAI(api_key="{key}")\n'
    (tmp_path / "client.py").write_text(text)
    assert reported(detect_secrets_scan(tmp_path, "client.py"), "client.py") == set()
    doc = detect_secrets_scan(tmp_path, "client.py", "--disable-filter",
                              "detect_secrets.filters.heuristic.is_indirect_reference")
    assert reported(doc, "client.py") == keylint_entries(text)


def test_a_shim_reexporting_the_plugins_loads_them(tmp_path: Path) -> None:
    (tmp_path / "ds_plugins.py").write_text(
        "from keylint.integrations.detect_secrets import *  # noqa: F403\n")
    text = one_line("groq-api-key", fake_key("groq-api-key", 6)) + "\n"
    (tmp_path / "app.py").write_text(text)
    doc = detect_secrets_scan(tmp_path, "app.py", plugin="ds_plugins.py")
    assert reported(doc, "app.py") == keylint_entries(text)


def test_analyze_string_judges_the_string_alone() -> None:
    classes = {getattr(plugins_module, n).secret_type: getattr(plugins_module, n)
               for n in plugins_module.__all__}
    mistral, github = classes["Mistral AI API Key"](), classes["GitHub Token"]()
    key, token = fake_key("mistral-api-key", 9), fake_key("github-token", 9)
    assert list(mistral.analyze_string(f'MISTRAL_API_KEY = "{key}"')) == [key]
    assert list(mistral.analyze_string(f'value = "{key}"')) == []  # no provider named
    assert list(github.analyze_string(f'value = "{token}"')) == [token]
    assert list(github.analyze_string(f'value = "{token[:-1]}0"')) == []
    assert github.verify(token) == VerifiedResult.UNVERIFIED
