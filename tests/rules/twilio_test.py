"""A Twilio auth token given right after its account SID (`Client("AC...", "<token>")`): the SID
names Twilio, so the token is found wherever the call stands (a README's code block, a module
whose `import twilio` is far above); a 32-hex value without the SID still needs Twilio named."""

from __future__ import annotations

import pytest

from keylint.scanner.engine import scan_text
from tests.fakes import fake_key

RULE = "twilio-auth-token-with-sid"


def pair(seed: int) -> tuple[str, str]:
    """An account SID and an auth token (from the rule's fake `Client("AC...", "...")`)."""
    parts = fake_key(RULE, seed).split('"')
    return parts[1], parts[3]


def found(text: str, path: str) -> list[tuple[str, str, int]]:
    return [(f.rule_id, f.secret, f.line) for f in scan_text(text, path)]


@pytest.mark.parametrize(("path", "template", "line"), [
    pytest.param("docs/quickstart.md", "## Trying it out\n\n```python\nfrom twilio.rest import "
                 'Client\n\nclient = Client("{s}", "{t}")\n```\n', 6, id="markdown code block"),
    pytest.param("notify.py", "from twilio.rest import Client\n\n" + "import os\n" * 8
                 + '\n\ndef send():\n    client = Client("{s}", "{t}")\n', 14,
                 id="python, import far above"),
    pytest.param("notify.py", "def send():\n    client = Client('{s}', '{t}')\n", 2,
                 id="python, no import"),
    pytest.param("notify.py", 'client = Client(\n    "{s}",\n    "{t}",\n)\n', 3,
                 id="python, one argument a line"),
    pytest.param("notify.py", 'client = Client(account_sid="{s}", auth_token="{t}")\n', 1,
                 id="python, keyword arguments"),
    pytest.param("notify.js", "const client = require('twilio')('{s}', '{t}');\n", 1,
                 id="node"),
    pytest.param("Notify.cs", 'TwilioClient.Init("{s}", "{t}");\n', 1, id="C#"),
    pytest.param("notify.go", "client := twilio.NewRestClientWithParams(twilio.ClientParams{{\n"
                 '\tUsername: "{s}",\n\tPassword: "{t}",\n}})\n', 3, id="go"),
    pytest.param("twilio.json", '{{"account_sid": "{s}", "auth_token": "{t}"}}\n', 1, id="json"),
    pytest.param(".env", "TWILIO_CREDENTIALS={s}:{t}\n", 1, id="sid:token"),
])
def test_a_token_after_its_account_sid_is_found(path: str, template: str, line: int) -> None:
    sid, token = pair(1)
    assert found(template.format(s=sid, t=token), path) == [(RULE, token, line)]


def test_the_token_is_reported_at_its_own_column() -> None:
    sid, token = pair(2)
    text = f'client = Client("{sid}", "{token}")\n'
    (f,) = scan_text(text, "notify.py")
    assert text[f.column - 1:f.end_column - 1] == token


@pytest.mark.parametrize("template", [
    pytest.param('digest = "{t}"\nclient = Client(sid, "{t}")\n', id="32 hex without the SID"),
    pytest.param('client = Client("{s}", request_id="{t}")\n', id="an id after the SID"),
    pytest.param('client = Client("{s}", "{t31}")\n', id="31 hex"),
    pytest.param('client = Client("{s}", "{T}")\n', id="upper-case hex"),
    pytest.param('client = Client("{s}", "your_auth_token")\n', id="a placeholder"),
    pytest.param('client = Client("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "{t}")\n',
                 id="a placeholder SID"),
])
def test_no_token_without_its_sid_and_shape(template: str) -> None:
    sid, token = pair(3)
    text = template.format(s=sid, t=token, t31=token[:31], T=token.upper())
    assert [f for f in scan_text(text, "notify.py") if f.rule_id == RULE] == []
    assert [f.secret for f in scan_text(text, "notify.py") if token in f.secret] == []
