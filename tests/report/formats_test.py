"""Properties every output format shares: no raw secret, and no more than a third of one."""

from __future__ import annotations

import io
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from keylint.masking import mask
from keylint.report import github, jsonout, sarif, text
from keylint.rules import RULES_BY_ID
from keylint.scanner.finding import Finding
from tests.fakes import RULE_IDS, fake_key

STATS = {"files_scanned": 1, "files_skipped": 0, "findings": 0, "bytes_scanned": 0, "seconds": 0.0}
_GITHUB_ESCAPES = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _strings(k) + _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def outputs(findings: list[Finding]) -> dict[str, str]:
    """Each format's output, decoded back to the characters a reader would see."""
    human = io.StringIO()
    text.write(findings, dict(STATS, findings=len(findings)), human)
    annotations = re.sub("%25|%0D|%0A|%3A|%2C", lambda m: _GITHUB_ESCAPES[m.group()],
                         github.render(findings))
    return {
        "text": human.getvalue(),
        "json": "\0".join(_strings(json.loads(jsonout.render(findings, STATS)))),
        "sarif": "\0".join(_strings(json.loads(sarif.render(findings)))),
        "github": annotations,
    }


def longest_shown(secret: str, out: str) -> int:
    """The longest run of consecutive characters of `secret` that appears in `out`."""
    best = 0
    for start in range(len(secret)):
        n = best + 1
        while start + n <= len(secret) and secret[start:start + n] in out:
            best = n
            n += 1
    return best


finding_args = st.tuples(
    st.sampled_from(RULE_IDS),
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from(["app.py", "src/deep/conf.yaml", "notes,with:odd%chars.txt"]),
    st.integers(min_value=1, max_value=10**5),
    st.integers(min_value=1, max_value=500),
)


def build(rule_id: str, seed: int, path: str, line: int, column: int) -> Finding:
    rule = RULES_BY_ID[rule_id]
    key = fake_key(rule_id, seed)
    end_line = line + key.count("\n")
    end_column = (len(key) - key.rfind("\n") if "\n" in key else column + len(key))
    return Finding(path=path, line=line, column=column, end_line=end_line, end_column=end_column,
                   rule_id=rule_id, provider=rule.provider, secret_type=rule.secret_type,
                   secret=key)


@settings(max_examples=60, deadline=None)
@given(st.lists(finding_args, min_size=1, max_size=4))
def test_no_format_shows_a_secret_or_more_than_a_third_of_it(
        args: list[tuple[str, int, str, int, int]]) -> None:
    findings = [build(*a) for a in args]
    for name, out in outputs(findings).items():
        for f in findings:
            assert f.secret not in out, name
            assert longest_shown(f.secret, out) <= len(f.secret) // 3, (name, f.rule_id)


def test_every_rule_every_format_masks() -> None:
    findings = [build(rid, 7, "a.py", 1, 1) for rid in RULE_IDS]
    for out in outputs(findings).values():
        for f in findings:
            assert f.masked in out
            assert longest_shown(f.secret, out) <= len(f.secret) // 3


@given(st.text(max_size=300))
def test_mask_never_reveals_more_than_a_third(secret: str) -> None:
    shown = mask(secret)
    revealed = len(shown) - len("***...")
    assert 0 <= revealed <= len(secret) // 3
    # Some split of the revealed characters is a prefix and a suffix of the secret.
    assert any(
        shown == secret[:h] + "***..." + secret[len(secret) - (revealed - h):]
        for h in range(revealed + 1)
    )


def test_the_leak_check_sees_a_leak() -> None:
    secret = fake_key("groq-api-key", 3)
    assert longest_shown(secret, f"x {secret[5:30]} y") == 25
    assert longest_shown(secret, mask(secret)) <= len(secret) // 3
