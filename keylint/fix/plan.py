"""What the Python fixer decides before it edits anything, as data: each key located in the
source, the plan for each literal that holds keys, the module constants that may become
SecureString, and the edits the rewriter applies (node ids: the nodes of the parsed module).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from keylint.scanner.finding import Finding


@dataclass
class Key:
    """A finding located in this source: 1-based line, 0-based character column (no BOM)."""

    finding: Finding
    line: int
    col: int
    end_line: int
    end_col: int


@dataclass
class Occ:
    """One key inside one literal: its span in the literal's raw text and its runtime value."""

    key: Key
    start: int
    end: int
    value: str
    name: str = ""


@dataclass
class Plan:
    """How one string literal (or one f-string text part) is rewritten."""

    node: cst.CSTNode
    occs: list[Occ]
    texts: list[str]  # raw text around the keys: len(occs) + 1 pieces
    prefix: str  # as written, without `f`
    quote: str
    lookup_quote: str
    whole: bool
    is_bytes: bool
    fstring: bool  # the literal already is an f-string (text part replacement)
    in_concat: bool
    kind: str = "lookup"  # lookup | secure
    constant: str | None = None
    note: str = ""


@dataclass
class Constant:
    """A module-level `NAME = "<key>"`: may become `SecureString.from_env(...)`."""

    name: str
    plan: Plan
    target: cst.Name
    annotated: cst.AnnAssign | None


@dataclass
class LiteralContext:
    """Where a literal sits, as far as fixing it is concerned."""

    outer: cst.CSTNode
    in_concat: bool
    quotes: set[str]
    skip: str | None = None
    target: str | None = None
    env_target: str | None = None
    remove: cst.CSTNode | None = None  # the small statement a self-assignment would be
    getenv: cst.Call | None = None
    words: list[str] = field(default_factory=list)
    constant: tuple[str, cst.Name, cst.AnnAssign | None] | None = None
    settings_field: tuple[str, cst.AnnAssign] | None = None  # a pydantic-settings default


@dataclass
class Edits:
    """Everything the rewriter changes, keyed by the id of the original node."""

    plans: dict[int, Plan] = field(default_factory=dict)  # literals (or f-string text parts)
    collapse: dict[int, str] = field(default_factory=dict)  # getenv(NAME, key) -> lookup
    removals: set[int] = field(default_factory=set)  # small statements that set NAME to the key
    strip_defaults: set[int] = field(default_factory=set)  # pydantic-settings defaults
