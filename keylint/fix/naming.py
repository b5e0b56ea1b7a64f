"""Environment variable names for moved keys: one name per value, `NAME_2` when a name is taken."""

from __future__ import annotations

import re
from collections.abc import Mapping

# Used with fullmatch(): `$` would also match before a final newline.
_CLEAR = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][A-Z0-9]{5,}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Names that say "a key" without saying whose: the rule's canonical name is more useful.
GENERIC_NAMES = frozenset({
    "KEY", "API_KEY", "APIKEY", "TOKEN", "API_TOKEN", "AUTH_TOKEN", "ACCESS_TOKEN", "SECRET",
    "API_SECRET", "SECRET_KEY", "ACCESS_KEY", "CLIENT_SECRET", "PASSWORD", "PASSWD", "PWD",
    "CREDENTIALS", "BEARER_TOKEN", "AUTH_KEY",
})
_VAGUE = frozenset({"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PWD", "CREDENTIALS"})


def is_env_name(name: str) -> bool:
    """A valid environment variable name (what `os.environ["..."]` may be given)."""
    return bool(_ENV_NAME.fullmatch(name))


def clear_name(name: str | None, *, generic_rule: bool) -> bool:
    """An UPPER_CASE Python name that says what it holds (not `KEY`, `API_KEY`, ...).

    For generic rules (passwords, connection strings, JWTs) a generic name still beats the rule's
    fallback, so `SECRET_KEY` stays `SECRET_KEY`; a bare `PASSWORD` or `TOKEN` never does.
    """
    if not name or name.startswith("__") or not _CLEAR.fullmatch(name) or name in _VAGUE:
        return False
    return generic_rule or name not in GENERIC_NAMES


class NamePicker:
    """Allocates env var names: the same value keeps one name, a taken name gets `_2`, `_3`...

    `known` holds what the env file (or, read-only, the environment) already has. In read-only
    mode no new name is created: a value can only be given a name that already holds it.
    """

    def __init__(self, known: Mapping[str, str], *, read_only: bool = False) -> None:
        self.known: dict[str, str] = dict(known)
        self.read_only = read_only
        self.added: dict[str, str] = {}

    def fork(self) -> NamePicker:
        """A copy to work on; `adopt` it when its work is kept."""
        other = NamePicker(self.known, read_only=self.read_only)
        other.added = dict(self.added)
        return other

    def adopt(self, other: NamePicker) -> None:
        """Keep the names a fork allocated."""
        self.known = dict(other.known)
        self.added = dict(other.added)

    def name_for(self, preferred: str, value: str, *, forced: bool = False) -> str | None:
        """The name to use for `value` (not yet claimed); None when read-only and none holds it.

        `forced` means the code dictates the name (`os.environ["X"] = ...`): reuse another name
        holding the same value only if `preferred` itself is taken by a different value.
        """
        if self.known.get(preferred) == value:
            return preferred
        if forced and preferred not in self.known and not self.read_only:
            return preferred
        holder = next((n for n, v in self.known.items() if v == value), None)
        if holder is not None:
            return holder
        if self.read_only:
            return None
        if preferred not in self.known:
            return preferred
        n = 2
        while f"{preferred}_{n}" in self.known:
            n += 1
        return f"{preferred}_{n}"

    def taken_where(self, name: str) -> str:
        """Where `name`'s other value comes from, for a skip message: this run, the env file, or
        (read-only) the environment. `fix --diff` with no env file must not blame one."""
        if name in self.added:
            return "from another key this fix moves"
        return "in the environment" if self.read_only else "in the env file"

    def claim(self, name: str, value: str) -> None:
        """Record that `name` now holds `value` (written to the env file later)."""
        if self.known.get(name) == value:
            return
        if name in self.known or self.read_only:  # pragma: no cover (guarded by name_for)
            raise ValueError(f"{name} is already taken")
        self.known[name] = value
        self.added[name] = value
