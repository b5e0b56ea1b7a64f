"""What a fix did, as data: a change per key moved, a skip (with its reason) per key left."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from keylint.fix.project import ImportStyle
from keylint.scanner.detector import Detector
from keylint.scanner.finding import Finding


@dataclass(frozen=True)
class Change:
    """One key moved: where it was, the variable that now holds it, the code put in its place."""

    finding: Finding
    where: str
    env_var: str
    code: str
    note: str = ""


@dataclass(frozen=True)
class Skip:
    """One key left where it is, and why (printed on one line). `error` marks a failure."""

    finding: Finding
    where: str
    reason: str
    error: bool = False


def default_where(f: Finding) -> str:
    """`path:line:col`, the way findings are shown everywhere."""
    return f"{f.path}:{f.line}:{f.column}"


@dataclass
class SourceContext:
    """What the Python codemod needs to know besides the source itself."""

    path: str
    secure_string: bool = True
    test_file: bool = False
    notebook: bool = False
    exported: Callable[[str], str | None] = field(default=lambda name: None)
    read_by_name: Callable[[], str | None] = field(default=lambda: None)
    detector: Detector | None = None
    where: Callable[[Finding], str] = default_where
    import_style: ImportStyle = field(default_factory=ImportStyle)


@dataclass
class SourceFix:
    """The rewritten source (the input, unchanged, when nothing was fixed) and what happened."""

    source: bytes
    changes: list[Change] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    error: str | None = None
