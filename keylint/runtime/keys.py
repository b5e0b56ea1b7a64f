"""Keys held in memory without leaking: `SecureString` and `mask_api_key`.

`redact_api_keys` and `KeyMaskingFilter` live in `keylint.runtime.redaction` and are re-exported
here, so everything about keys can be imported from this module.

`SecureString` is deliberately *not* a `str` subclass: a masking `str` subclass silently leaks its
value through `+`, `json.dumps` and `str` methods, while this wrapper masks every text conversion
(`str`, `repr`, `format`, f-strings, `%s`) and makes you say `.get_secret_value()` to get the key.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from typing import Any, NoReturn

from keylint.masking import mask
from keylint.runtime.redaction import KeyMaskingFilter, redact_api_keys  # re-exported here

__all__ = ["KeyMaskingFilter", "MissingSecretError", "SecureString", "mask_api_key",
           "redact_api_keys"]


class MissingSecretError(KeyError):
    """An environment variable holding a key is unset or empty (a `KeyError` subclass)."""

    def __init__(self, name: str, reason: str = "is not set") -> None:
        super().__init__(name)
        self.name = name
        self.message = f"environment variable {name} {reason}"

    def __str__(self) -> str:
        return self.message


def mask_api_key(key: str | SecureString) -> str:
    """First 7 characters, `***...`, last 4; less for short keys, never over a third of the key."""
    value = key.get_secret_value() if isinstance(key, SecureString) else str(key)
    return mask(value)


class SecureString:
    """A secret whose every text form is masked; `.get_secret_value()` returns the real value.

    Comparison (`==`, with another SecureString or a `str`) is constant-time; the object is
    hashable, immutable, and refuses to be pickled. `copy`/`deepcopy` return the same object.
    """

    __slots__ = ("_masked", "_value")
    _value: str
    _masked: str

    def __init__(self, value: str | SecureString) -> None:
        if isinstance(value, SecureString):
            value = value.get_secret_value()
        if not isinstance(value, str):
            raise TypeError(f"SecureString needs a str, not {type(value).__name__}")
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_masked", mask(value))

    @classmethod
    def from_env(cls, name: str, environ: Mapping[str, str] | None = None) -> SecureString:
        """The key in environment variable `name`; raises `MissingSecretError` if unset or empty."""
        env = os.environ if environ is None else environ
        value = env.get(name)
        if value is None:
            raise MissingSecretError(name)
        if not value.strip():
            raise MissingSecretError(name, "is empty")
        return cls(value)

    def get_secret_value(self) -> str:
        """The real key: pass it to the client library, never to a log."""
        return self._value

    @property
    def masked(self) -> str:
        """The masked form (first 7, `***...`, last 4)."""
        return self._masked

    # -------------------------------------------------------------- text forms are masked
    def __str__(self) -> str:
        return self._masked

    def __repr__(self) -> str:
        return f"SecureString({self._masked!r})"

    def __format__(self, spec: str) -> str:
        return format(self._masked, spec)

    # -------------------------------------------------------------- value semantics
    def __eq__(self, other: object) -> bool:
        if isinstance(other, SecureString):
            theirs = other._value
        elif isinstance(other, str):
            theirs = other
        else:
            return NotImplemented
        return hmac.compare_digest(
            self._value.encode("utf-8", "surrogatepass"), theirs.encode("utf-8", "surrogatepass")
        )

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(self._value)  # equal to hash(str) so `==` with a str stays consistent

    def __len__(self) -> int:
        return len(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    # -------------------------------------------------------------- no leaks by copying
    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("SecureString is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("SecureString is immutable")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("SecureString cannot be pickled: it would write the key out in clear")

    def __reduce__(self) -> NoReturn:
        raise TypeError("SecureString cannot be pickled: it would write the key out in clear")

    def __copy__(self) -> SecureString:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> SecureString:
        return self
