"""`keylint fix`: move hard-coded keys into the environment without losing a value.

`api` runs a fix over files; `codemods` rewrites Python sources, one way through `facts`,
`planner`, `secure`, `rewriter`, `render` and `imports` (with `plan` and `positions`, the only
modules that import libcst); `notebook` does the same for code cells; `dotenv` writes the env
file; `history` and `report` tell the user what to rotate. Nothing here is imported by the
scanner.
"""

from __future__ import annotations
