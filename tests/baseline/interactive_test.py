"""Interactive `keylint audit`, driven through a pseudo-terminal as a person would."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pexpect

from tests.baseline.helpers import entries, line, run, write
from tests.fakes import fake_key

KEYS = (("openai-project-key", 1), ("github-token", 1), ("aws-access-key-id", 1),
        ("groq-api-key", 1))


def _spawn(cwd: Path, log: io.StringIO) -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, ["-m", "keylint", "audit"], cwd=str(cwd),
                          env=dict(os.environ), encoding="utf-8", timeout=60,
                          dimensions=(50, 250))
    child.logfile_read = log
    return child


def _labels(path: Path) -> dict[str, bool | None]:
    return {e["type"]: e.get("is_secret") for e in entries(path)}


def _tree(tree: Path) -> Path:
    write(tree, "app.py", "import os\n\n" + line("openai-project-key", 1) + line("groq-api-key", 1)
          + "\n" + line("github-token", 1))
    write(tree, "conf.py", line("aws-access-key-id", 1))
    assert run("baseline", "create") == 0
    # A secret baselined elsewhere as a false positive sits in the context: masked too.
    return tree / ".secrets.baseline"


def test_walk_label_go_back_skip_and_quit(tree: Path) -> None:
    path = _tree(tree)
    log = io.StringIO()
    child = _spawn(tree, log)
    child.expect_exact("As in `detect-secrets audit`: (y)es = not a secret")
    child.expect("Secret: +1 of 4")
    child.expect("Filename: +app.py")
    child.expect("Secret Type: +OpenAI Project Key")
    openai = fake_key("openai-project-key", 1)
    child.expect_exact(f"{openai[:7]}***...{openai[-4:]}   (line 3)")
    child.expect_exact("Should this string be committed to the repository? (y)es, (n)o, (s)kip, "
                       "(q)uit: ")
    child.sendline("n")  # detect-secrets' meaning: must not be committed, a real secret
    child.expect("Secret: +2 of 4")
    assert _labels(path)["OpenAI Project Key"] is True  # saved at once
    child.expect_exact("(s)kip, (b)ack, (q)uit: ")
    child.sendline("maybe")
    child.expect("Please answer y, n, s, b or q.")
    child.sendline("b")
    child.expect("Secret: +1 of 4")
    child.sendline("y")  # may be committed: a false positive
    child.expect("Secret: +2 of 4")
    child.sendline("s")
    child.expect("Secret: +3 of 4")
    child.sendline("q")
    child.expect("1 false positive")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert _labels(path) == {"OpenAI Project Key": False, "Groq API Key": None,
                             "GitHub Token": None, "AWS Access Key": None}
    for rule, seed in KEYS:
        assert fake_key(rule, seed) not in log.getvalue()


def test_every_answer_is_recorded_with_detect_secrets_meaning(tree: Path) -> None:
    path = _tree(tree)
    log = io.StringIO()
    child = _spawn(tree, log)
    for n, answer in enumerate("nyyn", start=1):
        child.expect(f"Secret: +{n} of 4")
        child.expect_exact("(q)uit: ")
        child.sendline(answer)
    child.expect("2 real secret")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert _labels(path) == {"OpenAI Project Key": True, "Groq API Key": False,
                             "GitHub Token": False, "AWS Access Key": True}
    context = log.getvalue()
    groq = fake_key("groq-api-key", 1)
    assert f"{groq[:7]}***...{groq[-4:]}" in context  # the neighbour line, masked
    for rule, seed in KEYS:
        assert fake_key(rule, seed) not in context
    again = _spawn(tree, io.StringIO())
    again.expect("nothing to audit")
    again.expect(pexpect.EOF)


def test_context_lines_mask_random_looking_strings_no_rule_knows() -> None:
    from keylint.baseline.locate import masked_lines

    blob = fake_key("together-api-key-legacy", 5)  # a bare hex string: no rule matches it alone
    lines = ["x = 1", f'BLOB = "{blob}"', "y = 2"]
    shown = masked_lines(lines, [])
    assert blob not in shown[2]
    assert 1 not in shown and 3 not in shown  # lines without anything secret are shown as is
