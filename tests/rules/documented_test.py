"""Issue 10's table test: every rule id in the table is documented and has a positive and a
near-miss negative, generated at test time.

"Documented" for a user: `keylint rules` (which the README's Rules section points to) prints
the rule id on a line with its provider, secret type and environment variable, `keylint rules
--format json` gives where to rotate it (a link or the console steps), and the README's
generated provider table names its provider. Parametrized over the rule table itself, so a
new rule without a fake-key builder, a secret type or a rotation link, or whose positive is
not found or whose near-miss is, fails here.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from keylint.cli import main
from keylint.rules import PROVIDERS, RULES, RULES_BY_ID
from keylint.rules.readme import END, START
from keylint.scanner.engine import scan_text
from tests.fakes import RULE_IDS, assignment, fake_key

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def listing() -> tuple[str, dict[str, dict[str, object]]]:
    """What `keylint rules` prints, and its JSON rows by rule id."""
    text, doc = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(text):
        assert main(["rules"]) == 0
    with contextlib.redirect_stdout(doc):
        assert main(["rules", "--format", "json"]) == 0
    return text.getvalue(), {r["id"]: r for r in json.loads(doc.getvalue())["rules"]}


def ids(text: str) -> list[str]:
    return [f.rule_id for f in scan_text(text)]


def near_miss(rule_id: str, key: str) -> str:
    """A line a careless rule would report: the key cut by a placeholder (`sk-abc...wxyz`, as
    in docs) where the rule identifies itself, else the bare key with no provider around it."""
    if RULES_BY_ID[rule_id].needs_context:
        return f'value = "{key}"\n'
    return assignment(rule_id, key[:12] + "..." + key[-4:])


@pytest.mark.parametrize("rule_id", [r.id for r in RULES])
def test_every_rule_is_documented_and_has_a_positive_and_a_near_miss(
        rule_id: str, listing: tuple[str, dict[str, dict[str, object]]]) -> None:
    rule = RULES_BY_ID[rule_id]
    text, rows = listing
    line = next((ln for ln in text.splitlines() if ln.split()[:1] == [rule_id]), "")
    assert rule.secret_type and rule.provider in line and rule.secret_type in line \
        and rule.env_var in line, f"`keylint rules` does not document {rule_id}"
    assert rows[rule_id]["rotate_url"], f"no rotation link or steps for {rule_id}"
    readme = README.read_text(encoding="utf-8")
    assert PROVIDERS[rule.provider].name in readme[readme.index(START):readme.index(END)]
    assert rule_id in RULE_IDS, f"no fake-key builder for {rule_id} in tests/fakes*.py"
    key = fake_key(rule_id, 15)
    assert ids(assignment(rule_id, key) + "\n") == [rule_id], "positive not found"
    assert rule_id not in ids(near_miss(rule_id, key)), "near-miss reported"
