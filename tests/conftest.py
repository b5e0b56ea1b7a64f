"""Suite-wide settings: hypothesis explores locally and is derandomized under CI (CI=true)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from hypothesis import settings

# CI must be deterministic: the same examples every run. Locally hypothesis explores, and what it
# finds is a bug to fix, never a test to loosen.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Child processes (`python -m keylint ...`, detect-secrets loading keylint's plugin) import keylint
# from this source tree, as the tests do: otherwise a venv whose editable install points at another
# checkout runs that checkout's code in the child (it happened: a baseline naming a plugin the
# child's keylint did not have).
_SOURCE_TREE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (_SOURCE_TREE, os.environ.get("PYTHONPATH", "")) if p)

# The hyperscan prefilter caches its compiled database: in a directory of the test run's own, not
# in the user's ~/.cache.
_CACHE = tempfile.mkdtemp(prefix="keylint-test-cache-")
atexit.register(shutil.rmtree, _CACHE, True)
os.environ["KEYLINT_CACHE_DIR"] = _CACHE
