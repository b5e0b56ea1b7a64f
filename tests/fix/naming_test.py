"""Env var naming: one name per value, `_2` for a taken name, clear names preferred."""

from __future__ import annotations

import pytest

from keylint.fix.naming import NamePicker, clear_name, is_env_name


@pytest.mark.parametrize(("name", "generic_rule", "expected"), (
    pytest.param("TWILIO_API_SECRET", False, True, id="specific upper case"),
    pytest.param("OPENAIKEY", False, True, id="one long word"),
    pytest.param("API_KEY", False, False, id="generic name, provider rule"),
    pytest.param("SECRET_KEY", True, True, id="generic name, generic rule"),
    pytest.param("PASSWORD", True, False, id="vague even for a password"),
    pytest.param("api_key", False, False, id="lower case"),
    pytest.param("URL", True, False, id="too short to say anything"),
    pytest.param("__KEY__", False, False, id="dunder"),
    pytest.param(None, False, False, id="no name"),
    pytest.param("TWILIO_API_SECRET\n", False, False, id="a final newline"),
))
def test_clear_name(name: str | None, generic_rule: bool, expected: bool) -> None:
    assert clear_name(name, generic_rule=generic_rule) is expected


@pytest.mark.parametrize(("name", "expected"), (
    pytest.param("OPENAI_API_KEY", True, id="upper case"),
    pytest.param("_x1", True, id="underscore and digit"),
    pytest.param("1X", False, id="leading digit"),
    pytest.param("A-B", False, id="dash"),
    pytest.param("OPENAI_API_KEY\n", False, id="a final newline"),
))
def test_is_env_name(name: str, expected: bool) -> None:
    assert is_env_name(name) is expected


def test_same_value_keeps_its_name() -> None:
    names = NamePicker({"OPENAI_API_KEY": "v1"})
    assert names.name_for("OPENAI_API_KEY", "v1") == "OPENAI_API_KEY"
    assert names.name_for("OTHER", "v1") == "OPENAI_API_KEY"


def test_taken_name_gets_a_suffix() -> None:
    names = NamePicker({"OPENAI_API_KEY": "v1", "OPENAI_API_KEY_2": "v2"})
    assert names.name_for("OPENAI_API_KEY", "v3") == "OPENAI_API_KEY_3"
    names.claim("OPENAI_API_KEY_3", "v3")
    assert names.added == {"OPENAI_API_KEY_3": "v3"}
    assert names.name_for("OPENAI_API_KEY", "v3") == "OPENAI_API_KEY_3"


def test_forced_name_is_used_even_if_the_value_has_another() -> None:
    names = NamePicker({"LLM_KEY": "v1"})
    assert names.name_for("OPENAI_API_KEY", "v1", forced=True) == "OPENAI_API_KEY"
    assert names.name_for("LLM_KEY", "v2", forced=True) == "LLM_KEY_2"


def test_read_only_never_invents_a_name() -> None:
    names = NamePicker({"MY_KEY": "v1"}, read_only=True)
    assert names.name_for("OPENAI_API_KEY", "v1") == "MY_KEY"
    assert names.name_for("OPENAI_API_KEY", "v1", forced=True) == "MY_KEY"
    assert names.name_for("OPENAI_API_KEY", "v2") is None


def test_fork_is_kept_only_when_adopted() -> None:
    names = NamePicker({})
    fork = names.fork()
    fork.claim("A", "1")
    assert names.added == {}
    names.adopt(fork)
    assert names.added == {"A": "1"} and names.known == {"A": "1"}
