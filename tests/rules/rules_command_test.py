"""`keylint rules` groups the rules by their provider's category (issue 10, item 7)."""

from __future__ import annotations

import json

import pytest

from keylint.cli import main
from keylint.rules import PROVIDERS, RULES
from keylint.rules.model import CATEGORIES


def _sections(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line and not line.startswith(" ") and "rules, " in line and line.endswith(")"):
            current = line.rsplit(" (", 1)[0]
            out[current] = []
        elif line.startswith("  ") and current:
            out[current].append(line.split()[0])
    return out


def test_text_lists_each_rule_once_under_its_category_in_category_order(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    text = capsys.readouterr().out
    sections = _sections(text)
    assert list(sections) == [c for c in CATEGORIES if c in sections]
    listed = [rid for ids in sections.values() for rid in ids]
    assert sorted(listed) == sorted(r.id for r in RULES)
    for category, ids in sections.items():
        assert {PROVIDERS[r.provider].category for r in RULES if r.id in ids} == {category}
    assert text.rstrip().endswith(f"{len(RULES)} rules, {len({r.provider for r in RULES})} providers")


def test_json_gives_each_rule_its_category_and_the_groups(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rows = {r["id"]: r for r in doc["rules"]}
    assert set(rows) == {r.id for r in RULES}
    assert all(row["category"] == PROVIDERS[row["provider"]].category for row in rows.values())
    groups = {g["name"]: g["rules"] for g in doc["categories"]}
    assert [g["name"] for g in doc["categories"]] == [c for c in CATEGORIES if c in groups]
    assert all(rows[rid]["category"] == name for name, ids in groups.items() for rid in ids)
    assert "password-name-value" in groups["Key material and generic credentials"]
