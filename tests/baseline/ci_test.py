"""`keylint audit --ci`: fails on new, real or unaudited; notes stale; never prints a secret."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.baseline.helpers import doc, label, line, run, write
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


def _unreadable(monkeypatch: pytest.MonkeyPatch, name: str, path: Path) -> None:
    """`os.<name>(path)` fails with EACCES, as for a user who may not read it (root reads
    everything, and the tests run as root here)."""
    real = getattr(os, name)

    def fake(p: Any, *args: Any, **kwargs: Any) -> Any:
        if os.path.abspath(os.fspath(p)) == str(path):
            raise PermissionError(13, "Permission denied", os.fspath(p))
        return real(p, *args, **kwargs)

    monkeypatch.setattr(os, name, fake)


def _failed_on_unreadable(fmt: str, out: str) -> None:
    """The report of `fmt` fails the gate and names conf.py as unreadable."""
    if fmt == "text":
        assert "keylint: error: conf.py: unreadable: Permission denied\n" in out
        assert out.endswith("2 audited false positives, 1 unreadable: FAILED\n")
    elif fmt == "json":
        report = json.loads(out)
        assert report["passed"] is False and report["stats"]["unreadable"] == 1
        assert report["unreadable"] == [{"path": "conf.py", "reason": "unreadable: Permission denied"}]
    elif fmt == "sarif":
        (invocation,) = json.loads(out)["runs"][0]["invocations"]
        assert invocation["executionSuccessful"] is False
        (note,) = invocation["toolExecutionNotifications"]
        assert note["level"] == "error" and note["message"]["text"].startswith("conf.py: unreadable")
        assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "conf.py"
    else:
        assert "::error file=conf.py,title=keylint::unreadable: Permission denied\n" in out


@pytest.mark.parametrize("fmt", ("text", "json", "sarif", "github"))
def test_an_unreadable_file_fails_the_gate_in_every_format(
    tree: Path, audited: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    fmt: str,
) -> None:
    _unreadable(monkeypatch, "open", tree / "conf.py")  # its key must not pass unseen
    code, out = _ci(capsys, "--format", fmt)
    assert code == 2
    _failed_on_unreadable(fmt, out)


@pytest.mark.parametrize("fmt", ("text", "json"))
def test_an_unreadable_file_fails_the_gate_in_a_report_file(
    tree: Path, audited: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    fmt: str,
) -> None:
    _unreadable(monkeypatch, "open", tree / "conf.py")
    capsys.readouterr()
    assert run("audit", "--ci", "--format", fmt, "--output", "report.out") == 2
    assert "keylint: error: conf.py: unreadable: Permission denied\n" in capsys.readouterr().err
    _failed_on_unreadable(fmt, (tree / "report.out").read_text())


def test_a_directory_that_cannot_be_listed_fails_the_gate(
    tree: Path, audited: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tree, "sub/more.py", "x = 1\n")
    _unreadable(monkeypatch, "scandir", tree / "sub")
    code, out = _ci(capsys)
    assert code == 2
    assert "keylint: error: sub: cannot list this directory: Permission denied\n" in out
    assert out.endswith(", 1 unreadable: FAILED\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_a_file_without_read_permission_fails_the_gate(
    tree: Path, audited: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "conf.py").chmod(0)
    code, out = _ci(capsys)
    assert code == 2
    assert "keylint: error: conf.py: unreadable: Permission denied\n" in out


def test_a_key_in_a_file_the_tree_scan_passes_over_fails(
        tree: Path, audited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`audit --ci` is a gate: a key in a file with a NUL byte or over the default size limit
    fails it, as the hook would fail the commit; `baseline update` records such a key, so it
    can be audited like any other."""
    key = fake_key("anthropic-api-key", 4)
    write(tree, "dump.bin", "\0\x01header\n" + line("anthropic-api-key", 4))
    write(tree, "big.log", "x = 1\n" * 2_000_000 + line("openai-project-key", 1))
    code, out = _ci(capsys)
    assert code == 1
    assert "dump.bin:2:" in out and "big.log:2000001:" in out
    assert key not in out
    assert run("baseline", "update") == 0
    label(audited, "dump.bin", False)
    label(audited, "big.log", False)
    assert _ci(capsys)[0] == 0


def test_a_baseline_type_cannot_rewrite_the_report_on_a_terminal(
        tree: Path, audited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The baseline is the repository's to change: a `\\r` or an escape sequence in an entry's
    type would overwrite the report's lines on a terminal."""
    data = doc(audited)
    for e in data["results"]["app.py"]:
        e["type"] = "Key\r\x1b[2K"
        e.pop("is_secret")
    audited.write_text(json.dumps(data), encoding="utf-8")
    code, out = _ci(capsys)
    assert code == 1
    assert "\r" not in out and "\x1b" not in out
    assert "app.py:1: Key\\r\\x1b[2K sk-proj***..." in out
