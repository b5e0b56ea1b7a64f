"""`python -m keylint`."""

from __future__ import annotations

from keylint.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
