from __future__ import annotations

from typing import Any

import pytest

from keylint.runtime import ConfigValidator, ValidationError
from keylint.runtime.config import ConfigError
from tests.fakes import fake_key

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["provider", "limits"],
    "additionalProperties": False,
    "properties": {
        "provider": {"enum": ["openai", "anthropic"]},
        "model": {"type": "string", "default": "small"},
        "timeout": {"type": "number", "minimum": 0, "default": 30},
        "limits": {
            "type": "object",
            "required": ["rate"],
            "properties": {
                "rate": {"type": "number", "exclusiveMinimum": 0},
                "burst": {"type": "integer", "minimum": 1, "default": 10},
            },
        },
        "hosts": {"type": "array", "items": {"type": "string", "format": "ipv4"}},
        "api_key": {"type": "string", "maxLength": 8},
    },
}


def test_valid_config_gets_its_defaults_filled_in() -> None:
    cfg = {"provider": "openai", "limits": {"rate": 2}}
    out = ConfigValidator(SCHEMA).validate(cfg)
    assert out == {"provider": "openai", "limits": {"rate": 2, "burst": 10}, "model": "small",
                   "timeout": 30}
    assert cfg == {"provider": "openai", "limits": {"rate": 2}}  # the input is not modified


def test_given_values_win_over_defaults() -> None:
    out = ConfigValidator(SCHEMA).validate(
        {"provider": "anthropic", "model": "big", "limits": {"rate": 1, "burst": 3}}
    )
    assert (out["model"], out["limits"]["burst"], out["timeout"]) == ("big", 3, 30)


def test_every_error_is_reported_with_its_path() -> None:
    bad = {
        "provider": "acme",
        "timeout": -1,
        "limits": {"burst": 0},
        "hosts": ["10.0.0.1", "not an address"],
        "colour": "blue",
    }
    with pytest.raises(ConfigError) as info:
        ConfigValidator(SCHEMA).validate(bad)
    paths = [p for p, _ in info.value.errors]
    assert paths == ["$", "$.hosts[1]", "$.limits", "$.limits.burst", "$.provider", "$.timeout"]
    messages = dict(info.value.errors)
    assert "'rate' is a required property" in messages["$.limits"]
    assert "Additional properties are not allowed ('colour'" in messages["$"]
    assert "is not a 'ipv4'" in messages["$.hosts[1]"]
    assert isinstance(info.value, ValidationError)
    assert info.value.field == "config"
    assert str(info.value).startswith("config: 6 error(s): $: ")


def test_required_field_with_a_default_is_satisfied_by_the_default() -> None:
    schema = {"type": "object", "required": ["mode"],
              "properties": {"mode": {"type": "string", "default": "fast"}}}
    assert ConfigValidator(schema).validate({}) == {"mode": "fast"}
    assert ConfigValidator(schema).errors({}) == [("$", "'mode' is a required property")]


def test_error_messages_do_not_echo_a_key() -> None:
    key = fake_key("openai-project-key", 8)
    with pytest.raises(ConfigError) as info:
        ConfigValidator(SCHEMA).validate({"provider": "openai", "limits": {"rate": 1},
                                          "api_key": key})
    assert key not in str(info.value)
    assert info.value.errors[0][0] == "$.api_key"


def test_is_valid() -> None:
    v = ConfigValidator(SCHEMA)
    assert v.is_valid({"provider": "openai", "limits": {"rate": 1}})
    assert not v.is_valid({"provider": "openai"})


def test_an_invalid_schema_is_refused() -> None:
    with pytest.raises(ValueError, match="invalid schema"):
        ConfigValidator({"type": "no-such-type"})


def test_draft_is_taken_from_the_schema() -> None:
    draft7 = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
              "properties": {"n": {"type": "integer", "default": 1}}}
    assert ConfigValidator(draft7).validate({}) == {"n": 1}
