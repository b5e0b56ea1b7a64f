"""keylint: find provider API keys and move them into the environment.

`keylint.__version__` is the installed distribution's version (pyproject.toml's `version`, see
RELEASING.md), read from the package metadata on first use, so it cannot drift from the release.
"""

from __future__ import annotations

import functools

UNKNOWN_VERSION = "0+unknown"  # a source tree on sys.path that was never installed


_DISTRIBUTIONS = ("keylint", "keylint-runtime")  # the tool, or the runtime alone


@functools.lru_cache(maxsize=1)
def _installed_version() -> str:
    found = _version_on_path()
    if found:
        return found
    from importlib.metadata import PackageNotFoundError, version

    for distribution in _DISTRIBUTIONS:
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    return UNKNOWN_VERSION


def _version_on_path() -> str | None:
    """The `Version:` of the first `keylint-*.dist-info` (or `.egg-info`) directory on sys.path,
    searched as importlib.metadata searches, without importing it (with the email parser it
    pulls in, ~25 ms of a 10-file `keylint scan --format json`). None when the search finds
    none (a zip on sys.path, an unusual layout): importlib.metadata then answers."""
    import os
    import sys

    for distribution in _DISTRIBUTIONS:
        wanted = distribution.replace("-", "_")
        for entry in sys.path:
            try:
                names = os.listdir(entry or ".")
            except OSError:
                continue
            for name in names:
                low = name.lower()
                if not low.endswith((".dist-info", ".egg-info")):
                    continue
                if low.rpartition(".")[0].partition("-")[0].replace("-", "_") != wanted:
                    continue
                for meta in ("METADATA", "PKG-INFO"):
                    try:
                        with open(os.path.join(entry or ".", name, meta), encoding="utf-8") as f:
                            for line in f:
                                if not line.strip():
                                    break  # the end of the headers
                                if line.startswith("Version:"):
                                    return line.split(":", 1)[1].strip()
                    except OSError:
                        continue
                return None
    return None


def __getattr__(name: str) -> str:
    # Lazy: importlib.metadata costs milliseconds that `keylint scan` need not pay at start.
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module 'keylint' has no attribute {name!r}")
