"""`keylint redact [FILE...]`: copy text to stdout with every secret masked (stdin when none).

Streams in bounded memory, so it can sit at the end of a CI pipe: `some-job 2>&1 | keylint redact`.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from typing import BinaryIO

from keylint.errors import KeylintError


def configure(parser: argparse.ArgumentParser) -> None:
    """Options: the files to redact ('-' or none for stdin)."""
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="files to copy, redacted ('-' or none: stdin)"
    )
    parser.add_argument("--chunk-size", type=int, default=1 << 20, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """Write each input to stdout with secrets masked; exit 0 (2 if a file cannot be read)."""
    from keylint.runtime.redaction import redact_stream

    out: BinaryIO = sys.stdout.buffer
    names: list[str] = list(args.files) or ["-"]
    chunk = max(1024, int(args.chunk_size))
    for name in names:
        if name == "-":
            _accelerate_if_large(sys.stdin.buffer)
            redact_stream(sys.stdin.buffer, out, chunk)
            continue
        try:
            src = open(name, "rb")  # noqa: SIM115 (closed below; errors name the file)
        except OSError as exc:
            raise KeylintError(f"{name}: cannot read: {exc.strerror or exc}") from None
        with src:
            _accelerate_if_large(src)
            try:
                redact_stream(src, out, chunk)
            except BrokenPipeError:
                raise  # the reader went away (`keylint redact log | head`): the CLI exits 2
            except OSError as exc:
                raise KeylintError(f"{name}: {exc.strerror or exc}") from None
    return 0


_LARGE = 1 << 20  # a log this large pays for loading the prefilter (~7 ms, ~0.15 s the first time)


def _accelerate_if_large(src: BinaryIO) -> None:
    """Let hyperscan narrow the detector's first pass (same findings) for a large regular file;
    a pipe's size is unknown and a line echoed through needs no start-up cost."""
    try:
        st = os.fstat(src.fileno())
    except (OSError, ValueError):  # no file descriptor (a test's BytesIO)
        return
    if stat.S_ISREG(st.st_mode) and st.st_size >= _LARGE:
        from keylint.scanner.engine import detector_for

        detector_for().accelerate()
