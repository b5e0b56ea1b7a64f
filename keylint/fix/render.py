"""The code the Python fix writes: how it reaches the environment (`os`, an alias of it, a
`from os import environ` name, or an `import os` it adds) and the text of each replacement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from keylint.fix.facts import Facts
from keylint.fix.plan import Plan

Accessor = tuple[str, str]  # ("module", name of os) or ("environ", name of os.environ)


@dataclass(frozen=True)
class Renderer:
    """Writes lookups through `accessor`, and SecureString under `secure_name`."""

    accessor: Accessor = ("module", "os")
    environb: bool = False  # the module already uses os.environb: bytes lookups use it too
    secure_name: str = "SecureString"

    def lookup(self, name: str, q: str, *, as_bytes: bool = False) -> str:
        """The expression reading `name` from the environment, with quote `q`."""
        kind, acc = self.accessor
        if kind == "environ":
            base = f"{acc}[{q}{name}{q}]"
        elif as_bytes and self.environb:
            return f"{acc}.environb[b{q}{name}{q}]"
        else:
            base = f"{acc}.environ[{q}{name}{q}]"
        return f"{base}.encode()" if as_bytes else base

    def render(self, plan: Plan) -> str:
        """The code replacing a planned literal (or f-string text part)."""
        q = plan.lookup_quote
        if plan.kind == "secure":
            return f"{self.secure_name}.from_env({q}{plan.occs[0].name}{q})"
        if plan.whole and not plan.in_concat:
            return self.lookup(plan.occs[0].name, q, as_bytes=plan.is_bytes)
        if plan.is_bytes:
            bits = []
            for i, text in enumerate(plan.texts):
                if text:
                    bits.append(f"{plan.prefix}{plan.quote}{text}{plan.quote}")
                if i < len(plan.occs):
                    bits.append(self.lookup(plan.occs[i].name, q, as_bytes=True))
            return " + ".join(bits)
        prefix = plan.prefix.replace("u", "").replace("U", "") + "f"
        out = [prefix, plan.quote]
        for i, text in enumerate(plan.texts):
            out.append(text if plan.fstring else text.replace("{", "{{").replace("}", "}}"))
            if i < len(plan.occs):
                out.append("{" + self.lookup(plan.occs[i].name, q) + "}")
        out.append(plan.quote)
        return "".join(out)


def choose_accessor(facts: Facts, first: int, data: bytes) -> tuple[Accessor, str | None]:
    """How the fixed code reaches the environment, given the first line it edits, and the import
    to add for it (None: an import before that line already serves)."""
    f = facts

    def os_safe(alias: str) -> bool:
        return f.bindings[alias] == f.os_bindings[alias]

    early = {a: ln for a, ln in f.top_os.items() if ln < first and os_safe(a)}
    environ = {a: ln for a, ln in f.top_environ.items()
               if ln < first and f.bindings[a] == f.environ_bindings[a]}
    if "os" in early:
        return ("module", "os"), None
    if early:
        return ("module", next(iter(early))), None
    if environ:
        return ("environ", next(iter(environ))), None
    if os_safe("os"):
        return ("module", "os"), "import os"
    text = data.decode("utf-8", "replace")
    n = 0
    alias = "_os"
    while re.search(rf"\b{alias}\b", text):
        n += 1
        alias = f"_keylint_os{n if n > 1 else ''}"
    return ("module", alias), f"import os as {alias}"
