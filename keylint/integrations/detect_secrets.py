"""detect-secrets plugins generated from keylint's rule table: `detect-secrets scan --plugin FILE`.

detect-secrets loads this file by path as a fresh module and takes every public plugin class in
it, so everything else here is `_`-prefixed and imports are absolute.

Baseline contract (class names and `secret_type`s are written into baselines: never rename):
- One class per distinct `Rule.secret_type`, holding every rule of that type (detect-secrets maps
  a type to exactly one class). A finding's type and `hashed_secret` are the ones `keylint scan`
  writes, so keylint's baselines and detect-secrets' agree entry for entry.
- Where detect-secrets already has a plugin for the type (`GitHub Token`, `Secret Keyword`, ...)
  our class takes that plugin's class name and subclasses it: a second class of the same type
  would make detect-secrets fail with "No such `GitHubTokenDetector` plugin". It reports what
  keylint finds, plus what the built-in finds where keylint's rules did not look, so nothing the
  built-in caught is lost; a candidate that keylint's rules judged on the line (a bad checksum, a
  placeholder, a documented example) stays unreported. Other classes are named after their type:
  `OpenAI Project Key` -> `OpenaiProjectKeyDetector`.
- detect-secrets hands plugins one line at a time: the provider context of bare-format keys
  (Mistral, Cohere, ...) is read from the same line and three on either side, as `keylint scan`
  does, through detect-secrets' code snippet. A private key must sit on one line (as in JSON, with `\\n`
  escapes) for keylint's PEM rule to report it there; the built-in header match still reports a
  multi-line block. Plugins never verify over the network.
"""

from __future__ import annotations

import inspect as _inspect
import re as _re
from collections.abc import Iterable as _Iterable
from collections.abc import Iterator as _Iterator
from functools import lru_cache as _lru_cache
from typing import Any as _Any

from detect_secrets import plugins as _ds_plugins
from detect_secrets.constants import VerifiedResult as _VerifiedResult
from detect_secrets.core.potential_secret import PotentialSecret as _PotentialSecret
from detect_secrets.plugins.base import BasePlugin as _BasePlugin
from detect_secrets.plugins.base import RegexBasedDetector as _RegexBasedDetector
from detect_secrets.plugins.keyword import QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP as _QUOTED
from detect_secrets.plugins.keyword import REGEX_BY_FILETYPE as _REGEX_BY_FILETYPE
from detect_secrets.plugins.keyword import KeywordDetector as _KeywordDetector
from detect_secrets.util.code_snippet import CodeSnippet as _CodeSnippet
from detect_secrets.util.filetype import determine_file_type as _determine_file_type
from detect_secrets.util.importlib import import_types_from_package as _import_types

from keylint.rules import RULES as _RULES
from keylint.rules import Rule as _Rule
from keylint.scanner.engine import detector_for as _detector_for

_CONTEXT_LINES = 3  # keylint looks for a provider's name on the line and three either side
# Rules whose verdict on one line is final. Bare formats need context that may sit further up,
# and a PEM block spans lines: for those only an accepted secret outranks the built-in's match.
_JUDGED = tuple(
    (r, _re.compile(r.pattern)) for r in _RULES if not r.needs_context and r.validator != "pem_block"
)


class _Found:
    """What keylint reports on one line (with its context), and what its rules looked at."""

    def __init__(self, line: str, secrets: tuple[tuple[str, str], ...]) -> None:
        self.line = line
        self.secrets = secrets  # (secret_type, secret) pairs, in line order

    def of_type(self, secret_type: str) -> list[str]:
        """The secrets of one type."""
        return [s for t, s in self.secrets if t == secret_type]

    def claims(self, candidate: str) -> bool:
        """True when keylint reported this text, or a rule matched its shape and judged it."""
        owned = [s for _, s in self.secrets] + list(_judged(self.line))
        return any(candidate in s or s in candidate for s in owned)


@_lru_cache(maxsize=256)  # every plugin asks about the same line in turn
def _scan(line: str, above: tuple[str, ...], below: tuple[str, ...] = ()) -> _Found:
    prefix = "".join(a + "\n" for a in above).encode("utf-8", "surrogateescape")
    own = line.encode("utf-8", "surrogateescape")
    suffix = "".join("\n" + b for b in below).encode("utf-8", "surrogateescape")
    found = tuple(
        (m.rule.secret_type, m.secret) for m in _detector_for().find(prefix + own + suffix)
        if len(prefix) <= m.start < len(prefix) + len(own)
    )
    return _Found(line, found)


@_lru_cache(maxsize=256)
def _judged(line: str) -> tuple[str, ...]:
    out = []
    for _rule, rx in _JUDGED:
        for m in rx.finditer(line):
            out.append(m.group("secret") if "secret" in rx.groupindex else m.group())
    return tuple(s for s in out if s)


def _around(context: _CodeSnippet | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if context is None:
        return (), ()
    start = max(0, context.target_index - _CONTEXT_LINES)
    above = context.lines[start:context.target_index]
    below = context.lines[context.target_index + 1:context.target_index + 1 + _CONTEXT_LINES]
    return (tuple(str(x).rstrip("\r\n") for x in above),
            tuple(str(x).rstrip("\r\n") for x in below))


# detect-secrets asks every plugin about a line in turn, passing the same snippet object: keep the
# last answer (the snippet is held here, so its identity cannot be reused by a new object).
_last: list[_Any] = [None, None, None]  # snippet, line, _Found


def _found(line: str, context: _CodeSnippet | None) -> _Found:
    if context is not None and _last[0] is context and _last[1] == line:
        found: _Found = _last[2]
        return found
    found = _scan(line, *_around(context))
    _last[:] = [context, line, found]
    return found


class _Keylint:
    """Behaviour shared by every generated plugin: keylint's detector decides."""

    secret_type: str
    _builtin: type[_Any] | None = None

    def analyze_line(self, filename: str, line: str, line_number: int = 0,
                     context: _CodeSnippet | None = None, **kwargs: _Any) -> set[_PotentialSecret]:
        """Secrets on one line, judged with up to three lines of context either side."""
        found = _found(line, context)
        if not found.secrets and self._builtin is None:
            return set()
        return {
            _PotentialSecret(type=self.secret_type, filename=filename, secret=s,
                             line_number=line_number)
            for s in self._secrets(found, filename)
        }

    def analyze_string(self, string: str) -> _Iterator[str]:
        """Secrets in a string without context (`detect-secrets scan --string`)."""
        yield from self._secrets(_scan(string, ()), "")

    def verify(self, secret: str) -> _VerifiedResult:
        """Never call the network: a key is reported whether or not it is live."""
        return _VerifiedResult.UNVERIFIED

    def _secrets(self, found: _Found, filename: str) -> list[str]:
        out = found.of_type(self.secret_type)
        if self._builtin is not None:
            out += [s for s in self._builtin_secrets(found.line, filename) if not found.claims(s)]
        return list(dict.fromkeys(out))

    def _builtin_secrets(self, line: str, filename: str) -> _Iterable[str]:
        builtin: _Any = self._builtin
        # The built-in's own method on this instance: its regexes, its init options, no verify.
        if issubclass(builtin, _KeywordDetector):  # it picks its regexes by file type
            regexes = _REGEX_BY_FILETYPE.get(_determine_file_type(filename), _QUOTED)
            return list(builtin.analyze_string(self, line, denylist_regex_to_group=regexes))
        return list(builtin.analyze_string(self, line))


def _is_plugin(x: object) -> bool:
    return (_inspect.isclass(x) and issubclass(x, _BasePlugin)
            and isinstance(getattr(x, "secret_type", None), str))


def _builtins() -> dict[str, type[_Any]]:
    """detect-secrets' own plugins by secret type (not the user's custom ones: no recursion)."""
    return {c.secret_type: c for c in _import_types(_ds_plugins, filter=lambda x: not _is_plugin(x))}


def _class_name(secret_type: str) -> str:
    return "".join(w.capitalize() for w in _re.findall(r"[A-Za-z0-9]+", secret_type)) + "Detector"


def _make(secret_type: str, rules: list[_Rule], builtin: type[_Any] | None) -> type[_Any]:
    ids = ", ".join(r.id for r in rules)
    attrs: dict[str, _Any] = {
        "__module__": __name__,
        "__doc__": f"{secret_type}: keylint rules {ids}.",
        "secret_type": secret_type,
        "_builtin": builtin,
    }
    if builtin is None:
        attrs["denylist"] = tuple(_re.compile(r.pattern) for r in rules)
        name, base = _class_name(secret_type), _RegexBasedDetector
    else:
        name, base = builtin.__name__, builtin
    cls = type(name, (_Keylint, base), attrs)
    cls.__qualname__ = name
    return cls


def _generate() -> dict[str, type[_Any]]:
    by_type: dict[str, list[_Rule]] = {}
    for rule in _RULES:
        by_type.setdefault(rule.secret_type, []).append(rule)
    builtin = _builtins()
    taken = {c.__name__: t for t, c in builtin.items()}
    out: dict[str, type[_Any]] = {}
    for secret_type, rules in by_type.items():
        cls = _make(secret_type, rules, builtin.get(secret_type))
        if taken.get(cls.__name__, secret_type) != secret_type or cls.__name__ in out:
            raise RuntimeError(f"keylint: detect-secrets plugin name {cls.__name__} is taken")
        out[cls.__name__] = cls
    return out


_PLUGINS = _generate()
globals().update(_PLUGINS)
__all__ = list(_PLUGINS)
