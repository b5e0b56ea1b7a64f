"""Inline allowlist pragmas, as detect-secrets spells them, in any comment syntax."""

from __future__ import annotations

import re

_SAME_LINE = re.compile(rb"pragma:\s*(?:allowlist|whitelist)[ -]secret", re.IGNORECASE)
_NEXT_LINE = re.compile(
    rb"^[\s#/*<!;'\-]*pragma:\s*(?:allowlist|whitelist)[ -]nextline[ -]secret[\s*/>-]*$",
    re.IGNORECASE,
)


def allowed(line: bytes, previous: bytes | None) -> bool:
    """True when `line` carries `pragma: allowlist secret`, or the line before it stands alone as
    `pragma: allowlist nextline secret`."""
    if _SAME_LINE.search(line):
        return True
    return previous is not None and _NEXT_LINE.match(previous.strip()) is not None
