"""The last-resort message for a crash: one line, the file when known, never a secret."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import keylint.masking
from keylint.errors import crash_message
from keylint.scanner.files import Target
from tests.fakes import fake_key


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def _keylint_function(source: str, name: str) -> Callable[..., object]:
    """A function defined as if in a keylint module (the crash handler looks at those frames)."""
    namespace: dict[str, object] = {"__name__": "keylint.scanner.example"}
    exec(compile(source, "<keylint>", "exec"), namespace)
    fn = namespace[name]
    assert callable(fn)
    return fn


def test_an_exception_carrying_a_filename_names_it() -> None:
    exc = _raised(UnicodeError("bad"))
    exc.filename = "conf/app.yaml"  # type: ignore[attr-defined]
    assert crash_message(exc) == "conf/app.yaml: internal error (UnicodeError: bad); please report it"


def test_the_innermost_keylint_frame_holding_a_file_names_it() -> None:
    def fail(target: Target) -> None:  # not a keylint frame: its `target` is not looked at
        raise RuntimeError("oops")

    scan = _keylint_function("def scan(target, then):\n    then(Target('x', 'other'))\n", "scan")
    scan.__globals__["Target"] = Target  # type: ignore[attr-defined]
    outer = _keylint_function("def outer(path, then):\n    then(Target('./src/x.py', 'src/x.py'),"
                              " fail)\n", "outer")
    outer.__globals__.update(Target=Target, fail=fail)  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError) as info:
        outer("ignored/outer.py", scan)
    assert crash_message(info.value) == ("src/x.py: internal error (RuntimeError: oops); "
                                         "please report it")


def test_without_a_file_only_what_broke_is_said() -> None:
    assert crash_message(_raised(AssertionError())) == "internal error (AssertionError); please report it"


def test_a_key_in_the_path_or_the_message_is_masked() -> None:
    key = fake_key("openai-project-key", 2)
    path = str(Path("keys") / f"{key}.txt")
    message = crash_message(_raised(OSError(5, "I/O error", path)))
    assert key not in message and key[-4:] in message
    assert message.startswith("keys/") and "internal error (OSError: [Errno 5] I/O error" in message


def test_a_long_message_is_cut_and_kept_on_one_line() -> None:
    message = crash_message(_raised(ValueError("x\n" * 1000)))
    assert "\n" not in message and len(message) < 300


def test_when_masking_itself_breaks_only_the_type_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> str:
        raise MemoryError

    monkeypatch.setattr(keylint.masking, "redact_text", broken)
    assert crash_message(_raised(ValueError("maybe a key"))) == (
        "internal error (ValueError); please report it")
