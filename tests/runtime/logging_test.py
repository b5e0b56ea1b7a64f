from __future__ import annotations

import enum
import io
import logging
from collections.abc import Callable, Iterator, Mapping
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# ---------------------------------------------------------------- structured values (issue 9, 16)

# Judged secret only by their name: the detector alone does not flag these shapes.
BY_NAME = fake_key("twilio-auth-token", 13)  # 32 hex
AWS = fake_key("aws-secret-access-key", 13)


class _Keep(logging.Handler):
    """Formats like a handler with `fmt`, and keeps each (filtered) record and its output."""

    def __init__(self, fmt: str) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter(fmt))
        self.addFilter(KeyMaskingFilter())
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


# Not registered with `logging`: pytest (9.2+) attaches its own unfiltered capture handlers to
# every registered logger that does not propagate, and they would format records first.
_KEEP = logging.Logger("svc.keep", logging.DEBUG)


@pytest.fixture
def keep() -> Iterator[Callable[[str], _Keep]]:
    """`keep(fmt)` adds a `_Keep` handler to the logger `_KEEP`; removed after the test."""

    def make(fmt: str) -> _Keep:
        handler = _Keep(fmt)
        _KEEP.addHandler(handler)
        return handler

    yield make
    for handler in list(_KEEP.handlers):
        _KEEP.removeHandler(handler)


class _Pair(NamedTuple):
    name: str
    key: str


@pytest.mark.parametrize("ctx", (
    pytest.param(lambda: {"headers": {"X-Upstream": f"Bearer {KEY}"}}, id="dict in dict"),
    pytest.param(lambda: [KEY], id="list"),
    pytest.param(lambda: ("x", 1, KEY), id="tuple"),
    pytest.param(lambda: {KEY}, id="set"),
    pytest.param(lambda: frozenset({KEY}), id="frozenset"),
    pytest.param(lambda: [{"a": [(KEY,)]}], id="list of dict of list of tuple"),
    pytest.param(lambda: {KEY: "value"}, id="dict key"),
    pytest.param(lambda: [KEY.encode()], id="bytes in a list"),
    pytest.param(lambda: _Pair("primary", KEY), id="namedtuple"),
))
def test_nested_extra_values_are_masked(
    keep: Callable[[str], _Keep], ctx: Callable[[], object]
) -> None:
    handler = keep("%(message)s %(ctx)s %(ctx)r")
    _KEEP.warning("sent", extra={"ctx": ctx()})
    record = handler.records[0]
    assert KEY not in handler.lines[0]
    assert KEY not in repr(vars(record)["ctx"])
    assert mask(KEY) in handler.lines[0]


def test_a_namedtuple_extra_keeps_its_type(keep: Callable[[str], _Keep]) -> None:
    handler = keep("%(message)s")
    _KEEP.warning("sent", extra={"ctx": _Pair("primary", KEY)})
    assert vars(handler.records[0])["ctx"] == _Pair("primary", mask(KEY))


@pytest.mark.parametrize("name", (
    "password", "DB_PASSWORD", "client_secret", "awsSecretAccessKey", "aws_secret_access_key",
    "x-api-key", "apiKey", "auth_token", "TWILIO_AUTH_TOKEN", "token", "Authorization",
    "passphrase",
))
def test_values_named_like_secrets_are_masked_whole(
    keep: Callable[[str], _Keep], name: str
) -> None:
    handler = keep("%(message)s %(db)s")
    extra = {"db": {"host": "db.internal", name: BY_NAME, "aws": [{name: AWS}]}}
    _KEEP.warning("connect", extra=extra)
    assert BY_NAME not in handler.lines[0] and AWS not in handler.lines[0]
    assert vars(handler.records[0])["db"] == {"host": "db.internal", name: mask(BY_NAME),
                                     "aws": [{name: mask(AWS)}]}
    assert extra["db"][name] == BY_NAME  # the caller's dict is copied, not edited


@pytest.mark.parametrize("name", (
    "token_count", "max_tokens", "secret_name", "password_min_length", "bypass", "key", "sort_key",
    "author",
))
def test_names_that_only_look_like_secrets_are_left_alone(
    keep: Callable[[str], _Keep], name: str
) -> None:
    value = {name: BY_NAME, "n": 3}
    handler = keep("%(message)s")
    _KEEP.warning("connect", extra={"ctx": value})
    assert vars(handler.records[0])["ctx"] is value


class _Pin(enum.IntEnum):
    DEFAULT = 4711


@pytest.mark.parametrize(("value", "shown"), (
    pytest.param(BY_NAME.encode(), mask(BY_NAME).encode(), id="bytes"),
    pytest.param(bytearray(BY_NAME.encode()), mask(BY_NAME).encode(), id="bytearray"),
    pytest.param(int(BY_NAME[:12], 16), mask(str(int(BY_NAME[:12], 16))), id="int"),
    pytest.param(int(BY_NAME[:8], 16) / 1000, mask(str(int(BY_NAME[:8], 16) / 1000)), id="float"),
    pytest.param(_Pin.DEFAULT, mask(str(_Pin.DEFAULT)), id="int enum"),
))
def test_non_text_values_named_like_secrets_are_masked(
    keep: Callable[[str], _Keep], value: object, shown: object
) -> None:
    handler = keep("%(message)s %(password)s")
    _KEEP.warning("login", extra={"password": value, "retries": value})
    assert vars(handler.records[0])["password"] == shown
    assert vars(handler.records[0])["retries"] is value  # not a secret's name: left alone


def test_an_extra_field_named_like_a_secret_is_masked(keep: Callable[[str], _Keep]) -> None:
    handler = keep("%(message)s %(password)s")
    _KEEP.warning("login", extra={"password": BY_NAME})
    assert handler.lines == [f"login {mask(BY_NAME)}"]


def test_mapping_args_named_like_secrets_are_masked(keep: Callable[[str], _Keep]) -> None:
    handler = keep("%(message)s")
    _KEEP.info("login %(user)s with %(password)s",
                                       {"user": "alice", "password": BY_NAME})
    assert handler.lines == [f"login alice with {mask(BY_NAME)}"]


def test_nested_args_are_masked_in_the_record(keep: Callable[[str], _Keep]) -> None:
    handler = keep("%(message)s")
    logger = _KEEP
    logger.info("configured", {"openai": {"keys": [KEY]}})  # not in the message: still in args
    logger.info("first bytes %.8s", KEY)  # only a part shows in the message
    for record in handler.records:  # a JSON formatter may dump `args`
        assert KEY not in repr(record.args)
    assert handler.records[0].args == {"openai": {"keys": [mask(KEY)]}}


def test_a_dict_logged_as_the_message_is_masked(keep: Callable[[str], _Keep]) -> None:
    handler = keep("%(message)s")
    _KEEP.info({"upstream": {"sid": "main", "auth_token": BY_NAME}})
    assert BY_NAME not in handler.lines[0]
    assert handler.lines[0] == str({"upstream": {"sid": "main", "auth_token": mask(BY_NAME)}})


def test_a_cyclic_extra_is_masked_without_recursing(keep: Callable[[str], _Keep]) -> None:
    ring: list[object] = [KEY]
    ring.append({"back": ring})
    handler = keep("%(message)s %(ctx)s")
    _KEEP.warning("ring", extra={"ctx": ring})
    assert KEY not in handler.lines[0]
    assert vars(handler.records[0])["ctx"] == [mask(KEY), {"back": "[...]"}]


def test_a_cyclic_extra_is_copied_without_its_cycle(keep: Callable[[str], _Keep]) -> None:
    ring: list[object] = ["plain", {"api_key": BY_NAME}]
    ring.append({"back": ring})
    handler = keep("%(message)s")
    _KEEP.warning("ring", extra={"ctx": ring})
    assert vars(handler.records[0])["ctx"] == ["plain", {"api_key": mask(BY_NAME)}, {"back": "[...]"}]


def _deep(inner: object) -> object:
    for i in range(60):
        inner = [inner] if i % 2 else {"level": inner}
    return inner


def test_an_extra_nested_deeper_than_the_walk_is_masked(keep: Callable[[str], _Keep]) -> None:
    handler = keep("%(message)s %(ctx)s")
    _KEEP.warning("deep", extra={"ctx": _deep({"key": KEY})})
    assert KEY not in handler.lines[0]
    assert mask(KEY) in handler.lines[0]  # shown as its redacted text


def test_a_secret_named_field_nested_too_deep_is_not_shown(keep: Callable[[str], _Keep]) -> None:
    handler = keep("%(message)s %(ctx)s")
    _KEEP.warning("deep", extra={"ctx": {"ok": 1, "deep": _deep({"auth_token": BY_NAME})}})
    assert BY_NAME not in handler.lines[0]
    assert vars(handler.records[0])["ctx"]["ok"] == 1
    assert "[keylint: value not shown: too deep or too big to check" in handler.lines[0]


def test_an_extra_too_big_to_walk_is_still_masked(keep: Callable[[str], _Keep]) -> None:
    big = [f"item {i}" for i in range(30_000)] + [KEY]
    handler = keep("%(message)s %(ctx)s")
    _KEEP.warning("big", extra={"ctx": big})
    assert KEY not in handler.lines[0]
    assert mask(KEY) in handler.lines[0]


def test_an_extra_that_cannot_be_walked_is_dropped_not_passed_on(
    keep: Callable[[str], _Keep],
) -> None:
    class Broken(Mapping[str, str]):
        def __getitem__(self, name: str) -> str:
            return KEY

        def __iter__(self) -> Iterator[str]:
            raise RuntimeError("cannot iterate")

        def __len__(self) -> int:
            return 1

    handler = keep("%(message)s %(ctx)s %(api_key)s")
    _KEEP.warning("sent", extra={"ctx": Broken(), "api_key": KEY})
    assert handler.lines == [
        f"sent [keylint: value dropped: redaction failed] {mask(KEY)}"
    ]


def test_extras_are_dropped_when_the_message_cannot_be_checked(
    keep: Callable[[str], _Keep],
) -> None:
    class Hostile:
        def __str__(self) -> str:
            raise RuntimeError("no str")

        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    handler = keep("%(message)s %(api_key)s")
    _KEEP.warning(Hostile(), extra={"api_key": KEY})
    assert handler.lines == [
        "[keylint: log record dropped: redaction failed] [keylint: value dropped: redaction failed]"
    ]


def test_two_filtered_handlers_show_the_same_masks(keep: Callable[[str], _Keep]) -> None:
    first, second = keep("%(message)s %(db)s"), keep("%(message)s %(db)s")
    _KEEP.warning("db", extra={"db": {"password": BY_NAME, "k": KEY}})
    assert first.lines == second.lines  # the second filter sees masks: it changes nothing
    assert first.lines[0] == f"db {{'password': '{mask(BY_NAME)}', 'k': '{mask(KEY)}'}}"


_NAMES = st.sampled_from(["a", "host", "items", "headers", "Authorization", "cfg", "x-y", "0"])
_LEAVES = st.one_of(
    st.just(KEY), st.just(f"Bearer {KEY}"), st.just(KEY.encode()), st.just(f"{KEY}\n{KEY}"),
    st.frozensets(st.sampled_from([KEY, "x", 1]), max_size=3),
    st.text(max_size=20), st.integers(), st.none(), st.booleans(),
)


def _nested(leaves: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.lists(inner, max_size=4).map(tuple),
            st.dictionaries(st.one_of(_NAMES, st.just(KEY)), inner, max_size=4),
        ),
        max_leaves=30,
    )


def _bury(value: object, depth: int) -> object:
    for i in range(depth):
        value = [value] if i % 3 == 0 else ({"n": value} if i % 3 == 1 else (value,))
    return value


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(value=_nested(_LEAVES), depth=st.integers(0, 40), arg=_nested(_LEAVES))
def test_a_key_anywhere_in_nested_values_never_gets_through(
    value: object, depth: int, arg: object
) -> None:
    buried = _bury(value, depth)
    record = logging.LogRecord("svc", logging.INFO, __file__, 1, "got %s and %r", (arg, buried),
                               None)
    vars(record).update(ctx=buried, more={"inner": [buried, value]})
    assert KeyMaskingFilter().filter(record) is True
    shown = logging.Formatter("%(message)s %(ctx)s %(ctx)r %(more)s").format(record)
    assert KEY not in shown
    for field in (record.args, vars(record)["ctx"], vars(record)["more"]):
        assert KEY not in repr(field)
        assert KEY.encode() not in repr(field).encode()


def test_a_record_that_refuses_the_placeholders_is_not_emitted() -> None:
    class Hostile:
        def __str__(self) -> str:
            raise RuntimeError("no str")

        __repr__ = __str__

    class Stubborn(logging.LogRecord):
        frozen = False

        def __setattr__(self, name: str, value: object) -> None:
            if self.frozen:
                raise AttributeError(name)
            super().__setattr__(name, value)

    record = Stubborn("svc", logging.INFO, __file__, 1, Hostile(), (), None)
    vars(record)["api_key"] = KEY
    record.frozen = True
    assert KeyMaskingFilter().filter(record) is False
