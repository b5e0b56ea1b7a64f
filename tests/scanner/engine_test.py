from __future__ import annotations

import json

import pytest

from keylint.rules import RULES, checks
from keylint.scanner import detector, engine, pragmas
from keylint.scanner.detector import Detector
from keylint.scanner.engine import scan_bytes, scan_text
from keylint.scanner.notebooks import notebook_text
from tests.fakes import fake_key
from tests.scanner.meter import metered


def test_line_and_column_are_one_based_and_count_characters() -> None:
    key = fake_key("anthropic-api-key")
    text = f"# première ligne\nx = 1\nclé = '{key}'\n"
    (f,) = scan_text(text)
    assert (f.line, f.column) == (3, 8)
    assert (f.end_line, f.end_column) == (3, 8 + len(key))


def test_crlf_and_invalid_utf8_keep_line_numbers() -> None:
    key = fake_key("groq-api-key")
    data = b"a = 1\r\n\xff\xfe bad bytes\r\nGROQ = '" + key.encode() + b"'\r\n"
    (f,) = scan_bytes(data, "x.py")
    assert f.line == 3
    assert f.secret == key


def test_pem_block_is_reported_at_its_first_line_with_its_span() -> None:
    pem = fake_key("private-key")
    text = "header\n" + pem + "\nfooter\n"
    (f,) = scan_text(text)
    assert f.rule_id == "private-key"
    assert (f.line, f.end_line) == (2, 2 + pem.count("\n"))


def test_json_escaped_pem_on_one_line_is_found() -> None:
    pem = fake_key("private-key")
    doc = json.dumps({"type": "service_account", "private_key": pem + "\n"})
    assert [f.rule_id for f in scan_text(doc)] == ["private-key"]


@pytest.mark.parametrize("template", [
    "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
    "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN PUBLIC KEY-----\n" + "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" * 2
    + "\n-----END PUBLIC KEY-----",
])
def test_pem_templates_and_public_keys_are_not_secrets(template: str) -> None:
    assert scan_text(template) == []


@pytest.mark.parametrize("line", [
    "KEY = '{k}'  # pragma: allowlist secret",
    "KEY = '{k}'  // pragma: allowlist secret",
    "KEY: '{k}'  # pragma:allowlist-secret",
    "<!-- pragma: whitelist secret --> {k}",
])
def test_same_line_pragma_allows(line: str) -> None:
    assert scan_text(line.format(k=fake_key("openai-project-key"))) == []


def test_nextline_pragma_must_stand_alone_on_the_line_before() -> None:
    key = fake_key("openai-project-key")
    assert scan_text(f"# pragma: allowlist nextline secret\nKEY = '{key}'\n") == []
    assert len(scan_text(f"x = 1  # pragma: allowlist nextline secret\nKEY = '{key}'\n")) == 1
    assert len(scan_text(f"# pragma: allowlist nextline secret\n\nKEY = '{key}'\n")) == 1


def test_finding_repr_and_dict_never_hold_the_secret() -> None:
    key = fake_key("openai-project-key")
    (f,) = scan_text(f"k = '{key}'")
    assert key not in repr(f)
    assert key not in json.dumps(f.to_dict())
    assert f.masked.startswith(key[:7]) and f.masked.endswith(key[-4:])
    assert f.fingerprint == f"<text>:openai-project-key:{f.hashed_secret}"


def _notebook(source_lines: list[str], image: str) -> bytes:
    nb = {
        "cells": [
            {"cell_type": "code", "source": source_lines, "metadata": {}, "execution_count": 1,
             "outputs": [{"output_type": "display_data", "metadata": {},
                          "data": {"image/png": image, "text/plain": ["<Figure>"]}}]},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1).encode()


def test_notebook_cells_are_scanned_with_file_lines_and_images_are_not() -> None:
    key = fake_key("huggingface-user-token")
    image = "iVBORw0KGgo/" + fake_key("google-api-key") + "/AAAA"
    data = _notebook(["import os\n", f"HF_TOKEN = '{key}'\n"], image)
    findings = scan_bytes(notebook_text(data), "nb.ipynb")
    assert [f.rule_id for f in findings] == ["huggingface-user-token"]
    line = data.decode().splitlines()[findings[0].line - 1]
    assert "HF_TOKEN" in line
    assert notebook_text(data).count(b"\n") == data.count(b"\n")


def test_a_key_beside_an_image_payload_or_in_an_svg_output_is_found() -> None:
    # Only the base64 payload is blanked: a hand-edited or minified notebook puts other outputs
    # on the image's line, and an SVG output is text that can carry a key like any other.
    key = fake_key("huggingface-user-token")
    image = "iVBORw0KGgo/" + fake_key("google-api-key") + "/AAAA"
    same_line = json.dumps({"cells": [{"cell_type": "code", "source": [], "outputs": [
        {"output_type": "display_data", "metadata": {},
         "data": {"image/png": image, "text/plain": f"HF_TOKEN={key}"}}]}]}).encode()
    svg = _notebook([], image).replace(b'"text/plain"', b'"image/svg+xml": "<svg><text>HF_TOKEN '
                                        + key.encode() + b'</text></svg>",\n    "text/plain"')
    for data in (same_line, svg):
        blanked = notebook_text(data)
        assert [f.secret for f in scan_bytes(blanked, "nb.ipynb")] == [key]
        assert len(blanked) == len(data)


def test_columns_of_many_findings_on_one_line_count_characters() -> None:
    keys = [fake_key("github-token", i) for i in range(4)]
    data = (f'é = "{keys[0]}"; clé€ = "{keys[1]}", '.encode() + b"\xff\xe2\x82 "
            + f'"{keys[2]}" \U0001f511 "{keys[3]}"'.encode() + b"\n")
    found = scan_bytes(data, "x")
    assert [f.secret for f in found] == keys
    for f, key in zip(found, keys, strict=True):
        start = data.index(key.encode())
        column = len(data[:start].decode("utf-8", "replace")) + 1
        assert (f.line, f.column, f.end_line, f.end_column) == (1, column, 1, column + len(key))


def test_a_pragma_allows_the_keys_of_its_own_line_only() -> None:
    k = [fake_key("openai-project-key", i) for i in range(6)]
    text = (f'A = "{k[0]}"; B = "{k[1]}"  # pragma: allowlist secret\n'
            f'C = "{k[2]}"; D = "{k[3]}"\n'
            "# pragma: allowlist nextline secret\n"
            f'E = "{k[4]}"; F = "{k[5]}"\n')
    assert [f.secret for f in scan_text(text)] == k[2:4]


def _one_line_json(tokens: int) -> bytes:
    return json.dumps({f"k{i}": fake_key("github-token", i) for i in range(tokens)}).encode()


def test_many_findings_on_one_line_cost_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each finding used to look up its line again, slice it, search it for a pragma and decode
    # it up to the finding for the column: a 445 KB one-line JSON took 33 s.
    det = Detector(RULES)
    meter = metered(monkeypatch, det, engine, pragmas, detector, checks)
    works = []
    for n in (500, 1000):
        meter.work = 0
        assert len(meter.run(scan_bytes, meter.wrap(_one_line_json(n)), "x.json", det)) == n
        works.append(meter.work)
    assert works[1] <= 2.3 * works[0]
