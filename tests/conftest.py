"""Suite-wide settings: hypothesis explores locally and is derandomized under CI (CI=true)."""

from __future__ import annotations

import os

from hypothesis import settings

# CI must be deterministic: the same examples every run. Locally hypothesis explores, and what it
# finds is a bug to fix, never a test to loosen.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
