"""Which module constants the Python fix turns into `SecureString.from_env(...)`: only where every
use of the name is in this module and can be followed; anything else keeps the plain lookup.
"""

from __future__ import annotations

import re

import libcst as cst

from keylint.fix.facts import Facts
from keylint.fix.model import SourceContext
from keylint.fix.plan import Constant

# Modules frameworks load by name (Flask's from_object, Django settings, dir()/getattr loaders).
_CONFIG_STEM = re.compile(r"(?i)conf|settings|constants|secrets|env")


def import_name(facts: Facts) -> tuple[str, bool] | None:
    """The name SecureString is used under, and whether its import must be added; None when
    the name SecureString is taken by something else."""
    alias = next(iter(facts.top_secure), None)
    if alias is not None and facts.bindings[alias] == 1:
        return alias, False
    if facts.bindings["SecureString"] or facts.loads["SecureString"]:
        return None
    return "SecureString", True


def refusal(c: Constant, facts: Facts, ctx: SourceContext) -> str | None:
    """Why `c` stays a plain lookup (said in the report; "": said nowhere), or None: it may
    become a SecureString."""
    f = facts
    if not ctx.secure_string or ctx.notebook:
        return ""
    if c.annotated is not None:
        ann = c.annotated.annotation.annotation
        if not (isinstance(ann, cst.Name) and ann.value == "str"):
            return f"{c.name} has an annotation other than str"
    if f.settings or ctx.path.rsplit("/", 1)[-1] == "settings.py" \
            or "/settings/" in f"/{ctx.path}":
        return "a settings module: the framework reads its names"
    stem = re.split(r"[\\/]", ctx.path)[-1].rsplit(".", 1)[0]
    if stem == "__init__":
        return "a package __init__: other code may read its names"
    if _CONFIG_STEM.search(stem):
        return "a configuration module: a framework may read its names by name"
    if c.name in f.named:
        return f"{c.name} is exported by __all__ or read by getattr()"
    if f.dynamic:
        return "the module uses globals(), vars(), exec or a star import"
    if f.bindings[c.name] != 1:
        return f"{c.name} is assigned more than once or shadowed"
    if not f.loads[c.name]:
        return f"{c.name} is not used in this module, so it may be read from elsewhere"
    if import_name(f) is None:
        return "the name SecureString is taken"
    exported = ctx.exported(c.name) or ctx.read_by_name()
    if exported:
        return exported
    return None


def uses_note(wrapped: int, uses: int) -> str:
    """What became of the constant's uses, for the report."""
    kept = uses - wrapped
    note = f"{wrapped} use{'s' if wrapped != 1 else ''} now call{'' if wrapped != 1 else 's'} " \
        ".get_secret_value()"
    if kept:
        note += f"; {kept} take{'' if kept != 1 else 's'} the SecureString as is (==, len, " \
            "truth tests; print and logging show it masked)"
    return note
