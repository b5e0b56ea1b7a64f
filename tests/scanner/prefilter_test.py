"""The hyperscan prefilter narrows the first pass without changing a single finding.

Large scans (a tree of hundreds of files, a history) let hyperscan say where the first pass can
match and run RE2 only there. A span too small, a bound too short or a cached database that is
stale would lose keys silently, so the prefiltered detector is compared with the plain one on
inputs built to put hits at every edge: line starts and ends, several per line, across lines.
"""

from __future__ import annotations

import json
import os
import random
import stat
import subprocess
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keylint.rules import RULES
from keylint.scanner import continued, prefilter
from keylint.scanner.continued import MARKERS
from keylint.scanner.detector import Detector, _compile
from tests.fakes import assignment, fake_key
from tests.scanner.continued_test import cut
from tests.scanner.detector_defects_test import _rejected_generic_shapes
from tests.scanner.detector_test import _bundle, _dense_line
from tests.scanner.meter import find_work

hyperscan = pytest.importorskip("hyperscan")
pytest.importorskip("re2")


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("KEYLINT_CACHE_DIR", str(cache))
    monkeypatch.delenv("KEYLINT_PREFILTER", raising=False)
    return cache


_LINES = [assignment(r.id, fake_key(r.id, 11)) for r in RULES]
_PLAIN = Detector(RULES)


def _accelerated() -> Detector:
    det = Detector(RULES)
    assert det.accelerate()
    return det


def _spans(det: Detector, data: bytes) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.rule.id) for m in det.find(data)]


def _first_pass(det: Detector, data: bytes) -> list[tuple[int, int]]:
    regex = det._combined()
    assert det._prefilter is not None
    scanned = det._prefilter.scan(data)
    spans = None if scanned is None else scanned[0]
    return [(s, e) for s, e, _ in det._first_pass(regex, data, 0, len(data), spans)]


@st.composite
def _texts(draw: st.DrawFn) -> bytes:
    """Keys of every rule, cut at random places and glued with newlines, spaces, quotes or
    nothing, around filler: hits at line edges, several to a line, names on one line and
    values on the next."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    pieces = rng.sample(_LINES, draw(st.integers(1, 40)))
    out = []
    for line in pieces:
        a, b = sorted(rng.randrange(len(line) + 1) for _ in range(2))
        out.append(rng.choice([line, line[a:], line[:b], line[a:b]]))
        out.append(rng.choice(["\n", " ", "", "\n\n", '"', "\t", "x" * rng.randrange(200),
                               "=", ":\n  ", "\r\n"]))
    return "".join(out).encode()


@given(_texts())
def test_the_prefiltered_detector_finds_exactly_what_the_whole_pass_finds(data: bytes) -> None:
    det = _ACCELERATED
    assert _first_pass(det, data) == [m.span() for m in det._combined().finditer(data)]
    assert _spans(det, data) == _spans(_PLAIN, data)


def test_re2_reads_the_text_around_a_span_as_context() -> None:
    # What the prefilter relies on: a search from `pos` to `endpos` sees the bytes on either
    # side (`\b`, `$`), as over the whole buffer; Python's `re` cuts the text at `endpos`.
    import re2

    assert re2.compile(rb"\bkey").search(b"xkey", 1) is None
    assert re2.compile(rb"key\b").search(b"keyx", 0, 3) is None
    assert re2.compile(rb"key$").search(b"keyx", 0, 3) is None


def test_every_rule_s_key_is_found_the_same_in_one_large_buffer() -> None:
    data = "\n".join(_LINES * 3).encode()
    found = _spans(_ACCELERATED, data)
    assert found == _spans(_PLAIN, data)
    assert len({rule for _, _, rule in found}) > len(RULES) * 0.9


def test_a_key_on_a_long_line_far_from_its_line_start_is_found() -> None:
    key = fake_key("anthropic-api-key", 2)
    data = (b"x = 1; " * 20000 + f'k = "{key}"; '.encode() + b"y = 2; " * 20000)
    assert [m.secret for m in _ACCELERATED.find(data)] == [key]


@pytest.mark.parametrize("line", [
    'DBPASSWORD = "{password-assignment}"',
    "Authorization: Basic {basic-auth-header}",
    "://{connection-string}",
])
def test_a_hit_at_the_start_of_a_line_after_a_long_line_is_found(line: str) -> None:
    # These rules' first-pass matches are bounded only by their line: the span must start
    # exactly there, however long the line before it.
    rule_id = line[line.index("{") + 1:line.index("}")]
    key = fake_key(rule_id, 6)
    value = key.split("Basic ")[-1].split("://")[-1]
    data = ("#" * 300 + "\n" + line.replace("{" + rule_id + "}", value) + "\n").encode()
    hits = _first_pass(_ACCELERATED, data)
    assert hits == [m.span() for m in _ACCELERATED._combined().finditer(data)]
    assert hits[0][0] == 301
    assert _spans(_ACCELERATED, data) == _spans(_PLAIN, data)


def _overlapping(n: int) -> bytes:
    """Alternatives whose matches overlap over and over on one long line: each one is
    searched again from where the chosen match ended."""
    unit = 'Authorization: Basic DBPASSWORD="://u:pw@'
    return ("x = [" + unit * (n // len(unit)) + "]\n").encode()


@pytest.mark.parametrize("make", [
    pytest.param(lambda n: _bundle(n * 10), id="bundle"),
    pytest.param(lambda n: _dense_line(n // 10), id="dense line"),
    pytest.param(lambda n: _rejected_generic_shapes(n // 10), id="rejected generic shapes"),
    pytest.param(_overlapping, id="overlapping alternatives"),
    pytest.param(lambda n: b"eyJ" * n, id="eyJ run"),
])
def test_the_prefiltered_pass_costs_linear_work(monkeypatch: pytest.MonkeyPatch,
                                                make: Callable[[int], bytes]) -> None:
    small, large = find_work(monkeypatch, [make(2000), make(4000)], accelerated=True)
    assert large <= 2.3 * small


def test_a_pattern_whose_match_can_run_over_lines_without_bound_disables_it() -> None:
    # `\s*` reaches over any number of newlines: no start can be bounded, so no prefilter.
    assert prefilter.bound(r"secret\s*=\s*[a-z]{8}") is None
    assert prefilter.load([rb"secret\s*=\s*[a-z]{8}", rb"ghp_[A-Za-z0-9]{6}"], bytes) is None
    # The same on one line is bounded by the line; a fixed shape by its length.
    assert prefilter.bound(r"secret[ \t]*=[ \t]*[a-z]{8}") == 0
    assert prefilter.bound(r"ghp_[A-Za-z0-9]{6}") == 10
    assert prefilter.bound(r"[^x]+y") is None  # a negated class holds the newline
    assert prefilter.bound(r"a?") is None  # empty matches are never reported


def test_turned_off_it_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYLINT_PREFILTER", "off")
    assert not Detector(RULES).accelerate()


def test_the_compiled_database_is_cached_and_a_damaged_cache_is_rebuilt(
        _own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = fake_key("github-token", 4)
    data = f'token = "{key}"\n'.encode() * 3
    _accelerated()
    (cached,) = _own_cache.iterdir()
    assert stat.S_IMODE(cached.stat().st_mode) & 0o077 == 0

    def no_compile(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled although cached")

    with monkeypatch.context() as m:
        m.setattr(hyperscan, "Database", no_compile)
        assert [x.secret for x in _accelerated().find(data)] == [key] * 3
    whole = cached.read_bytes()
    head, _, db = whole.partition(b"\n")
    for damaged in (whole[:1000], random.Random(1).randbytes(len(whole)),
                    head.rsplit(b",", 1)[0] + b"\n" + db,  # bounds of another pattern set
                    head.replace(b",", b",-", 1) + b"\n" + db):
        cached.write_bytes(damaged)  # truncated, or garbage: not loadable
        assert [x.secret for x in _accelerated().find(data)] == [key] * 3
        assert cached.read_bytes() == whole  # rebuilt


def _count_compiles(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets an item each time a hyperscan database is compiled."""
    compiled: list[int] = []
    real = hyperscan.Database

    def counting(*args: object, **kwargs: object) -> object:
        compiled.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hyperscan, "Database", counting)
    return compiled


def test_a_buffer_of_more_hits_than_it_holds_is_read_by_the_whole_pass(
        monkeypatch: pytest.MonkeyPatch) -> None:
    key = fake_key("anthropic-api-key", 8)
    data = ("token aws " * 50 + f'k = "{key}"\n' + "token " * 50).encode()
    det = _accelerated()
    monkeypatch.setattr(prefilter, "_MAX_HITS", 20)
    assert det._prefilter is not None and det._prefilter.scan(data) is None
    assert _spans(det, data) == _spans(_PLAIN, data)
    assert [m.secret for m in det.find(data)] == [key]


def test_a_hyperscan_failure_falls_back_to_the_whole_pass() -> None:
    key = fake_key("github-token", 9)
    data = f'token = "{key}"\n'.encode()
    det = _accelerated()

    class Failing:
        def scan(self, *args: object, **kwargs: object) -> None:
            raise hyperscan.error("out of scratch")

    assert det._prefilter is not None
    det._prefilter._scratch()  # made from the real database, before it is replaced
    det._prefilter._db = Failing()
    assert [m.secret for m in det.find(data)] == [key]


def test_without_a_home_directory_nothing_is_cached_in_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KEYLINT_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda p: p)  # no HOME, no passwd entry
    monkeypatch.chdir(tmp_path)
    key = fake_key("github-token", 10)
    assert [m.secret for m in _accelerated().find(f'k = "{key}"'.encode())] == [key]
    assert list(tmp_path.iterdir()) == []


def test_a_cache_others_can_write_is_not_loaded(
        _own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _accelerated()
    (cached,) = _own_cache.iterdir()
    cached.chmod(0o666)
    compiled = _count_compiles(monkeypatch)
    _accelerated()
    assert compiled == [1]


def test_a_cache_file_that_is_a_symlink_is_not_loaded(
        _own_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In a directory others can write, a link could be swapped in: only the file itself counts.
    _accelerated()
    (cached,) = _own_cache.iterdir()
    elsewhere = tmp_path / "elsewhere.hsdb"
    cached.rename(elsewhere)
    cached.symlink_to(elsewhere)
    compiled = _count_compiles(monkeypatch)
    _accelerated()
    assert compiled == [1]


def test_a_cache_that_cannot_be_written_costs_only_the_compile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("KEYLINT_CACHE_DIR", str(blocker / "keylint"))
    key = fake_key("anthropic-api-key", 5)
    assert [m.secret for m in _accelerated().find(f'k = "{key}"'.encode())] == [key]


_CUT_KEY = fake_key("openai-project-key", 5)


_MARKS = ["\\\n", "\\\r\n", "\\/", "\\", "/", "%2F", "%2b", "%3d", "%3", "%2G", "%",
          ": str = ", ': str = "', ": Optional[str] = \"", ": &str = \"", ": String =",
          ": string | undefined = `", ":str=b'", "= "]


@st.composite
def _cut_key(draw: st.DrawFn) -> str:
    """A key cut somewhere by one of the markers' shapes (or a near miss), in an assignment."""
    at = draw(st.integers(0, len(_CUT_KEY)))
    name = draw(st.sampled_from(["OPENAI_API_KEY", "db_password", "token", "x"]))
    return f'{name}="{_CUT_KEY[:at]}{draw(st.sampled_from(_MARKS))}{_CUT_KEY[at:]}"'


def _marker_texts() -> st.SearchStrategy[bytes]:
    """Text around the markers' shapes: continuations, escaped slashes, percent escapes,
    annotations, near misses of each, and keys cut by them."""
    pieces = st.one_of(st.sampled_from([*_MARKS, "password: str = '", "abc", "\n", " ", "\t",
                                        "x" * 70, "s3cr3t-Passw0rd-91"]), _cut_key())
    return st.lists(pieces, max_size=30).map(lambda p: "".join(p).encode())


@given(_marker_texts())
def test_what_the_markers_skip_finds_nothing(data: bytes) -> None:
    # The continued pass, told which markers hyperscan did not see, finds what it finds
    # when it searches everything.
    det = Detector(RULES, markers=MARKERS)
    assert det.accelerate()
    _, absent = det.find_marked(data)
    assert continued.find_continued(data, det, absent=absent) == \
        continued.find_continued(data, det)


@given(_marker_texts())
def test_a_marker_is_reported_absent_only_where_it_has_no_match(data: bytes) -> None:
    # Where hyperscan says a marker has no match, its RE2 search is skipped: both must agree.
    det = Detector(RULES, markers=MARKERS)
    assert det.accelerate()
    _, absent = det.find_marked(data)
    assert {m for m in MARKERS if _compile(m, fast=True).search(data) is None} == absent


def test_without_the_prefilter_no_marker_is_known_absent() -> None:
    _, absent = Detector(RULES, markers=MARKERS).find_marked(b"plain text, nothing marked\n")
    assert absent == frozenset()


def test_a_large_tree_scan_reports_the_same_with_and_without_it(
        tmp_path: Path, _own_cache: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    rng = random.Random(3)
    # Keys the whole pass sees, and keys only the continued pass sees (its searches are then
    # skipped in the files where the prefilter saw no marker).
    hidden = [f'API_KEY = "{cut(fake_key("openai-project-key", 5))}"',
              f"db_password: str = \"{fake_key('password-assignment', 6)}\"",
              "url = 'https://s3.example.net/u?aws_secret_access_key="
              f"{urllib.parse.quote(fake_key('aws-secret-access-key', 7), safe='')}&x=1'"]
    for i in range(260):  # a tree: the scan loads the prefilter
        lines = ["import os", "x = 1"] * rng.randrange(1, 50)
        if i % 7 == 0:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(_LINES))
        if i % 11 == 0:
            lines.insert(rng.randrange(len(lines) + 1), hidden[i % len(hidden)])
        (tree / f"m{i}.py").write_text("\n".join(lines) + rng.choice(["", "\n"]))
    out = {}
    for mode in ("off", "on"):
        env = {**os.environ, "KEYLINT_PREFILTER": mode}
        run = subprocess.run([sys.executable, "-m", "keylint", "scan", str(tree), "--format",
                              "json"], capture_output=True, text=True, env=env, check=False)
        assert run.returncode == 1, run.stderr
        out[mode] = [(f["path"], f["line"], f["column"], f["rule_id"])
                     for f in json.loads(run.stdout)["results"]]
        assert _own_cache.exists() == (mode == "on")  # the prefilter was used, then not
    assert out["on"] == out["off"]
    assert len(out["on"]) >= 260 // 7 + 260 // 11


def test_keylint_redact_masks_the_same_with_and_without_it(tmp_path: Path,
                                                          _own_cache: Path) -> None:
    # `keylint redact` of a large log (1 MiB or more) loads the prefilter too.
    keys = [fake_key(r, 13) for r in ("anthropic-api-key", "github-token", "aws-access-key-id")]
    log = tmp_path / "build.log"
    lines = [f"2025-03-01T00:00:{i % 60:02d}Z step {i} sha256:{i:064x} ok" for i in range(14000)]
    for i, key in enumerate(keys):
        lines.insert(4000 * (i + 1), f"ERROR auth failed with key {key}")
    log.write_text("\n".join(lines) + "\n")
    assert log.stat().st_size >= 1 << 20
    out = {}
    for mode in ("off", "on"):
        env = {**os.environ, "KEYLINT_PREFILTER": mode}
        run = subprocess.run([sys.executable, "-m", "keylint", "redact", str(log)],
                             capture_output=True, check=True, env=env)
        out[mode] = run.stdout
        assert _own_cache.exists() == (mode == "on")
    assert out["on"] == out["off"]
    assert not any(key.encode() in out["on"] for key in keys)
    assert out["on"].count(b"\n") == 14003


def test_keylint_redact_of_a_short_input_does_not_load_it(tmp_path: Path,
                                                           _own_cache: Path) -> None:
    # A line piped through, or a small file: no start-up cost for the prefilter.
    key = fake_key("github-token", 14)
    small = tmp_path / "small.log"
    small.write_text(f"token {key}\n")
    for args, stdin in (([str(small)], None), ([], f"token {key}\n".encode())):
        run = subprocess.run([sys.executable, "-m", "keylint", "redact", *args], input=stdin,
                             capture_output=True, check=True)
        assert key.encode() not in run.stdout
    assert not _own_cache.exists()


_ACCELERATED = _accelerated()
