from __future__ import annotations

import random
from typing import Any

import pytest

from keylint.masking import mask
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


# ------------------------------------------------- no secret in any message or path (issue 9, 16)

def _messages(info: pytest.ExceptionInfo[ConfigError]) -> str:
    return f"{info.value} {info.value.errors!r}"


@pytest.mark.parametrize(("rule_id", "where"), (
    pytest.param("password-assignment", ("password",), id="password"),
    pytest.param("password-assignment", ("db", "DB_PASSWORD"), id="nested password"),
    pytest.param("aws-secret-access-key", ("aws_secret_access_key",), id="aws secret"),
    pytest.param("aws-secret-access-key", ("aws", "secretAccessKey"), id="aws camel case"),
    pytest.param("twilio-auth-token", ("TWILIO_AUTH_TOKEN",), id="twilio"),
    pytest.param("twilio-auth-token", ("twilio", "auth_token"), id="twilio nested"),
    pytest.param("mistral-api-key", ("mistral", "api_key"), id="api key"),
    pytest.param("twilio-api-key-secret", ("client_secret",), id="client secret"),
    pytest.param("cohere-api-key", ("token",), id="token"),
))
@pytest.mark.parametrize("rule", (
    pytest.param({"type": "integer"}, id="type"),
    pytest.param({"type": "string", "pattern": "^x"}, id="pattern"),
    pytest.param({"type": "string", "minLength": 300}, id="minLength"),
    pytest.param({"enum": ["a", "b"]}, id="enum"),
    pytest.param({"not": {"type": "string"}}, id="not"),
    pytest.param({"type": "string", "format": "email"}, id="format"),
))
def test_a_value_judged_secret_by_its_name_never_shows(
    rule_id: str, where: tuple[str, ...], rule: dict[str, Any]
) -> None:
    secret = fake_key(rule_id, 21)
    schema: dict[str, Any] = rule
    config: Any = secret
    for name in reversed(where):
        schema = {"type": "object", "properties": {name: schema}}
        config = {name: config}
    with pytest.raises(ConfigError) as info:
        ConfigValidator(schema).validate(config)
    assert secret not in _messages(info)
    assert info.value.errors == ConfigValidator(schema).errors(config)
    ((path, message),) = info.value.errors
    assert path == "$." + ".".join(where)
    assert mask(secret) in message


def test_the_message_still_says_what_is_wrong() -> None:
    secret = fake_key("password-assignment", 22)
    schema = {"type": "object", "properties": {"password": {"type": "string", "minLength": 40}}}
    assert ConfigValidator(schema).errors({"password": secret}) == [
        ("$.password", f"{mask(secret)!r} is too short")
    ]


def test_a_whole_object_in_a_message_shows_no_secret() -> None:
    password, token = fake_key("password-assignment", 23), fake_key("twilio-auth-token", 23)
    key = fake_key("anthropic-api-key", 23)
    schema = {"anyOf": [{"required": ["url"]}, {"required": ["dsn"]}]}
    config = {"db": {"password": password, "hosts": [{"auth": token}]}, "llm": {"key": key}}
    with pytest.raises(ConfigError) as info:
        ConfigValidator(schema).validate(config)
    text = _messages(info)
    for secret in (password, token, key):
        assert secret not in text
        assert mask(secret) in text


def test_a_number_named_like_a_secret_never_shows() -> None:
    pin = random.Random(24).randrange(10**7, 10**8)
    schema = {"type": "object", "properties": {"password": {"type": "string"},
                                               "retries": {"type": "string"}}}
    errors = ConfigValidator(schema).errors({"password": pin, "retries": pin})
    assert errors == [("$.password", f"{mask(str(pin))} is not of type 'string'"),
                      ("$.retries", f"{mask(str(pin))} is not of type 'string'")]


@pytest.mark.parametrize("schema", (
    pytest.param({"type": "object", "additionalProperties": {"type": "integer"}},
                 id="additionalProperties"),
    pytest.param({"type": "object", "patternProperties": {"": {"type": "integer"}}},
                 id="patternProperties"),
))
def test_a_key_used_as_a_property_name_is_masked_in_the_path(schema: dict[str, Any]) -> None:
    key = fake_key("openai-project-key", 25)
    with pytest.raises(ConfigError) as info:
        ConfigValidator({"type": "object", "properties": {"keys": schema}}).validate(
            {"keys": {key: "primary"}}
        )
    assert key not in _messages(info)
    assert info.value.errors == [(f"$.keys['{mask(key)}']", "'primary' is not of type 'integer'")]


def test_paths_keep_jsonschema_spelling() -> None:
    schema = {"type": "object", "additionalProperties": {"type": "integer"}}
    errors = ConfigValidator(schema).errors({"x-y": "a", "it's": "b", "ok_1": "c"})
    assert [p for p, _ in errors] == ["$.ok_1", "$['it\\'s']", "$['x-y']"]


def test_names_that_only_look_like_secrets_still_show_their_value() -> None:
    schema = {"type": "object", "properties": {"token_count": {"type": "string"},
                                               "secret_name": {"type": "integer"}}}
    assert ConfigValidator(schema).errors({"token_count": 3, "secret_name": "db-main"}) == [
        ("$.secret_name", "'db-main' is not of type 'integer'"),
        ("$.token_count", "3 is not of type 'string'"),
    ]


def test_a_part_too_deep_to_walk_that_has_no_repr_does_not_break_the_report() -> None:
    class NoRepr:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    deep: Any = NoRepr()
    for _ in range(120):
        deep = [deep]
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    assert ConfigValidator(schema).errors({"deep": deep, "n": "x"}) == [
        ("$.n", "'x' is not of type 'integer'")
    ]
