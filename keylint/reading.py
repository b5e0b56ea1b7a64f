"""Reading a whole file that a repository or a user names (a baseline, a config, a file a
baseline entry names) without trusting that it is one: a FIFO would block the read forever and
a device (`/dev/zero`, `/dev/urandom`) never ends, so memory runs out. Those are refused with
an OSError the callers already report as "cannot read"."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def read_regular(path: str | Path) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed); OSError for anything else
    (`not a regular file`), as for a file that cannot be opened."""
    # O_NONBLOCK: opening a FIFO with no writer must not wait for one.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return f.read()
