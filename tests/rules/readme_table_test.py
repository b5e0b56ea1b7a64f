"""The README's provider table and counts are generated from the rule table (issue 10, item 7)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from keylint.rules import PROVIDERS, RULES
from keylint.rules.readme import END, START, main, render

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_provider_table_and_counts_are_the_generated_ones() -> None:
    # After adding rules: python -m keylint.rules.readme
    text = README.read_text(encoding="utf-8")
    assert render(text, PROVIDERS, RULES) == text


def test_every_provider_is_named_in_the_readme_table() -> None:
    text = README.read_text(encoding="utf-8")
    block = text[text.index(START):text.index(END)]
    assert [p.name for p in PROVIDERS.values() if p.name not in block] == []


def _stale(tmp_path: Path) -> Path:
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\nOpenAI, Anthropic, Google, AWS, GitHub and 3 more providers.\n\n"
                      "`keylint rules`: 9 rules for 8 providers.\n\n"
                      f"{START}\n| old |\n{END}\n\nafter\n", encoding="utf-8")
    return readme


def test_a_new_rule_makes_the_table_stale_until_regenerated(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = _stale(tmp_path)
    assert main(["--check", str(readme)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main([str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    used = {r.provider for r in RULES}
    assert f"GitHub and {len(used) - 5} more providers" in text
    assert f"{len(RULES)} rules for {len(used)} providers" in text
    assert text.endswith(f"{END}\n\nafter\n") and "| old |" not in text
    assert main(["--check", str(readme)]) == 0
    extra = replace(RULES[0], id="openai-extra-key", secret_type="OpenAI Extra Key")
    assert "Extra Key" in render(text, PROVIDERS, (*RULES, extra))
    assert render(text, PROVIDERS, (*RULES, extra)) != text


def test_a_readme_without_the_table_markers_is_one_line_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# nothing here\n", encoding="utf-8")
    assert main([str(readme)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(readme) in err
    assert readme.read_text(encoding="utf-8") == "# nothing here\n"
