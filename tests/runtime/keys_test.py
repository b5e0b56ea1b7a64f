from __future__ import annotations

import copy
import json
import logging
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keylint.masking import mask
from keylint.runtime import MissingSecretError, SecureString, mask_api_key
from tests.fakes import fake_key

KEY = fake_key("openai-project-key", 1)


def test_every_text_form_is_masked() -> None:
    s = SecureString(KEY)
    masked = mask(KEY)
    assert str(s) == masked
    assert repr(s) == f"SecureString({masked!r})"
    assert f"{s}" == masked
    assert f"{s!s}" == masked
    assert f"{s!r}" == repr(s)
    assert format(s, ">60") == masked.rjust(60)
    assert "%s" % s == masked  # noqa: UP031 (the %-operator is what is tested)
    assert "{}".format(s) == masked  # noqa: UP032 (str.format is what is tested)
    assert KEY not in str([s]) and KEY not in str({"k": s})


def test_get_secret_value_returns_the_key() -> None:
    assert SecureString(KEY).get_secret_value() == KEY
    assert SecureString(SecureString(KEY)).get_secret_value() == KEY


def test_not_a_str_so_concatenation_and_json_cannot_leak() -> None:
    s = SecureString(KEY)
    with pytest.raises(TypeError):
        _ = "Bearer " + s  # type: ignore[operator]
    with pytest.raises(TypeError):
        json.dumps({"key": s})


def test_non_str_value_is_refused() -> None:
    with pytest.raises(TypeError, match="needs a str"):
        SecureString(123)  # type: ignore[arg-type]


def test_from_env_reads_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    assert SecureString.from_env("OPENAI_API_KEY").get_secret_value() == KEY


def test_from_env_accepts_an_explicit_mapping() -> None:
    assert SecureString.from_env("X_KEY", {"X_KEY": KEY}) == KEY


def test_from_env_missing_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(MissingSecretError) as info:
        SecureString.from_env("OPENAI_API_KEY")
    assert str(info.value) == "environment variable OPENAI_API_KEY is not set"
    assert info.value.name == "OPENAI_API_KEY"
    assert isinstance(info.value, KeyError)


def test_from_env_empty_is_an_error() -> None:
    with pytest.raises(MissingSecretError, match="OPENAI_API_KEY is empty"):
        SecureString.from_env("OPENAI_API_KEY", {"OPENAI_API_KEY": "  "})


def test_equality_with_securestring_and_str() -> None:
    s = SecureString(KEY)
    assert s == SecureString(KEY)
    assert s == KEY
    assert KEY == s  # noqa: SIM300 (the reflected == is what is tested)
    assert s != SecureString(KEY[:-1] + "x")
    assert s != KEY[:-1]
    assert s != 42
    assert not (s != SecureString(KEY))  # noqa: SIM202 (__ne__ is what is tested)


def test_non_ascii_values_compare() -> None:
    assert SecureString("clé-ünï-ꙮ") == "clé-ünï-ꙮ"
    assert SecureString("clé-ünï-ꙮ") != "cle-uni-o"


def test_hashable_and_consistent_with_eq() -> None:
    s = SecureString(KEY)
    assert hash(s) == hash(SecureString(KEY))
    pool = {s: "primary"}
    assert pool[SecureString(KEY)] == "primary"
    assert pool[KEY] == "primary"  # type: ignore[index]
    assert len({s, SecureString(KEY)}) == 1


def test_pickling_is_refused() -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(SecureString(KEY), protocol=protocol)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps({"nested": [SecureString(KEY)]})


def test_copies_are_the_same_object() -> None:
    s = SecureString(KEY)
    assert copy.copy(s) is s
    assert copy.deepcopy({"k": s})["k"] is s


def test_immutable() -> None:
    s = SecureString(KEY)
    with pytest.raises(AttributeError):
        s._value = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del s._value


def test_no_instance_dict_to_dump() -> None:
    s = SecureString(KEY)
    assert not hasattr(s, "__dict__")


def test_len_and_bool() -> None:
    assert len(SecureString(KEY)) == len(KEY)
    assert bool(SecureString(KEY)) and not bool(SecureString(""))


def test_logging_a_securestring_prints_the_mask(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("app").info("using %s and %r", SecureString(KEY), SecureString(KEY))
    assert KEY not in caplog.text
    assert mask(KEY) in caplog.text


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("x" * 40, "xxxxxxx***...xxxx", id="long: 7 + 4"),
        pytest.param("", "***...", id="empty"),
        pytest.param("abc", "a***...", id="three chars: one shown"),
        pytest.param("ab", "***...", id="two chars: none shown"),
    ],
)
def test_mask_api_key_shapes(key: str, expected: str) -> None:
    assert mask_api_key(key) == expected


def test_mask_api_key_is_the_scanner_mask() -> None:
    assert mask_api_key(KEY) == mask(KEY)
    assert mask_api_key(SecureString(KEY)) == mask(KEY)
    assert mask_api_key(KEY).startswith(KEY[:7]) and mask_api_key(KEY).endswith(KEY[-4:])


@given(st.text(max_size=300))
def test_mask_never_reveals_more_than_a_third(key: str) -> None:
    shown = mask_api_key(key).replace("***...", "", 1)
    assert len(shown) <= len(key) // 3
    assert mask_api_key(key).count("***...") >= 1
