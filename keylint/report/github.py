"""GitHub Actions annotations: one `::error ...::` workflow command per finding. No raw secrets.

Escaping follows the Actions toolkit (`@actions/core` command.ts): data escapes `%`, CR and LF;
property values also escape `:` and `,`, which would otherwise end the value.
"""

from __future__ import annotations

from collections.abc import Sequence

from keylint.masking import redact_text
from keylint.rules import RULES_BY_ID
from keylint.scanner.finding import Finding
from keylint.words import counted


def escape_data(text: str) -> str:
    """Escape a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def message(f: Finding) -> str:
    """The annotation text: secret type, masked secret, rule id and the way out."""
    rule = RULES_BY_ID.get(f.rule_id)
    env = rule.env_var if rule is not None else "an environment variable"
    if f.commit:
        where = "still in HEAD" if f.in_head else "history only"
        return (f"{f.secret_type} {f.masked} ({f.rule_id}) was committed in {f.commit[:12]} "
                f"({f.author_date[:10]}; {counted(f.commits, 'commit')}; {where}). Rotate it.")
    return (f"{f.secret_type} {f.masked} is hard-coded ({f.rule_id}). "
            f"Read it from {env} and rotate it.")


def command(f: Finding) -> str:
    """One `::error` workflow command for a finding."""
    props = {
        "file": redact_text(f.path).replace("\\", "/"),
        "line": str(f.line),
        "col": str(f.column),
        "endLine": str(f.end_line),
        "endColumn": str(f.end_column),
        "title": f.secret_type,
    }
    joined = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::error {joined}::{escape_data(message(f))}"


def render(findings: Sequence[Finding]) -> str:
    """Every finding as a workflow command, one per line."""
    return "".join(command(f) + "\n" for f in findings)
