"""Baselines in plain sight: a scan says what its baseline accepted, never hides a secret labelled
real, can ignore the baseline, and finds it from a subdirectory as git finds its root."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.baseline.helpers import doc, entries, init_repo, keylint, label, line, write
from tests.report.sarif_test import schema_errors


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with a recorded key at the root and one in `app/`, and an `app/sub/`."""
    root = init_repo(tmp_path / "repo")
    write(root, "a.py", line("openai-project-key", 1))
    write(root, "real.py", line("github-token", 1))
    write(root, "app/b.py", line("anthropic-api-key", 1))
    (root / "app" / "sub").mkdir()
    assert keylint(root, "baseline", "create").returncode == 0
    return root


def test_a_scan_says_how_many_findings_its_baseline_accepted(repo: Path) -> None:
    text = keylint(repo, "scan")
    assert text.returncode == 0
    assert "0 findings, 3 accepted by the baseline .secrets.baseline" in text.stdout
    report = json.loads(keylint(repo, "scan", "--format", "json").stdout)
    assert (report["stats"]["findings"], report["stats"]["baseline_accepted"]) == (0, 3)
    log = json.loads(keylint(repo, "scan", "--format", "sarif").stdout)
    assert schema_errors(log) == []
    run = log["runs"][0]
    assert run["properties"]["baselineAccepted"] == 3 and run["results"] == []


def test_create_names_every_file_it_writes_and_why_to_commit_it(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "fresh")
    write(root, "a.py", line("openai-project-key", 1))
    out = keylint(root, "baseline", "create").stdout.splitlines()
    assert [x.split(": ")[1] for x in out] == [".secrets.baseline", ".keylint_detect_secrets.py"]
    assert all("commit it" in x for x in out)
    assert (root / ".keylint_detect_secrets.py").is_file()


def test_without_a_baseline_the_summary_claims_nothing(tmp_path: Path) -> None:
    write(tmp_path, "a.py", line("openai-project-key", 1))
    result = keylint(tmp_path, "scan")
    assert result.returncode == 1 and "accepted" not in result.stdout
    assert "baseline_accepted" not in json.loads(keylint(tmp_path, "scan", "--format",
                                                         "json").stdout)["stats"]


def test_an_entry_labelled_a_real_secret_is_reported_and_fails(repo: Path) -> None:
    label(repo / ".secrets.baseline", "real.py", True)
    label(repo / ".secrets.baseline", "a.py", False)
    text = keylint(repo, "scan")
    assert text.returncode == 1
    reported = [x for x in text.stdout.splitlines() if x.startswith("real.py:")]
    assert len(reported) == 1 and "labelled a real secret in the baseline" in reported[0]
    assert "2 accepted by the baseline" in text.stdout  # a.py (false positive) and app/b.py
    report = json.loads(keylint(repo, "scan", "--format", "json").stdout)
    assert [(r["path"], r.get("baseline_label")) for r in report["results"]] == [
        ("real.py", "real secret")]
    sarif = json.loads(keylint(repo, "scan", "--format", "sarif").stdout)["runs"][0]["results"]
    assert len(sarif) == 1 and "labels it a real secret" in sarif[0]["message"]["text"]


def test_no_baseline_reports_every_finding(repo: Path) -> None:
    result = keylint(repo, "scan", "--no-baseline")
    assert result.returncode == 1
    assert sorted(x.split(":")[0] for x in result.stdout.splitlines()[:-1]) == [
        "a.py", "app/b.py", "real.py"]
    assert "accepted" not in result.stdout


@pytest.mark.parametrize("argv", [("scan", "--baseline", ""), ("audit", "--ci", ""),
                                  ("baseline", "update", "--baseline", "  ")])
def test_an_empty_baseline_name_is_a_one_line_usage_error(repo: Path, argv: tuple[str, ...]) -> None:
    result = keylint(repo, *argv)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "needs a file name" in result.stderr
    assert "directory" not in result.stderr


def test_audit_and_scan_in_a_subdirectory_use_the_root_baseline(repo: Path) -> None:
    label(repo / ".secrets.baseline", "real.py", False)
    label(repo / ".secrets.baseline", "a.py", False)
    label(repo / ".secrets.baseline", "app/b.py", False)
    sub = repo / "app" / "sub"
    audit = keylint(sub, "audit", "--ci", "--format", "json")
    assert audit.returncode == 0, audit.stderr
    report = json.loads(audit.stdout)
    assert report["stats"]["audited_false_positives"] == 3 and report["stats"]["stale"] == 0
    scan = keylint(repo / "app", "scan")
    assert scan.returncode == 0 and "1 accepted by the baseline ../.secrets.baseline" in scan.stdout
    write(repo, "app/c.py", line("groq-api-key", 1))
    scan = keylint(repo / "app", "scan")
    assert scan.returncode == 1 and scan.stdout.startswith("c.py:1:")  # paths as the user sees them
    assert keylint(sub, "audit", "--ci").returncode == 1


def test_the_config_is_found_from_a_subdirectory(repo: Path) -> None:
    (repo / ".secrets.baseline").rename(repo / "kept.baseline")
    write(repo, "pyproject.toml", '[tool.keylint]\nbaseline = "kept.baseline"\n')
    result = keylint(repo / "app" / "sub", "audit", "--ci", "--allow-unaudited")
    assert result.returncode == 0, result.stderr
    assert "kept.baseline" in result.stdout


def test_baseline_update_in_a_subdirectory_writes_root_relative_paths(repo: Path) -> None:
    write(repo, "app/sub/c.py", line("groq-api-key", 1))
    label(repo / ".secrets.baseline", "a.py", False)
    result = keylint(repo / "app" / "sub", "baseline", "update")
    assert result.returncode == 0, result.stderr
    assert not (repo / "app" / "sub" / ".secrets.baseline").exists()
    assert sorted(doc(repo / ".secrets.baseline")["results"]) == [
        "a.py", "app/b.py", "app/sub/c.py", "real.py"]
    assert [e.get("is_secret") for e in entries(repo / ".secrets.baseline")
            if e["filename"] == "a.py"] == [False]
