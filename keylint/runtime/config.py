"""`ConfigValidator`: validate configuration dicts against a JSON schema, defaults filled in.

Built on `jsonschema` (imported when the first validator is made): the draft is taken from the
schema's `$schema` (2020-12 when absent) and `format` is checked. Our part is the policy: every
error is reported at once with its JSON path, messages are passed through secret redaction (a
config holds keys), and `default` values from the schema are filled into a copy.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from keylint.runtime.validation import ValidationError

__all__ = ["ConfigError", "ConfigValidator"]


class ConfigError(ValidationError):
    """A configuration failed its schema; `errors` lists every `(json_path, message)`."""

    def __init__(self, errors: list[tuple[str, str]], name: str = "config") -> None:
        lines = "; ".join(f"{path}: {message}" for path, message in errors)
        super().__init__(name, f"{len(errors)} error(s): {lines}")
        self.errors = errors


class ConfigValidator:
    """Check config dicts against `schema`; `validate` returns a copy with defaults filled in."""

    def __init__(self, schema: Mapping[str, Any], *, name: str = "config") -> None:
        import jsonschema
        from jsonschema.validators import extend, validator_for

        base = validator_for(schema, default=jsonschema.Draft202012Validator)
        try:
            base.check_schema(dict(schema))
        except jsonschema.SchemaError as exc:
            raise ValueError(f"invalid schema at {exc.json_path}: {exc.message}") from None
        validate_properties = base.VALIDATORS["properties"]

        def fill_defaults(
            validator: Any, properties: Mapping[str, Any], instance: Any, schema: Any
        ) -> Iterator[Any]:
            if isinstance(instance, dict):
                for prop, sub in properties.items():
                    if isinstance(sub, Mapping) and "default" in sub and prop not in instance:
                        instance[prop] = copy.deepcopy(sub["default"])
            yield from validate_properties(validator, properties, instance, schema)

        self.name = name
        self.schema = dict(schema)
        self._checker = base(self.schema, format_checker=base.FORMAT_CHECKER)
        self._filler = extend(base, {"properties": fill_defaults})(  # type: ignore[no-untyped-call]
            self.schema, format_checker=base.FORMAT_CHECKER
        )

    def errors(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Every `(json_path, message)` for `config` as given (no defaults filled)."""
        return _collect(self._checker, copy.deepcopy(dict(config)))

    def validate(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """A deep copy of `config` with schema defaults filled in; raises `ConfigError`."""
        filled = copy.deepcopy(dict(config))
        for _ in self._filler.iter_errors(filled):  # pass 1: fill defaults everywhere
            pass
        problems = _collect(self._checker, filled)  # pass 2: `required` sees the defaults
        if problems:
            raise ConfigError(problems, self.name)
        return filled

    def is_valid(self, config: Mapping[str, Any]) -> bool:
        """True when `config` has no errors."""
        return not self.errors(config)


def _collect(validator: Any, instance: Any) -> list[tuple[str, str]]:
    from keylint.runtime.redaction import redact_api_keys

    found = [
        (str(e.json_path), redact_api_keys(str(e.message)))
        for e in validator.iter_errors(instance)
    ]
    return sorted(found)
