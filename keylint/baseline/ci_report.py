"""Output of `keylint audit --ci`: text, JSON, SARIF and GitHub annotations (never a secret)."""

from __future__ import annotations

import json
from typing import Any

from keylint import __version__
from keylint.baseline.ci import Flagged, Verdict
from keylint.masking import inert_json, shown_path

REAL = "labelled a real secret in the baseline: rotate it, remove it, then update the baseline"
UNAUDITED = "not audited yet: run `keylint audit` and label it"
STALE = "stale baseline entry: no longer in the tree (`keylint baseline update` drops it)"


def _unreadable(v: Verdict) -> str:
    return f", {len(v.unreadable)} unreadable" if v.unreadable else ""


def _where(x: Flagged) -> str:
    name = shown_path(x.entry.filename)
    return f"{name}:{x.line}" if x.line else name


def _type(x: Flagged) -> str:
    """The entry's type as the baseline spells it: a change to the baseline must not be able to
    overwrite the report's lines on a terminal (`\r`, escape sequences)."""
    return shown_path(x.entry.type)


def _shown(x: Flagged) -> str:
    return f" {x.finding.masked}" if x.finding is not None else ""


def text(v: Verdict) -> str:
    """Human report: one line per problem, then a verdict line."""
    from keylint.report.text import format_finding

    lines = [f"keylint: error: {shown_path(p.display)}: {p.reason}" for p in v.unreadable]
    lines += [f"{format_finding(f)} not in the baseline" for f in v.new]
    lines += [f"{_where(x)}: {_type(x)}{_shown(x)} {REAL}" for x in v.real]
    level = "note" if v.allow_unaudited else "error"
    lines += [f"{_where(x)}: {_type(x)}{_shown(x)} {UNAUDITED}"
              + (" (allowed)" if level == "note" else "") for x in v.unaudited]
    lines += [f"keylint: note: {_where(x)}: {_type(x)}: {STALE}" for x in v.stale]
    s = v.stats()
    outcome = "FAILED" if v.failed else "passed"
    lines.append(f"keylint audit: {shown_path(v.baseline)}: {s['new']} new, {s['real_secrets']} real, "
                 f"{s['unaudited']} unaudited, {s['stale']} stale, {s['audited_false_positives']} "
                 f"audited false positives{_unreadable(v)}: {outcome}")
    return "\n".join(lines) + "\n"


def document(v: Verdict) -> dict[str, Any]:
    """JSON report."""
    return {
        "version": 1, "tool": {"name": "keylint", "version": __version__},
        "baseline": shown_path(v.baseline), "passed": not v.failed,
        "new": [f.to_dict() for f in v.new],
        "real_secrets": [x.to_dict() for x in v.real],
        "unaudited": [x.to_dict() for x in v.unaudited],
        "stale": [x.to_dict() for x in v.stale],
        "unreadable": [{"path": shown_path(p.display), "reason": p.reason} for p in v.unreadable],
        "stats": v.stats(),
    }


def json_text(v: Verdict) -> str:
    """JSON report as text."""
    return inert_json(json.dumps(document(v), indent=2)) + "\n"


def _entry_results(v: Verdict) -> list[tuple[Flagged, str, str]]:
    """Failing baseline entries, each with its rule id and message."""
    out = [(x, "keylint/baseline-real-secret", REAL) for x in v.real]
    if not v.allow_unaudited:
        out += [(x, "keylint/baseline-unaudited", UNAUDITED) for x in v.unaudited]
    return out


def sarif(v: Verdict) -> str:
    """SARIF 2.1.0: new findings (via keylint.report.sarif), then the failing entries."""
    from keylint.report import sarif as sarif_report

    doc = json.loads(sarif_report.render(v.new))
    results = doc["runs"][0].setdefault("results", [])
    for x, rule, message in _entry_results(v):
        location: dict[str, Any] = {"artifactLocation": sarif_report.artifact_location(
            shown_path(x.entry.filename))}
        if x.finding is not None:
            location["region"] = {"startLine": x.finding.line, "startColumn": x.finding.column}
        elif x.line:
            location["region"] = {"startLine": x.line}
        results.append({"ruleId": rule, "level": "error",
                        "message": {"text": f"{x.entry.type}{_shown(x)} {message}"},
                        "locations": [{"physicalLocation": location}],
                        "partialFingerprints": {"hashedSecret/v1": x.entry.hashed_secret}})
    if v.unreadable:  # not a result (no secret there to alert on): the run itself failed
        doc["runs"][0]["invocations"] = [{"executionSuccessful": False, "toolExecutionNotifications": [
            {"level": "error", "message": {"text": f"{shown_path(p.display)}: {p.reason}"},
             "locations": [{"physicalLocation": {
                 "artifactLocation": sarif_report.artifact_location(shown_path(p.display))}}]}
            for p in v.unreadable]}]
    return inert_json(json.dumps(doc, indent=2)) + "\n"


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github(v: Verdict) -> str:
    """GitHub workflow commands: new findings via keylint.report.github, then the entries."""
    from keylint.report import github as github_report

    out = "".join(f"::error file={_escape(shown_path(p.display), True)},title=keylint::"
                  f"{_escape(p.reason)}\n" for p in v.unreadable)
    out += github_report.render(v.new)
    for x, _, message in _entry_results(v):
        line = f",line={x.line}" if x.line else ""
        out += (f"::error file={_escape(shown_path(x.entry.filename), True)}{line},title=keylint::"
                f"{_escape(x.entry.type + _shown(x) + ' ' + message)}\n")
    for x in v.stale:
        line = f",line={x.line}" if x.line else ""
        out += (f"::notice file={_escape(shown_path(x.entry.filename), True)}{line},title=keylint::"
                f"{_escape(x.entry.type + ': ' + STALE)}\n")
    return out


RENDERERS = {"text": text, "json": json_text, "sarif": sarif, "github": github}
