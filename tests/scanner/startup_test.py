"""What a scan's start-up does: per-rule patterns compiled only when a scan needs them, the first
pass cut from each rule without parsing it, the version read without importlib.metadata. Each
saves part of a pre-commit run's start-up (bench/speed_bench.py measures it); these tests check
that the findings and the version stay exactly what they were."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as metadata_version
from pathlib import Path

import pytest

import keylint
from keylint.rules import RULES
from keylint.scanner.detector import Detector, _open_groups, _trigger
from keylint.scanner.engine import detector_for, scan_text
from tests.fakes import RULE_IDS, assignment, fake_key

_COUNT = re.compile(r"\{(\d+)(?:,\d*)?\}")


def _cut_compiles(pattern: str, at: int) -> bool:
    try:
        re.compile(pattern[:at] + "{6}")
    except re.error:
        return False
    return True


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_a_pattern_is_cut_for_the_first_pass_exactly_where_the_cut_parses(rule: object) -> None:
    pattern = (rule.scan_pattern or rule.pattern).replace("(?P<secret>", "(?:")  # type: ignore[attr-defined]
    for m in _COUNT.finditer(pattern):
        assert (_open_groups(pattern, m.start()) == 0) == _cut_compiles(pattern, m.start())
    re.compile(_trigger(rule))  # type: ignore[arg-type]


@pytest.mark.parametrize("pattern", [
    r"(?:ab|c)[xy]{4}", r"(?:a[(]b)[x]{4}", r"(?:a\(b)[x]{4}", r"a[]()][x]{4}",
    r"a[^]()][x]{4}", r"(a(?:b)c[x]{4})", r"[\]()][x]{4}", r"a\\(b[x]{4})",
])
def test_groups_are_counted_past_escapes_and_character_classes(pattern: str) -> None:
    at = pattern.index("{4}")
    assert (_open_groups(pattern, at) == 0) == _cut_compiles(pattern, at)


def test_a_scan_with_no_candidates_compiles_no_rule_pattern() -> None:
    det = Detector(RULES)
    det.find(b"def add(a, b):\n    return a + b\n" * 50)
    assert det._exact.compiled() == 0
    assert det._master is None


def test_rules_compiled_on_first_use_find_what_a_warm_detector_finds() -> None:
    """A fresh detector compiles each rule when its trigger or provider word first shows up, in
    whatever order the inputs come; every rule's generated key is found exactly as by the
    shared detector that has compiled everything."""
    warm = detector_for()
    inputs = [assignment(i, fake_key(i, 3)) + "\n" for i in RULE_IDS]
    random.Random(7).shuffle(inputs)
    fresh = Detector(RULES)
    for text in inputs:
        assert scan_text(text, detector=fresh) == scan_text(text, detector=warm)
    assert 0 < fresh._exact.compiled() <= len(RULES)


def _dist(root: Path, name: str, meta: str, version: str) -> None:
    (root / name).mkdir()
    (root / name / meta).write_text(f"Metadata-Version: 2.1\nName: keylint\nVersion: {version}\n"
                                    "\nVersion: 0.0.0 (the body, not a header)\n")


@pytest.mark.parametrize("layout", [
    [("keylint-7.1.0.dist-info", "METADATA", "7.1.0")],
    [("Keylint-7.2.0.dist-info", "METADATA", "7.2.0")],
    [("keylint.egg-info", "PKG-INFO", "7.3.0")],
    [("keylint_runtime-7.4.0.dist-info", "METADATA", "7.4.0")],
    [("keylintx-1.0.dist-info", "METADATA", "1.0"), ("keylint-7.5.0.dist-info", "METADATA",
                                                      "7.5.0")],
])
def test_the_version_is_found_where_importlib_metadata_finds_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        layout: list[tuple[str, str, str]]) -> None:
    for name, meta, ver in layout:
        _dist(tmp_path, name, meta, ver)
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    try:
        expected = metadata_version("keylint")
    except PackageNotFoundError:
        expected = metadata_version("keylint-runtime")
    assert keylint._version_on_path() == expected == layout[-1][2]


def test_the_json_report_names_the_installed_version(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    done = subprocess.run([sys.executable, "-c",
                           "import sys; from keylint.cli import main; rc = main(sys.argv[1:]);"
                           "heavy = ('importlib.metadata', 'hashlib', 'subprocess',"
                           " 'keylint.scanner.wrapped');"
                           "print([m for m in heavy if m in sys.modules], file=sys.stderr);"
                           " sys.exit(rc)",
                           "scan", str(tmp_path / "a.py"), "--format", "json"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f'"version": "{metadata_version("keylint")}"' in done.stdout
    # Found without importlib.metadata; a clean source file needs no git, no digest and no
    # base64-wrapper search: none of them is loaded.
    assert done.stderr.strip() == "[]"
