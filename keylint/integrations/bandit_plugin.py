"""bandit test KL101: provider API keys in Python string literals, found with keylint's rules.

Registered through the `bandit.plugins` entry point `keylint_provider_keys`, so a plain
`bandit -r src/` runs it once keylint is installed; `# nosec KL101` silences one statement, and
`pragma: allowlist secret` works as it does for `keylint scan`. Bare-format keys (Mistral, Cohere,
...) need their provider's name nearby, so the literal's own source lines and the two above it are
scanned too, keeping only keys inside the literal. bandit prints source lines with each issue: the
issue returned here masks the key in them.
"""

from __future__ import annotations

import ast
import linecache
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from keylint.masking import mask
from keylint.rules import RULES_BY_ID
from keylint.scanner.engine import detector_for, scan_text
from keylint.scanner.finding import Finding
from keylint.scanner.pragmas import allowed

TEST_ID = "KL101"
CWE_HARDCODED_CREDENTIALS = 798
_MIN_LEN = 12  # shorter than any key a rule accepts: skip the scan


def redact(code: str, secrets: Sequence[str] = ()) -> str:
    """`code` with every key the rules find in it, and each of `secrets`, masked."""
    found = [m.secret for m in detector_for().find(code.encode("utf-8", "surrogateescape"))]
    for secret in sorted({*secrets, *found}, key=len, reverse=True):
        code = code.replace(secret, mask(secret))
        for part in secret.splitlines():
            if len(part) >= _MIN_LEN and not part.startswith("-----"):
                code = code.replace(part, mask(part))
    return code


@lru_cache(maxsize=1)
def issue_class() -> Any:
    """bandit's Issue, with the code excerpt masked (built on first use: see `_register`)."""
    from bandit.core.issue import Issue

    class KeyIssue(Issue):  # type: ignore[misc]  # bandit ships no type hints
        """A bandit issue whose code excerpt shows the key masked."""

        def __init__(self, secrets: Sequence[str], **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._secrets = tuple(secrets)

        def get_code(self, max_lines: int = 3, tabbed: bool = False) -> str:
            """bandit's excerpt of the source, keys masked."""
            return redact(str(super().get_code(max_lines, tabbed)), self._secrets)

    return KeyIssue


def _source_lines(filename: object, first: int, last: int) -> list[str] | None:
    if not isinstance(filename, str) or filename == "<stdin>":
        return None
    lines = [linecache.getline(filename, n) for n in range(first, last + 1)]
    return lines if any(lines) else None


def _allowed(lines: Sequence[str], i: int) -> bool:
    previous = lines[i - 1].rstrip("\r\n").encode() if i > 0 else None
    return allowed(lines[i].rstrip("\r\n").encode(), previous)


def literal_findings(value: str, filename: object, node: ast.AST | None) -> list[Finding]:
    """The secrets inside one literal's value, with provider context from its source lines."""
    found: dict[tuple[str, str], Finding] = {}
    for f in scan_text(value, "<literal>"):
        found.setdefault((f.rule_id, f.hashed_secret), f)
    lineno = getattr(node, "lineno", None)
    if lineno is not None:
        end = getattr(node, "end_lineno", None) or lineno
        first = max(1, lineno - 2)
        lines = _source_lines(filename, first, end)
        if lines is not None:
            if any(_allowed(lines, n - first) for n in range(lineno, end + 1)):
                return []
            for f in scan_text("".join(lines), "<source>"):
                if f.secret in value:
                    found.setdefault((f.rule_id, f.hashed_secret), f)
    return sorted(found.values(), key=lambda f: value.find(f.secret))


def _value(context: Any) -> str | None:
    value = context.string_val
    if isinstance(value, str):
        return value
    raw = context.bytes_val
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "surrogateescape")
    return None


def provider_key_in_string(context: Any) -> Any:
    """KL101: a provider API key (or another secret keylint knows) hard-coded in a string."""
    value = _value(context)
    if value is None or len(value) < _MIN_LEN:
        return None
    findings = literal_findings(value, context.filename, context.node)
    if not findings:
        return None
    first = findings[0]
    rule = RULES_BY_ID[first.rule_id]
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    from bandit.core import constants

    return issue_class()(
        [f.secret for f in findings],
        severity=constants.MEDIUM if rule.generic else constants.HIGH,
        confidence=constants.MEDIUM if rule.generic or rule.needs_context else constants.HIGH,
        cwe=CWE_HARDCODED_CREDENTIALS,
        text=(f"Hard-coded {first.secret_type} {first.masked}{more} (keylint rule "
              f"{first.rule_id}): read it from the environment ({rule.env_var}); "
              "`keylint fix` moves it to .env."),
    )


def _register(func: Any) -> None:
    """What `@test.checks("Str", "Bytes")` and `@test.test_id("KL101")` do, without importing
    bandit: bandit loads its plugins while `import bandit` runs, so a plugin module that imports
    bandit at the top breaks whenever it is imported first (the plugin is then skipped)."""
    func._checks = ["Str", "Bytes"]  # bandit.core.test_properties.checks
    func._test_id = TEST_ID  # bandit.core.test_properties.test_id


_register(provider_key_in_string)
