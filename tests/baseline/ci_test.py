"""`keylint audit --ci`: fails on new, real or unaudited; notes stale; never prints a secret."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from tests.baseline.helpers import label, line, run, write
from tests.fakes import fake_key

KEYS = (("openai-project-key", 1), ("aws-access-key-id", 1), ("anthropic-api-key", 4))


@pytest.fixture
def audited(tree: Path) -> Path:
    """A tree whose baseline records every secret as an audited false positive."""
    write(tree, "app.py", line("openai-project-key", 1))
    write(tree, "conf.py", line("aws-access-key-id", 1))
    assert run("baseline", "create") == 0
    path = tree / ".secrets.baseline"
    label(path, "app.py", False)
    label(path, "conf.py", False)
    return path


def _ci(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = run("audit", "--ci", *extra)
    out = capsys.readouterr()
    text = out.out + out.err
    for rule, seed in KEYS:
        assert fake_key(rule, seed) not in text
    return code, out.out


def test_an_audited_tree_passes(audited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _ci(capsys)
    assert code == 0
    assert out.endswith("0 new, 0 real, 0 unaudited, 0 stale, 2 audited false positives: passed\n")


def test_a_new_secret_fails(tree: Path, audited: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    write(tree, "new.py", line("anthropic-api-key", 4))
    code, out = _ci(capsys)
    assert code == 1
    masked = "sk-ant-***..." + fake_key("anthropic-api-key", 4)[-4:]
    assert f"new.py:1:12: Anthropic API Key {masked} (anthropic-api-key) not in the baseline" in out


def test_a_real_secret_label_fails(audited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    label(audited, "conf.py", True)
    code, out = _ci(capsys)
    assert code == 1
    assert "conf.py:1: AWS Access Key AKI***..." in out and "labelled a real secret" in out


def test_unaudited_fails_unless_allowed(audited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    label(audited, "app.py", None)
    assert _ci(capsys)[0] == 1
    code, out = _ci(capsys, "--allow-unaudited")
    assert code == 0
    assert "not audited yet" in out and "(allowed)" in out


def test_stale_entries_are_reported_without_failing(tree: Path, audited: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    label(audited, "conf.py", True)  # a real secret, since removed: stale, not a failure
    (tree / "conf.py").unlink()
    (tree / "app.py").write_text("import os\n")
    code, out = _ci(capsys)
    assert code == 0
    assert out.count("stale baseline entry") == 2


def test_json_report(tree: Path, audited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tree, "new.py", line("anthropic-api-key", 4))
    label(audited, "app.py", None)
    code, out = _ci(capsys, "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["passed"] is False
    assert [f["rule_id"] for f in report["new"]] == ["anthropic-api-key"]
    assert [(x["path"], x["is_secret"]) for x in report["unaudited"]] == [("app.py", None)]
    assert report["stats"]["audited_false_positives"] == 1


def test_sarif_report(tree: Path, audited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tree, "new.py", line("anthropic-api-key", 4))
    label(audited, "conf.py", True)
    code, out = _ci(capsys, "--format", "sarif")
    report = json.loads(out)
    assert code == 1 and report["version"] == "2.1.0"
    results = report["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"keylint/baseline-real-secret"}
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  for r in results)
    assert uris == ["conf.py", "new.py"]


def test_github_annotations(tree: Path, audited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tree, "new.py", line("anthropic-api-key", 4))
    label(audited, "conf.py", True)
    code, out = _ci(capsys, "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert any(x.startswith("::error file=new.py,line=1") for x in lines)
    assert any(x.startswith("::error file=conf.py,line=1") and "real secret" in x for x in lines)


def test_report_to_a_file(tree: Path, audited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _ci(capsys, "--format", "json", "--output", "report.json")
    assert code == 0
    assert json.loads((tree / "report.json").read_text())["passed"] is True


def test_no_baseline_is_an_error(tree: Path) -> None:
    write(tree, "app.py", line("openai-project-key", 1))
    assert run("audit", "--ci") == 2


def test_interactive_audit_needs_a_terminal(audited: Path) -> None:
    assert run("audit") == 2  # pytest's stdin is not a TTY


def test_report_to_a_pipe_keeps_the_pipe(tmp_path: Path, audited: Path) -> None:
    fifo = tmp_path / "report.pipe"  # outside the scanned tree
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code = run("audit", "--ci", "--format", "json", "--output", str(fifo))
    reader.join()
    assert code == 0
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # written through, not replaced by a file
    assert json.loads(received[0])["passed"] is True
