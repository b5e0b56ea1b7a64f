"""`keylint fix`: move hard-coded keys into the environment without losing a value.

`api` runs a fix over files; `codemods` (the only importer of libcst) rewrites Python sources;
`notebook` does the same for code cells; `dotenv` writes the env file; `history` and `report`
tell the user what to rotate. Nothing here is imported by the scanner.
"""

from __future__ import annotations
