from __future__ import annotations

import io

import pytest

from keylint.report import text
from keylint.scanner.engine import scan_text
from tests.fakes import fake_key

STATS = {"files_scanned": 3, "files_skipped": 1, "findings": 1, "seconds": 0.25}


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _finding() -> object:
    (f,) = scan_text(f'K = "{fake_key("groq-api-key")}"', "app.py")
    return f


def test_plain_output_when_not_a_terminal() -> None:
    out = io.StringIO()
    text.write([_finding()], STATS, out)  # type: ignore[list-item]
    lines = out.getvalue().splitlines()
    assert "\033[" not in out.getvalue()
    assert lines[0].startswith("app.py:1:6: Groq API Key gsk_")
    assert lines[1] == "keylint: 3 files scanned, 1 skipped, 1 finding in 0.25s"


def test_colour_on_a_terminal_unless_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = _Tty()
    text.write([_finding()], STATS, out)  # type: ignore[list-item]
    assert "\033[31mGroq API Key\033[0m" in out.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    out = _Tty()
    text.write([_finding()], STATS, out)  # type: ignore[list-item]
    assert "\033[" not in out.getvalue()
