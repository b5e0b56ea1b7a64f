from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from keylint.masking import mask
from keylint.runtime import KeyMaskingFilter, SecureString
from tests.fakes import fake_key

KEY = fake_key("anthropic-api-key", 11)
OTHER = fake_key("openai-project-key", 12)


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """Logger `svc` with one StreamHandler that carries the filter; yields (logger, output)."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    handler.addFilter(KeyMaskingFilter())
    logger = logging.getLogger("svc")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)
    yield logger, out
    logger.removeHandler(handler)
    logger.propagate = True


def test_key_in_the_message_is_masked(logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = logged
    logger.warning(f"calling with {KEY}")
    assert out.getvalue() == f"svc WARNING calling with {mask(KEY)}\n"


def test_child_logger_records_are_masked_by_the_parent_handler(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    _, out = logged
    logging.getLogger("svc.db.pool").error("dsn key %s", KEY)
    assert out.getvalue() == f"svc.db.pool ERROR dsn key {mask(KEY)}\n"


def test_tuple_args_and_numeric_formats(logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = logged
    logger.info("try %d of %d with %s (%.1f s)", 2, 3, KEY, 0.25)
    assert out.getvalue() == f"svc INFO try 2 of 3 with {mask(KEY)} (0.2 s)\n"


def test_mapping_args_with_one_key(logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = logged
    logger.info("key=%(key)s", {"key": KEY})  # LogRecord unwraps ({...},) to the dict
    assert out.getvalue() == f"svc INFO key={mask(KEY)}\n"


def test_mapping_args_with_two_keys(logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = logged
    logger.info("a=%(a)s b=%(b)s", {"a": KEY, "b": OTHER})
    assert out.getvalue() == f"svc INFO a={mask(KEY)} b={mask(OTHER)}\n"


def test_exception_text_is_masked(logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = logged
    try:
        raise PermissionError(f"401 for key {KEY}")
    except PermissionError:
        logger.exception("request failed")
    text = out.getvalue()
    assert KEY not in text
    assert f"PermissionError: 401 for key {mask(KEY)}" in text
    assert "Traceback (most recent call last)" in text


def test_exception_text_cached_raw_by_an_earlier_handler_is_masked() -> None:
    raw_out, clean_out = io.StringIO(), io.StringIO()
    raw = logging.StreamHandler(raw_out)  # no filter: formats and caches exc_text first
    clean = logging.StreamHandler(clean_out)
    clean.addFilter(KeyMaskingFilter())
    logger = logging.getLogger("svc.cached")
    logger.propagate = False
    logger.addHandler(raw)
    logger.addHandler(clean)
    try:
        try:
            raise ValueError(KEY)
        except ValueError:
            logger.exception("boom")
    finally:
        logger.removeHandler(raw)
        logger.removeHandler(clean)
    assert KEY in raw_out.getvalue()  # the unfiltered handler leaks: why the filter is needed
    assert KEY not in clean_out.getvalue()
    assert f"ValueError: {mask(KEY)}" in clean_out.getvalue()


def test_stack_info_is_masked() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(KeyMaskingFilter())
    record = logging.LogRecord("svc", logging.INFO, __file__, 1, "hello", (), None)
    record.stack_info = f'Stack (most recent call last):\n  File "x.py", line 3\n    k = "{KEY}"'
    handler.handle(record)
    assert KEY not in out.getvalue()
    assert mask(KEY) in out.getvalue()


def test_extra_fields_are_masked() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(message)s key=%(api_key)s"))
    handler.addFilter(KeyMaskingFilter())
    logger = logging.getLogger("svc.extra")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning("configured", extra={"api_key": KEY})
    finally:
        logger.removeHandler(handler)
    assert out.getvalue() == f"configured key={mask(KEY)}\n"


def test_a_record_without_keys_is_left_alone() -> None:
    args = ("alice", 3)
    record = logging.LogRecord("svc", logging.INFO, __file__, 1, "user %s tried %d times", args, None)
    assert KeyMaskingFilter().filter(record) is True
    assert record.msg == "user %s tried %d times"
    assert record.args is args


def test_filter_mutates_in_place_and_returns_true() -> None:
    record = logging.LogRecord("svc", logging.INFO, __file__, 1, "key %s", (KEY,), None)
    result = KeyMaskingFilter().filter(record)
    assert result is True  # not a copy: Python 3.11 would emit the raw original
    assert record.getMessage() == f"key {mask(KEY)}"


def test_bad_format_does_not_leak_args_to_stderr(
    logged: tuple[logging.Logger, io.StringIO], capsys: pytest.CaptureFixture[str]
) -> None:
    logger, out = logged
    logger.info("%d attempts", KEY)  # wrong type: unfiltered logging prints the args to stderr
    assert KEY not in out.getvalue() + capsys.readouterr().err
    assert mask(KEY) in out.getvalue()


def test_filter_never_raises(logged: tuple[logging.Logger, io.StringIO]) -> None:
    class Hostile:
        def __str__(self) -> str:
            raise RuntimeError("no str")

        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    logger, out = logged
    logger.info(Hostile())
    assert "redaction failed" in out.getvalue()


def test_securestring_args_stay_masked(logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = logged
    logger.info("key %s", SecureString(KEY))
    assert out.getvalue() == f"svc INFO key {mask(KEY)}\n"


def test_root_handler_masks_records_from_any_logger() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(KeyMaskingFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        logging.getLogger("third_party.sdk.http").info("Authorization: Bearer %s", KEY)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert out.getvalue() == f"Authorization: Bearer {mask(KEY)}\n"

