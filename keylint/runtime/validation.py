"""`InputValidator`: paths that stay inside a base directory, clean strings, safe URLs.

Every check raises `ValidationError(field, reason)`; reasons never echo the value (it may be a
secret). Path checks resolve symlinks at check time: open the returned path right away, as a
later swap of a symlink is outside what a check can prevent.
"""

from __future__ import annotations

import ipaddress
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeAlias
from urllib.parse import urlsplit

__all__ = ["InputValidator", "ValidationError"]

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address

# Bidirectional embeddings, overrides and isolates ("Trojan Source", CVE-2021-42574).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\n\r\t\u2028\u2029\x85")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class ValidationError(ValueError):
    """A value failed validation: `field` names it, `reason` says why (never the value)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class InputValidator:
    """Validate untrusted input before it reaches the filesystem, a prompt or an HTTP client.

    Defaults given here (`base_dir`, `max_length`, `schemes`, `block_private`) apply to every
    call and can be overridden per call.
    """

    def __init__(
        self,
        base_dir: str | os.PathLike[str] | None = None,
        *,
        max_length: int = 10_000,
        schemes: Iterable[str] = ("https",),
        block_private: bool = False,
        resolver: Callable[[str], Iterable[str]] | None = None,
    ) -> None:
        self.base_dir = None if base_dir is None else Path(base_dir)
        self.max_length = max_length
        self.schemes = frozenset(s.lower() for s in schemes)
        self.block_private = block_private
        self._resolver = resolver  # host -> IP strings, to block names that point inside

    # ------------------------------------------------------------------ paths
    def validate_path(
        self,
        path: str | os.PathLike[str],
        base_dir: str | os.PathLike[str] | None = None,
        *,
        field: str = "path",
        allow_absolute: bool = False,
        must_exist: bool = False,
    ) -> Path:
        """The resolved path, which must lie inside `base_dir` after `..` and symlinks."""
        base_arg = base_dir if base_dir is not None else self.base_dir
        if base_arg is None:
            raise TypeError("validate_path needs a base_dir (here or in InputValidator())")
        raw = os.fspath(path)
        if not isinstance(raw, str):
            raise ValidationError(field, "must be a text path")
        if "\x00" in raw:
            raise ValidationError(field, "contains a NUL byte")
        if not raw.strip():
            raise ValidationError(field, "is empty")
        base = Path(os.path.realpath(base_arg))
        candidate = Path(raw)
        if candidate.is_absolute() and not allow_absolute:
            raise ValidationError(field, "must be relative to the base directory")
        resolved = Path(os.path.realpath(base / candidate))
        if resolved != base and not resolved.is_relative_to(base):
            raise ValidationError(field, "escapes the base directory")
        if must_exist and not resolved.exists():
            raise ValidationError(field, "does not exist")
        return resolved

    # ------------------------------------------------------------------ strings
    def validate_string(
        self,
        value: object,
        field: str = "value",
        *,
        min_length: int = 0,
        max_length: int | None = None,
        allowed_chars: str | None = None,
        pattern: str | re.Pattern[str] | None = None,
        allow_newlines: bool = False,
    ) -> str:
        """`value` if it is a string of the right length, free of NUL and control characters.

        `allowed_chars` limits the alphabet; `pattern` must match the whole string;
        `allow_newlines` admits newlines and tabs. Bidi override characters are always refused.
        """
        if not isinstance(value, str):
            raise ValidationError(field, f"must be a string, not {type(value).__name__}")
        limit = self.max_length if max_length is None else max_length
        if len(value) < min_length:
            raise ValidationError(field, f"is shorter than {min_length} characters")
        if len(value) > limit:
            raise ValidationError(field, f"is longer than {limit} characters")
        for i, ch in enumerate(value):
            if ch == "\x00":
                raise ValidationError(field, f"contains a NUL byte at position {i}")
            if ch in _LINE_BREAKS:
                if not allow_newlines:
                    raise ValidationError(field, f"contains a line break or tab at position {i}")
            elif ch in _BIDI or unicodedata.category(ch) == "Cc":
                raise ValidationError(
                    field, f"contains control character U+{ord(ch):04X} at position {i}"
                )
        if allowed_chars is not None:
            allowed = frozenset(allowed_chars) | (_LINE_BREAKS if allow_newlines else frozenset())
            for i, ch in enumerate(value):
                if ch not in allowed:
                    raise ValidationError(
                        field, f"contains a character that is not allowed at position {i}"
                    )
        if pattern is not None:
            rx = re.compile(pattern) if isinstance(pattern, str) else pattern
            if rx.fullmatch(value) is None:
                raise ValidationError(field, "does not have the expected format")
        return value

    # ------------------------------------------------------------------ URLs
    def validate_url(
        self,
        url: object,
        field: str = "url",
        *,
        schemes: Iterable[str] | None = None,
        block_private: bool | None = None,
        allowed_hosts: Iterable[str] | None = None,
    ) -> str:
        """`url` if its scheme is allowed, it has a host and no credentials, and (when
        `block_private`) the host is not a private, loopback, link-local or reserved address,
        in any spelling (IPv6, IPv4-mapped, decimal `2130706433`, octal `0177.0.0.1`, hex).

        Host names are not resolved unless the validator was given a `resolver`; `localhost`
        and `*.localhost` are always treated as loopback. `allowed_hosts` entries match a host
        exactly, or as a suffix when they start with a dot (`.example.com`).
        """
        if not isinstance(url, str):
            raise ValidationError(field, f"must be a string, not {type(url).__name__}")
        if len(url) > self.max_length:
            raise ValidationError(field, f"is longer than {self.max_length} characters")
        if any(ord(ch) <= 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in url):
            raise ValidationError(field, "contains whitespace, control characters or backslashes")
        parts = urlsplit(url)
        allowed = self.schemes if schemes is None else frozenset(s.lower() for s in schemes)
        if parts.scheme.lower() not in allowed:
            shown = ", ".join(sorted(allowed)) or "none"
            raise ValidationError(field, f"scheme must be one of: {shown}")
        if "@" in parts.netloc:
            raise ValidationError(field, "must not contain credentials (user:password@)")
        try:
            host = parts.hostname
            parts.port  # noqa: B018 (raises ValueError on a bad port)
        except ValueError:
            raise ValidationError(field, "has an invalid host or port") from None
        if not host:
            raise ValidationError(field, "has no host")
        host = host.rstrip(".")
        if allowed_hosts is not None and not _host_allowed(host, allowed_hosts):
            raise ValidationError(field, "host is not in the allowed list")
        if self.block_private if block_private is None else block_private:
            self._check_public(host, field)
        return url

    def _check_public(self, host: str, field: str) -> None:
        if host == "localhost" or host.endswith(".localhost"):
            raise ValidationError(field, "points to a loopback address")
        ip = parse_ip(host)
        addresses = [ip] if ip is not None else []
        if ip is None and self._resolver is not None:
            addresses = [a for a in (parse_ip(s) for s in self._resolver(host)) if a is not None]
        for address in addresses:
            reason = _non_public(address)
            if reason:
                raise ValidationError(field, f"points to a {reason} address")


def _host_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    for entry in allowed_hosts:
        entry = entry.lower().rstrip(".")
        if entry.startswith(".") and (host.endswith(entry) or host == entry[1:]):
            return True
        if host == entry:
            return True
    return False


def parse_ip(host: str) -> IPAddress | None:
    """An IP address in any spelling a URL parser accepts (`127.1`, `0x7f.0.0.1`, `[::1]`)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        pass
    return _legacy_ipv4(host)


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The WHATWG URL IPv4 parser: 1-4 dot parts, each decimal, octal (0...) or hex (0x...)."""
    parts = host.split(".")
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        if part[:2].lower() == "0x":
            digits, base = part[2:] or "0", 16
        elif len(part) > 1 and part.startswith("0"):
            digits, base = part[1:], 8
        else:
            digits, base = part, 10
        try:
            if not digits.isascii() or not digits.isalnum():
                return None
            numbers.append(int(digits, base))
        except ValueError:
            return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def _non_public(ip: IPAddress) -> str | None:
    """Why `ip` is not a public unicast address (None when it is)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return _non_public(embedded)
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private or not ip.is_global:
        return "private"
    return None
