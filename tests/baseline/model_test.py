"""The baseline document: strict parsing with one-line errors, canonical detect-secrets layout."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from keylint.baseline.model import Baseline, Entry, loads, render
from keylint.cli import main
from keylint.errors import KeylintError


def h(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def ds_document() -> dict[str, Any]:
    """A document laid out exactly as detect-secrets 1.5 writes one."""
    return {
        "version": "1.5.0",
        "plugins_used": [{"name": "AWSKeyDetector"}, {"name": "Base64HighEntropyString",
                                                       "limit": 4.5}],
        "filters_used": [{"path": "detect_secrets.filters.allowlist.is_line_allowlisted"}],
        "results": {
            "a.py": [
                {"type": "Secret Keyword", "filename": "a.py", "hashed_secret": h("x"),
                 "is_verified": False, "line_number": 3, "is_secret": False},
                {"type": "AWS Access Key", "filename": "a.py", "hashed_secret": h("y"),
                 "is_verified": False, "line_number": 9},
            ],
            "b/c.py": [
                {"type": "Private Key", "filename": "b/c.py", "hashed_secret": h("z"),
                 "is_verified": True, "line_number": 1, "is_secret": True},
            ],
        },
        "generated_at": "2024-01-02T03:04:05Z",
    }


def test_detect_secrets_layout_round_trips_byte_for_byte() -> None:
    text = json.dumps(ds_document(), indent=2) + "\n"
    assert render(loads(text, "b")) == text


def test_labels_mean_what_detect_secrets_means() -> None:
    b = loads(json.dumps(ds_document()), "b")
    by_type = {e.type: e for e in b.entries}
    assert by_type["Private Key"].is_secret is True
    assert by_type["Secret Keyword"].is_secret is False
    assert by_type["AWS Access Key"].is_secret is None
    assert not by_type["AWS Access Key"].audited


def test_entries_are_sorted_and_deduplicated_like_detect_secrets() -> None:
    b = Baseline(entries=(
        Entry("z.py", "T", h("1"), 5), Entry("a.py", "T", h("2"), 7), Entry("a.py", "T", h("3"), 2),
        Entry("a.py", "T", h("2"), 9),  # the same secret again, further down: one entry
    ))
    out = json.loads(render(b))
    assert list(out["results"]) == ["a.py", "z.py"]
    assert [e["line_number"] for e in out["results"]["a.py"]] == [2, 7]
    assert "generated_at" not in out


def test_unknown_keys_are_kept() -> None:
    d = ds_document()
    d["custom"] = {"k": 1}
    d["results"]["a.py"][0]["note"] = "keep me"
    out = json.loads(render(loads(json.dumps(d), "b")))
    assert out["custom"] == {"k": 1}
    assert out["results"]["a.py"][0]["note"] == "keep me"


def _with(**changes: Any) -> str:
    d = ds_document()
    d.update(changes)
    return json.dumps(d)


def _entry_with(**changes: Any) -> str:
    d = ds_document()
    d["results"]["a.py"][0].update(changes)
    return json.dumps(d)


BAD = (
    pytest.param("", "malformed JSON", id="empty"),
    pytest.param(json.dumps(ds_document(), indent=2)[:300], "truncated", id="truncated"),
    pytest.param("[]", "expected a JSON object", id="not an object"),
    pytest.param('{"results": {}}', "no 'version' key", id="no version"),
    pytest.param('{"version": "1.5.0"}', "no 'results' key", id="no results"),
    pytest.param(_with(version="2.0.0"), "newer than this keylint reads", id="future version"),
    pytest.param(_with(version="0.14.3"), "predates detect-secrets 1.0", id="old version"),
    pytest.param(_with(version="1.5"), "must look like", id="bad version"),
    pytest.param(_with(results=[]), "results must be an object", id="results list"),
    pytest.param(_with(plugins_used={"name": "x"}), "plugins_used must be a list", id="plugins"),
    pytest.param(_with(plugins_used=[{"limit": 1}]), 'needs a "name"', id="nameless plugin"),
    pytest.param(_entry_with(hashed_secret="abc"), "40 lowercase hex", id="short hash"),
    pytest.param(_entry_with(type=""), 'no "type"', id="no type"),
    pytest.param(_entry_with(is_secret="yes"), "is_secret must be", id="label not bool"),
    pytest.param(_entry_with(line_number=-1), "line_number", id="negative line"),
    pytest.param(_entry_with(filename="other.py"), "names another file", id="filename mismatch"),
    pytest.param(_entry_with(line_number=1 << 63), "line_number", id="line over 64 bits"),
    pytest.param('{"version": "1.5.0", "results": {}, "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
                 "nested too deeply", id="nested past the recursion limit"),
    pytest.param('{"version": "1.5.0", "results": {}, "x": ' + "[" * 200 + "]" * 200 + "}",
                 "nested too deeply", id="nested too deep to render again"),
)


def test_a_line_number_of_5000_digits_is_a_one_line_error() -> None:
    # Python refuses to convert integers this long (sys.get_int_max_str_digits()); where it does
    # not, the 64-bit bound on line_number refuses it.
    text = _entry_with(line_number=3).replace('"line_number": 3', '"line_number": ' + "7" * 5000)
    with pytest.raises(KeylintError) as info:
        loads(text, "ci/secrets.baseline")
    assert str(info.value).startswith("ci/secrets.baseline: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_baselines_are_one_line_errors_naming_the_file(text: str, message: str) -> None:
    with pytest.raises(KeylintError) as info:
        loads(text, "ci/secrets.baseline")
    assert str(info.value).startswith("ci/secrets.baseline")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("text", (
    pytest.param(_entry_with(line_number=3).replace('"line_number": 3', '"line_number": ' + "7" * 5000),
                 id="5000-digit line"),
    pytest.param('{"version": "1.5.0", "results": {}, "x": ' + "[" * 990 + "]" * 990 + "}",
                 id="990 deep"),
    pytest.param('{"version": "1.5.0", "results": {}, "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
                 id="100000 deep"),
))
@pytest.mark.parametrize("argv", (("scan", "--baseline", "b.json", "a.py"), ("audit", "--ci", "b.json"),
                                  ("baseline", "update", "--baseline", "b.json", "a.py")),
                         ids=("scan", "audit", "update"))
def test_commands_given_an_absurd_baseline_exit_2_with_one_line(
    tree: Path, capsys: pytest.CaptureFixture[str], text: str, argv: tuple[str, ...]
) -> None:
    (tree / "a.py").write_text("x = 1\n")
    (tree / "b.json").write_text(text)
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert err.startswith("keylint: error: b.json: not a valid baseline: ")
    assert err.count("\n") == 1
