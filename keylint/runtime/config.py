"""`ConfigValidator`: validate configuration dicts against a JSON schema, defaults filled in.

Built on `jsonschema` (imported when the first validator is made): the draft is taken from the
schema's `$schema` (2020-12 when absent) and `format` is checked. Our part is the policy: every
error is reported at once with its JSON path, and `default` values from the schema are filled
into a copy. A config holds keys, and jsonschema's messages quote the values they judge, so no
message or path holds a secret: the secrets of the config are found first (by the detector, and
by property name: `password`, `client_secret`, `aws_secret_access_key`, `twilio.auth_token`)
and every way a message can show one (its `repr`, its text) is replaced by its mask.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping
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
            from keylint.runtime.redaction import redact_api_keys

            raise ValueError(
                redact_api_keys(f"invalid schema at {exc.json_path}: {exc.message}")
            ) from None
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
    errors = list(validator.iter_errors(instance))
    if not errors:
        return []
    hide = _Hider(instance)
    return sorted((hide.path(e.absolute_path), hide.text(str(e.message))) for e in errors)


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")  # `$.name`, else `$['x-y']`, as jsonschema
_CONFIG_DEPTH = 100  # a config is walked whole: no JSON document nests deeper in practice
_CONFIG_NODES = 1_000_000
_RAW_MIN = 8


class _Hider:
    """The secrets in one config, and how a message or a path shows each of them instead."""

    def __init__(self, config: Any) -> None:
        from keylint.runtime.redaction import Scrubber

        scrubber = Scrubber(max_depth=_CONFIG_DEPTH, max_nodes=_CONFIG_NODES)
        scrubber.scrub(config)
        self._names: dict[str, str] = {}  # property name -> shown name (a key used as a name)
        swaps: dict[str, str] = {}
        numbers: dict[str, str] = {}
        for old, new in scrubber.found:
            shown = new if isinstance(new, str) else repr(new)
            if isinstance(old, str):
                self._names[old] = shown
                swaps[repr(old)] = repr(shown)  # how jsonschema quotes a value
                if len(old) >= _RAW_MIN:  # unquoted too, where that cannot hit common words
                    swaps[old] = shown
            elif isinstance(old, (int, float)):
                numbers[repr(old)] = shown
            else:  # bytes, or a part too deep to walk: shown as its (redacted) repr
                swaps[_repr(old)] = shown
        swaps.pop("", None)
        # Longest first, so a secret inside a longer one's text is not half replaced.
        self._swaps = sorted(swaps.items(), key=lambda kv: -len(kv[0]))
        self._numbers = [
            (re.compile(rf"(?<![\w.]){re.escape(text)}(?![\w.])"), shown)
            for text, shown in sorted(numbers.items(), key=lambda kv: -len(kv[0]))
        ]

    def text(self, message: str) -> str:
        """`message` with every secret of the config masked, and anything else the rules find."""
        from keylint.runtime.redaction import redact_api_keys

        for old, new in self._swaps:
            message = message.replace(old, new)
        for pattern, shown in self._numbers:
            message = pattern.sub(shown.replace("\\", "\\\\"), message)
        return redact_api_keys(message)

    def path(self, elements: Iterable[object]) -> str:
        """The JSON path of `elements` (`$.limits.rate`, `$.hosts[1]`, `$['x-y']`), masked."""
        from keylint.runtime.redaction import redact_api_keys

        out = "$"
        for elem in elements:
            if isinstance(elem, int):
                out += f"[{elem}]"
                continue
            name = redact_api_keys(self._names.get(str(elem), str(elem)))
            if _IDENTIFIER.fullmatch(name):
                out += "." + name
            else:
                out += "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']"
        return out


def _repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:  # nothing can show what has no repr
        return ""
