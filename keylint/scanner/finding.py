"""A finding: a frozen record of one secret at one place. Its repr never shows the secret."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from keylint.masking import mask, printable, redact_text, remember_found, sha1_hex, shown_path


@dataclass(frozen=True)
class Finding:
    """One secret found in one file. `secret` stays in memory: no output format includes it."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule_id: str
    provider: str
    secret_type: str
    secret: str = field(repr=False, compare=False)
    hashed_secret: str = ""
    # A finding from git history: where the secret entered (`path` is its path at that commit,
    # `line` its line in that blob), how many commits and paths carry it, and whether HEAD does.
    commit: str = ""
    author_date: str = ""
    author: str = ""
    commits: int = 0
    paths: int = 0
    in_head: bool = False
    # The baseline records this secret labelled a real one (`is_secret: true`): reported, marked.
    labelled_real: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        remember_found(self.secret)  # masked wherever keylint prints it: a file name holding it
        if not self.hashed_secret:
            object.__setattr__(self, "hashed_secret", sha1_hex(self.secret))

    @property
    def masked(self) -> str:
        """The secret as it may be shown: first 7, `***...`, last 4 (never over a third). A
        password may hold control characters: those shown are escaped, so `ESC c` at its start
        cannot reset the terminal that shows the report."""
        return printable(mask(self.secret))

    @property
    def location(self) -> str:
        """`path` for a file, `path@shortsha` for a secret found in history."""
        return f"{self.path}@{self.commit[:7]}" if self.commit else self.path

    @property
    def fingerprint(self) -> str:
        """Stable across line moves: path, rule and the secret's hash."""
        return self._fingerprint(self.path)

    def _fingerprint(self, path: str) -> str:
        return f"{path}:{self.rule_id}:{self.hashed_secret}"

    def __repr__(self) -> str:
        return (f"Finding(path={self.location!r}, line={self.line}, rule_id={self.rule_id!r}, "
                f"masked={self.masked!r})")

    def to_dict(self) -> dict[str, Any]:
        """Every public field, without the raw secret (the JSON output contract)."""
        return {
            "path": shown_path(self.path), "line": self.line, "column": self.column,
            "end_line": self.end_line, "end_column": self.end_column,
            "rule_id": self.rule_id, "provider": self.provider, "secret_type": self.secret_type,
            "masked": self.masked, "hashed_secret": self.hashed_secret,
            "fingerprint": self._fingerprint(shown_path(self.path)),
            **({"history": self.history()} if self.commit else {}),
            **({"baseline_label": "real secret"} if self.labelled_real else {}),
        }

    def history(self) -> dict[str, Any]:
        """Where a secret found in git history entered, and how far it spread."""
        return {
            "commit": self.commit, "author_date": self.author_date,
            "author": redact_text(self.author), "commits": self.commits, "paths": self.paths,
            "in_head": self.in_head,
        }
