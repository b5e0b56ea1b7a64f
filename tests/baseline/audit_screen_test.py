"""The interactive audit's screen: names readable, secrets masked, detect-secrets' question and
keys with detect-secrets' meaning."""

from __future__ import annotations

import io
import json
from pathlib import Path

from keylint.baseline import audit
from keylint.baseline.locate import looks_like_a_name, masked_lines
from keylint.masking import mask
from tests.baseline.helpers import run, write
from tests.fakes import fake_key


def _labels(path: Path) -> list[bool | None]:
    return [e.get("is_secret") for es in json.loads(path.read_text())["results"].values()
            for e in es]


def test_context_masks_the_secret_but_not_the_variable_names(tree: Path) -> None:
    key = fake_key("stripe-secret-key", 3)
    write(tree, "settings.py", "import os\n"
          f'STRIPE_SECRET_KEY = "{key}"\n'
          'DATABASE_PASSWORD_FILE = os.environ["DATABASE_PASSWORD_FILE"]\n'
          "stripeWebhookEndpoint = None\n")
    assert run("baseline", "create") == 0
    out = io.StringIO()
    audit.session(Path(".secrets.baseline"), None, io.StringIO("s\n"), out)
    screen = out.getvalue()
    assert key not in screen
    assert f'> 2 | STRIPE_SECRET_KEY = "{mask(key)}"' in screen
    assert '  3 | DATABASE_PASSWORD_FILE = os.environ["DATABASE_PASSWORD_FILE"]' in screen
    assert "  4 | stripeWebhookEndpoint = None" in screen


def test_random_tokens_are_still_masked_names_are_not() -> None:
    names = ["STRIPE_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY_2", "postgres_db_password",
             "myServiceApiToken", "settings.database.password", "DATABASE_URL_HTTP"]
    assert all(looks_like_a_name(n) for n in names)
    tokens = [fake_key(rule, 1) for rule in ("together-api-key-legacy", "github-token",
                                             "aws-secret-access-key", "openai-project-key")]
    tokens += ["123e4567-e89b-12d3-a456-426614174000", "qWkPzXrTbnMvLsYdHjKl"]
    assert not any(looks_like_a_name(t) for t in tokens)
    shown = masked_lines([f"{n} = '{t}'" for n, t in zip(names, tokens, strict=False)], [])
    for n, t in zip(names, tokens, strict=False):
        assert n in "".join(shown.values()) and t not in "".join(shown.values())


def test_question_and_keys_are_detect_secrets(tree: Path) -> None:
    write(tree, "a.py", f'TOKEN = "{fake_key("github-token", 4)}"\n')
    write(tree, "b.py", f'TOKEN = "{fake_key("github-token", 5)}"\n')
    assert run("baseline", "create") == 0
    out = io.StringIO()
    audit.session(Path(".secrets.baseline"), None, io.StringIO("y\nN\n"), out)
    screen = out.getvalue()
    assert "Secret:      1 of 2\nFilename:    a.py\nSecret Type: GitHub Token\n" in screen
    assert ("Should this string be committed to the repository? (y)es, (n)o, (s)kip, (q)uit: "
            in screen)
    assert "(y)es = not a secret" in screen  # the legend says what each key records
    # detect-secrets: "yes, it may be committed" is a false positive; "no" is a real secret.
    assert _labels(tree / ".secrets.baseline") == [False, True]
    assert "1 real secret, 1 false positive recorded; 0 left unaudited" in screen
