"""keylint: find provider API keys and move them into the environment.

`keylint.__version__` is the installed distribution's version (pyproject.toml's `version`, see
RELEASING.md), read from the package metadata on first use, so it cannot drift from the release.
"""

from __future__ import annotations

import functools

UNKNOWN_VERSION = "0+unknown"  # a source tree on sys.path that was never installed


@functools.lru_cache(maxsize=1)
def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    for distribution in ("keylint", "keylint-runtime"):  # the tool, or the runtime alone
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    return UNKNOWN_VERSION


def __getattr__(name: str) -> str:
    # Lazy: importlib.metadata costs milliseconds that `keylint scan` need not pay at start.
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module 'keylint' has no attribute {name!r}")
