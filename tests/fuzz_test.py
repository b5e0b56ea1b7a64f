"""Bounded fuzzing (issue 9, "Done when"): random bytes and small random file trees (odd names,
BOMs, NULs, long lines, invalid UTF-8) fed to `keylint scan` and to the pre-commit hook never
crash: the exit code is 0, 1 or 2, and stderr never holds a traceback."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from keylint.cli import main
from keylint.hooks.precommit import main as hook
from tests.fakes import assignment, fake_key
from tests.gitenv import isolate_git

_BOMS = (b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")

names = st.binary(min_size=1, max_size=24).map(
    lambda b: os.fsdecode(b"_" + b.replace(b"/", b"|").replace(b"\0", b"@")))


@st.composite
def contents(draw: st.DrawFn) -> bytes:
    """Random bytes, maybe a BOM, a NUL, a long line, a fake key, text as UTF-16."""
    parts = [draw(st.sampled_from(_BOMS)), draw(st.binary(max_size=200))]
    if draw(st.booleans()):
        rule = draw(st.sampled_from(("github-token", "openai-project-key", "aws-access-key-id",
                                     "jwt", "private-key", "slack-webhook-url")))
        parts.append(assignment(rule, fake_key(rule, draw(st.integers(0, 99)))).encode())
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from((b"a", b"=", b"eyJ", b"\0", b"\xff"))) * draw(
            st.integers(1, 20_000)))
    text = draw(st.text(max_size=60))
    parts.append(text.encode(draw(st.sampled_from(("utf-8", "utf-16", "utf-16-le", "utf-32"))),
                             "surrogatepass"))
    draw(st.randoms()).shuffle(parts)
    return b"".join(parts)


@st.composite
def file_trees(draw: st.DrawFn) -> list[tuple[Sequence[str], bytes]]:
    """Up to five files, some in subdirectories with odd names."""
    out = []
    for _ in range(draw(st.integers(1, 5))):
        depth = draw(st.integers(0, 2))
        path = [draw(names) for _ in range(depth + 1)]
        out.append((path, draw(contents())))
    return out


@contextlib.contextmanager
def _captured() -> Iterator[io.TextIOWrapper]:
    streams = [io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape",
                                write_through=True) for _ in range(2)]
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = streams[0], streams[1]
    try:
        yield streams[1]
    finally:
        sys.stdout, sys.stderr = old


def _run(fn: Callable[[list[str]], int], argv: list[str]) -> None:
    with _captured() as err:
        try:
            code = fn(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
        buf = err.buffer
        assert isinstance(buf, io.BytesIO)
        text = buf.getvalue().decode("utf-8", "replace")
    if os.environ.get("KEYLINT_FUZZ_DEBUG"):
        print(argv[:3], code, text[:300], file=sys.__stderr__)
    assert code in (0, 1, 2), (argv, code, text)
    assert "Traceback" not in text, (argv, text)


def _write(root: Path, tree: list[tuple[Sequence[str], bytes]]) -> list[str]:
    written = []
    for parts, data in tree:
        path = root.joinpath(*parts)
        with contextlib.suppress(OSError):  # a name taken by a directory (or too long)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(os.path.relpath(path, root))
    return written


@settings(max_examples=30, deadline=None, derandomize=True,
          phases=(Phase.explicit, Phase.generate, Phase.shrink),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(tree=file_trees(), in_git=st.booleans(),
       odd_arg=st.sampled_from(("", "nul\0name", "\n", "-", "--", "missing\x1b[31m")))
def test_scan_and_hook_never_crash(tree: list[tuple[Sequence[str], bytes]], in_git: bool,
                                   odd_arg: str, tmp_path_factory: pytest.TempPathFactory,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path_factory.mktemp("home"), monkeypatch)
    root = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    old = os.getcwd()
    os.chdir(root)
    try:
        if in_git:
            import subprocess

            subprocess.run(["git", "init", "-q"], check=True, capture_output=True)
        files = _write(root, tree)
        extra = [odd_arg] if odd_arg else []
        _run(main, ["scan", "--jobs", "1"])
        _run(main, ["scan", "--jobs", "1", "--format", "json", *files, *extra])
        _run(hook, [*files, *extra])
    finally:
        os.chdir(old)
        shutil.rmtree(root, ignore_errors=True)
