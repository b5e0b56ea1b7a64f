"""SARIF 2.1.0 output, for code scanning (GitHub, Azure DevOps, IDE viewers). No raw secrets."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from keylint import __version__
from keylint.masking import inert_json, redact_text
from keylint.rules import PROVIDERS, RULES, RULES_BY_ID, Rule
from keylint.scanner.finding import Finding
from keylint.words import counted

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/keylint/"
SRCROOT = "%SRCROOT%"
# Code-scanning servers match alerts across runs by this key; bump the version if its recipe changes.
FINGERPRINT_KEY = "keylint/v1"


def document(findings: Sequence[Finding]) -> dict[str, Any]:
    """The SARIF log as data: one run, the rules that fired, one result per finding."""
    present = {f.rule_id for f in findings}
    rules = [r for r in RULES if r.id in present]
    index = {r.id: i for i, r in enumerate(rules)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "keylint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(r) for r in rules],
            }},
            # Finding columns count Unicode code points, not SARIF's default UTF-16 units.
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, index.get(f.rule_id)) for f in findings],
        }],
    }


def render(findings: Sequence[Finding]) -> str:
    """The SARIF log as indented JSON text."""
    return inert_json(json.dumps(document(findings), indent=2)) + "\n"


def artifact_location(path: str) -> dict[str, str]:
    """A relative path as a `%SRCROOT%`-based URI with `/` separators; an absolute one as file://."""
    if re.match(r"[A-Za-z]:[\\/]|\\\\", path):  # C:\x or \\server\share
        return {"uri": PureWindowsPath(path).as_uri()}
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return {"uri": PurePosixPath(posix).as_uri()}
    while posix.startswith("./"):
        posix = posix[2:]
    # bytes: a file name that is not valid UTF-8 (surrogate-escaped) is quoted byte for byte
    return {"uri": quote(posix.encode("utf-8", "surrogateescape"), safe="/"), "uriBaseId": SRCROOT}


def fingerprint(f: Finding) -> str:
    """A digest of `Finding.fingerprint` (path, rule, hashed secret): survives line moves."""
    return hashlib.sha256(f.fingerprint.encode("utf-8", "surrogateescape")).hexdigest()


def message(f: Finding) -> str:
    """What the result says: the secret type and the masked secret, never the raw one."""
    if f.commit:
        state = ("it is still in HEAD: remove it from the code too" if f.in_head
                 else "it is only in the history now")
        return (f"{f.secret_type} {f.masked} was committed in {f.commit[:12]} "
                f"({f.author_date[:10]}; {counted(f.commits, 'commit')}, "
                f"{counted(f.paths, 'path')}): rotate it, as it stays in the git history; {state}.")
    real = " The baseline labels it a real secret." if f.labelled_real else ""
    return (f"{f.secret_type} {f.masked} is hard-coded: read it from the environment "
            f"({_env_var(f.rule_id)}) and rotate it, as it stays in the git history.{real}")


def _env_var(rule_id: str) -> str:
    rule = RULES_BY_ID.get(rule_id)
    return rule.env_var if rule is not None else "an environment variable"


def _result(f: Finding, rule_index: int | None) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": f.rule_id}
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    result.update({
        "level": "error",
        "message": {"text": message(f)},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact_location(redact_text(f.path)),
            "region": {
                "startLine": f.line, "startColumn": f.column,
                "endLine": f.end_line, "endColumn": f.end_column,
            },
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f)},
        "properties": {"provider": f.provider, **({"history": f.history()} if f.commit else {})},
    })
    return result


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", rule_id) if part)


def _descriptor(rule: Rule) -> dict[str, Any]:
    provider = PROVIDERS[rule.provider].name
    rotate = rule.rotate_url
    where = f"[{rotate}]({rotate})" if rotate.startswith("https://") else rotate
    text = (f"Read the key from the environment instead: os.environ[\"{rule.env_var}\"] "
            f"(`keylint fix` rewrites the literal). Then rotate it, since it stays in the "
            f"history: {rotate}")
    markdown = (f"Read the key from the environment instead: `os.environ[\"{rule.env_var}\"]` "
                f"(`keylint fix` rewrites the literal). Then rotate it, since it stays in the "
                f"history: {where}")
    return {
        "id": rule.id,
        "name": _pascal(rule.id),
        "shortDescription": {"text": f"Hard-coded {rule.secret_type}"},
        "fullDescription": {"text": rule.description or
                            f"A hard-coded {provider} credential ({rule.secret_type}): anyone "
                            f"who can read the repository or its history can use it."},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "tags": ["security", "secret", rule.provider],
            "envVar": rule.env_var,
            "rotate": rotate,
        },
    }
