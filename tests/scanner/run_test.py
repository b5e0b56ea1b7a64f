from __future__ import annotations

from pathlib import Path

import pytest

from keylint.config import Config
from keylint.scanner.run import scan_paths, to_scan
from tests.fakes import fake_key

KEY = "github-token"


def _text(seed: int = 1) -> str:
    return f'x = 1\r\nTOKEN = "{fake_key(KEY, seed)}"\r\n'


def _found(tmp_path: Path, data: bytes) -> list[tuple[int, int, str]]:
    path = tmp_path / "f.env"
    path.write_bytes(data)
    result = scan_paths([str(path)], Config())
    assert result.problems == []
    return [(f.line, f.column, f.secret) for f in result.findings]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_unicode_text_with_a_byte_order_mark_is_decoded(tmp_path: Path, codec: str) -> None:
    bom = {"utf-16-be": "\ufeff", "utf-32-be": "\ufeff"}.get(codec, "")
    data = (bom + _text()).encode(codec)
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] == b"\x00\x00\xfe\xff"
    assert _found(tmp_path, data) == [(2, 10, fake_key(KEY, 1))]


@pytest.mark.parametrize("bom", [
    pytest.param(b"\xff\xfe", id="utf-16-le mark"),
    pytest.param(b"\xfe\xff", id="utf-16-be mark"),
    pytest.param(b"\xff\xfe\x00\x00", id="utf-32-le mark"),
    pytest.param(b"\x00\x00\xfe\xff", id="utf-32-be mark"),
])
def test_bytes_that_only_start_like_unicode_text_are_scanned_as_stored(
    tmp_path: Path, bom: bytes
) -> None:
    # Decoded as UTF-16, ASCII becomes CJK and its keys vanish: pre-commit passed such a file.
    assert _found(tmp_path, bom + _text().encode()) == [(2, 10, fake_key(KEY, 1))]


def test_a_mark_over_binary_data_still_gets_its_stored_bytes_scanned(tmp_path: Path) -> None:
    data = b"\xff\xfe" + bytes(range(256)) * 4 + b"\nTOKEN=" + fake_key(KEY, 2).encode() + b"\n"
    assert [s for _, _, s in _found(tmp_path, data)] == [fake_key(KEY, 2)]


def test_unicode_text_and_stored_ascii_in_one_file_are_both_scanned(tmp_path: Path) -> None:
    data = _text(1).encode("utf-16") + f'\nTOKEN = "{fake_key(KEY, 3)}"\n'.encode()
    assert [s for _, _, s in _found(tmp_path, data)] == [fake_key(KEY, 1), fake_key(KEY, 3)]


def test_unicode_text_without_ascii_is_decoded_text() -> None:
    data = "пароль: секрет\n".encode("utf-16")
    assert to_scan(data, "f.txt") == ("пароль: секрет\n".encode(), None)


def test_a_nul_in_the_first_block_without_a_mark_is_still_binary() -> None:
    data = b"\x00\x01" + _text().encode()
    scanned, problem = to_scan(data, "f.bin")
    assert scanned is None and problem is not None and problem.reason == "binary"


def _pipe_of(chunks: list[bytes]) -> int:
    """A read end that yields `chunks` one read at a time, as a file still being written does."""
    import os
    import threading

    read_end, write_end = os.pipe()

    def feed() -> None:
        try:
            for chunk in chunks:
                os.write(write_end, chunk)
        except BrokenPipeError:  # the reader stopped at its limit
            pass
        finally:
            os.close(write_end)

    threading.Thread(target=feed, daemon=True).start()
    return read_end


def test_a_file_read_in_several_pieces_is_read_whole() -> None:
    import os

    from keylint.scanner.run import _read_up_to

    chunks = [bytes([65 + i]) * 40_000 for i in range(5)]
    fd = _pipe_of(chunks)
    try:
        assert _read_up_to(fd, 10, 1_000_000) == b"".join(chunks)  # longer than fstat said
    finally:
        os.close(fd)


def test_a_file_that_grows_past_the_limit_is_read_only_to_it() -> None:
    import os

    from keylint.scanner.run import _read_up_to

    fd = _pipe_of([b"x" * 70_000] * 3)
    try:
        assert len(_read_up_to(fd, 5, 100_001)) == 100_001  # then read_target skips it
    finally:
        os.close(fd)


def test_a_key_in_a_file_larger_than_one_read_is_found(tmp_path: Path) -> None:
    data = b"# filler\n" * 200_000 + _text(7).encode()  # ~1.8 MB: past any single buffer
    assert [s for _, _, s in _found(tmp_path, data)] == [fake_key(KEY, 7)]
