from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from keylint.cli import main
from keylint.masking import mask
from tests.fakes import fake_key

KEY = fake_key("openai-project-key", 21)
GH = fake_key("github-token", 21)
PEM = fake_key("private-key", 21)


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    _stdin(monkeypatch, f"step 1 ok\nusing {KEY}\nstep 2 ok\n".encode())
    assert main(["redact"]) == 0
    assert capsysbinary.readouterr().out == f"step 1 ok\nusing {mask(KEY)}\nstep 2 ok\n".encode()


def test_files_in_order(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    a.write_text(f"a {KEY}\n")
    b.write_bytes(f"b {GH}\n\xff binary tail".encode("latin-1"))
    assert main(["redact", str(a), str(b)]) == 0
    out = capsysbinary.readouterr().out
    assert out == f"a {mask(KEY)}\nb {mask(GH)}\n".encode() + b"\xff binary tail"


def test_dash_means_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    f = tmp_path / "f.log"
    f.write_text("from file\n")
    _stdin(monkeypatch, f"from stdin {GH}\n".encode())
    assert main(["redact", str(f), "-"]) == 0
    assert capsysbinary.readouterr().out == f"from file\nfrom stdin {mask(GH)}\n".encode()


def test_a_pem_block_across_small_chunks(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    f = tmp_path / "pem.log"
    f.write_text(f"before\n{PEM}\nafter\n")
    assert main(["redact", "--chunk-size", "1024", str(f)]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert out == f"before\n{mask(PEM)}\nafter\n"


@pytest.mark.parametrize(("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                                          (b"\xff\xfe\x00\x00", "utf-32-le")])
def test_a_utf16_log_is_redacted_and_stays_utf16(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], bom: bytes, codec: str
) -> None:
    # PowerShell's `>` writes UTF-16: its bytes hold no key as UTF-8 reads it, yet the text does.
    lines = ["caf\u00e9 \U0001f511 ok\n"] * 300 + ["using {}\n"] + ["done \u00e9\n"] * 300
    f = tmp_path / "ps.log"
    f.write_bytes(bom + "".join(lines).format(KEY).encode(codec) + b"\x00")  # odd last byte
    assert main(["redact", "--chunk-size", "1024", str(f)]) == 0
    out = capsysbinary.readouterr().out
    assert out == bom + "".join(lines).format(mask(KEY)).encode(codec) + b"\x00"


def test_a_byte_order_mark_before_plain_text_still_redacts(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    _stdin(monkeypatch, b"\xff\xfe" + f"using {KEY}\n".encode())  # a mark, then plain ASCII
    assert main(["redact"]) == 0
    assert capsysbinary.readouterr().out == b"\xff\xfe" + f"using {mask(KEY)}\n".encode()


def test_missing_file_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.log"
    assert main(["redact", str(missing)]) == 2
    assert capsys.readouterr().err == f"keylint: error: {missing}: cannot read: No such file or directory\n"


def test_a_directory_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["redact", str(tmp_path)]) == 2
    assert f"{tmp_path}: " in capsys.readouterr().err


def test_in_a_real_pipe() -> None:
    """`some-job 2>&1 | keylint redact`, end to end in a child process."""
    lines = "".join(f"line {i} {KEY if i % 1000 == 7 else 'nothing here'}\n" for i in range(20000))
    proc = subprocess.run(
        [sys.executable, "-m", "keylint", "redact"], input=lines.encode(), capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert KEY not in out
    assert out == lines.replace(KEY, mask(KEY))
