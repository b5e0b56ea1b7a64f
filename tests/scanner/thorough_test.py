"""keylint.scanner.thorough: large files streamed in windows, files with NULs read as text."""

from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path

import pytest

from keylint.scanner import thorough
from keylint.scanner.engine import detector_for, scan_bytes
from keylint.scanner.thorough import binary_text, scan_stream
from tests.fakes import assignment, fake_key

RULES = ("openai-project-key", "anthropic-api-key", "private-key", "mistral-api-key")


def _document(seed: int, lines: int = 600) -> bytes:
    rng = random.Random(seed)
    out = []
    for n in range(lines):
        if rng.random() < 0.04:
            rule = rng.choice(RULES)
            out.append(assignment(rule, fake_key(rule, seed * 1000 + n)))
        else:
            out.append(f"value_{n} = {rng.randrange(10**6)}  # {'x' * rng.randrange(80)}")
    return ("\n".join(out) + "\n").encode()


def _key(f: object) -> tuple[object, ...]:
    return (f.line, f.column, f.end_line, f.end_column, f.rule_id, f.hashed_secret)  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("window", "overlap"), [(4096, 1024), (2500, 900), (1 << 20, 1024)])
def test_windows_find_what_one_pass_finds(seed: int, window: int, overlap: int) -> None:
    data = _document(seed)
    det = detector_for()
    whole = [_key(f) for f in scan_bytes(data, "big.py", det)]
    assert whole, "the document plants keys"
    streamed = [_key(f) for f in scan_stream(io.BytesIO(data), "big.py", det, window, overlap)]
    assert streamed == whole


def test_one_endless_line_is_still_read_in_bounded_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = [fake_key("openai-project-key", n) for n in range(40)]
    data = " ".join(f'"{k}"' + " pad" * 300 for k in keys).encode()
    sizes: list[int] = []
    real = thorough.scan_spans

    def counting(buf: bytes, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        sizes.append(len(buf))
        return real(buf, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(thorough, "scan_spans", counting)
    found = scan_stream(io.BytesIO(data), "min.js", detector_for(), 8192, 1024)
    assert sorted(f.hashed_secret for f in found) == sorted(
        f.hashed_secret for f in scan_bytes(data, "min.js"))
    assert max(sizes) <= 8192 * 5 // 4 + 2 * 1024 and len(sizes) > 5  # bounded, whatever the length


def test_a_short_line_then_an_endless_one_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    key = fake_key("anthropic-api-key", 9)
    data = b"first line\n" + b"x" * 100_000 + f' "{key}" '.encode() + b"y" * 100_000
    sizes: list[int] = []
    real = thorough.scan_spans

    def counting(buf: bytes, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        sizes.append(len(buf))
        return real(buf, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(thorough, "scan_spans", counting)
    [f] = scan_stream(io.BytesIO(data), "x.txt", detector_for(), 8192, 1024)
    assert f.secret == key and f.line == 2
    assert max(sizes) <= 8192 * 5 // 4 + 2 * 1024


def test_bom_less_utf16_is_decoded() -> None:
    key = fake_key("anthropic-api-key", 5)
    line = assignment("anthropic-api-key", key) + "\n"
    for codec in ("utf-16-le", "utf-16-be"):
        [f] = scan_bytes(binary_text(line.encode(codec)), "ps1.txt")
        assert (f.line, f.rule_id) == (1, "anthropic-api-key")


def test_a_key_in_bom_less_utf16_that_is_mostly_not_ascii_is_found() -> None:
    # Chinese comments in UTF-16 without a mark: too few NULs for the decode above, yet the key
    # is plain ASCII in UTF-16, which blanking NULs would read as `s k - ...`.
    key = fake_key("anthropic-api-key", 7)
    text = "# \u914d\u7f6e\u6587\u4ef6\u8bf4\u660e\n" * 400 + assignment("anthropic-api-key", key) + "\n"
    for codec in ("utf-16-le", "utf-16-be"):
        found = scan_bytes(binary_text(text.encode(codec)), "settings.txt")
        assert [f.secret for f in found] == [key]


def test_text_runs_between_nuls_are_scanned_in_place() -> None:
    key = fake_key("openai-project-key", 6)
    data = b"\0\0\x01\x02header\0\n\0" + assignment("openai-project-key", key).encode() + b"\0\0\n"
    [f] = scan_bytes(binary_text(data), "config.bin")
    assert f.line == 2 and f.secret == key


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_key_in_a_streamed_utf16_or_utf32_file_is_found(codec: str) -> None:
    # PowerShell's `>` writes UTF-16: a file over the size limit is streamed, and reading its
    # NULs as blanks would read the key as `s k - a n t ...`. "utf-16"/"utf-32" write a mark.
    key = fake_key("anthropic-api-key", 8)
    text = "a line of the log\n" * 3000 + assignment("anthropic-api-key", key) + "\n" + "end\n" * 9
    found = scan_stream(io.BytesIO(text.encode(codec)), "out.log", detector_for(), 4096, 1024)
    assert [(f.secret, f.line) for f in found] == [(key, 3001)]


def test_the_hook_finds_a_key_in_a_utf16_file_over_the_size_limit(tmp_path: Path) -> None:
    key = fake_key("anthropic-api-key", 9)
    text = "a line of the log\n" * 320_000 + assignment("anthropic-api-key", key) + "\n"
    (tmp_path / "out.log").write_bytes(text.encode("utf-16"))  # 11.5 MB: over 10 MiB
    done = subprocess.run([sys.executable, "-m", "keylint.hooks.precommit", "out.log"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("out.log:320001:") and key not in done.stdout


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_key_in_a_streamed_utf16_file_that_is_mostly_not_ascii_is_found(codec: str) -> None:
    # No mark and too few NULs to be decoded as UTF-16 text: the key's UTF-16 run is read in
    # place, on its own line, whatever window it falls in.
    key = fake_key("anthropic-api-key", 10)
    text = "# \u914d\u7f6e\u6587\u4ef6\u8bf4\u660e\n" * 3000 + assignment("anthropic-api-key", key) + "\n"
    for window in (4096, 4099):
        found = scan_stream(io.BytesIO(text.encode(codec)), "settings.txt", detector_for(),
                            window, 1024)
        assert [(f.secret, f.line) for f in found] == [(key, 3001)]


def test_a_utf16_string_in_a_streamed_binary_is_found() -> None:
    key = fake_key("openai-project-key", 11)
    rng = random.Random(3)
    noise = bytes(rng.randrange(256) for _ in range(30_000)).replace(b"\n", b"\0")
    data = noise + b"\n" + f'KEY="{key}"'.encode("utf-16-le") + b"\0\n" + noise
    found = scan_stream(io.BytesIO(data), "app.dll", detector_for(), 4096, 1024)
    assert [(f.secret, f.line) for f in found] == [(key, 2)]
