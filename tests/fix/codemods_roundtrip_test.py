"""Round trips on random valid Python with a planted key: parses, key gone, kept, idempotent."""

from __future__ import annotations

import ast
import keyword

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keylint.scanner.engine import scan_bytes
from tests.fakes import fake_key
from tests.fix.util import run_fix

RULES = ("openai-project-key", "anthropic-api-key", "github-token", "google-api-key",
         "groq-api-key", "huggingface-user-token", "stripe-secret-key", "slack-bot-token")

identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda s: not keyword.iskeyword(s) and not keyword.issoftkeyword(s))
words = st.text(alphabet="abcdefgh ijk-_.:", max_size=12)
simple = st.one_of(
    st.builds(lambda n, v: f"{n} = {v}", identifiers, st.integers(-999, 999)),
    st.builds(lambda n, s: f"{n} = {s!r}", identifiers, words),
    st.builds(lambda f, a: f"{f}({a})", identifiers, identifiers),
    st.builds(lambda n, a, b: f"{n} = [{a}, {b!r}]", identifiers, identifiers, words),
    st.builds(lambda c: f"# {c}", words),
    st.just("pass"),
    st.just(""),
)

# How the key is planted: `@K` is the key, `@N` a name.
SHAPES = (
    '@N = "@K"',
    "@N = 'Bearer @K'",
    '@N = f"Bearer @K {@N}"',
    'client = Client(api_key="@K", timeout=3)',
    '@N = {"key": "@K", "n": 1}',
    'def @N(key="@K"):\n    return key',
    '@N = ("@K")',
    "@N = '@K' + 'x'",
    '@N = b"@K"',
    '@N = rb"token @K"',
    'os.environ["@N"] = "@K"',
    '@N = ("prefix "\n    "@K")',
    'print("@K")',
    '@N = """@K\nmore text"""',
    'class @N:\n    token = "@K"',
)


@st.composite
def programs(draw: st.DrawFn) -> tuple[str, str]:
    """A random module (its text) and the key planted in it."""
    key = fake_key(draw(st.sampled_from(RULES)), draw(st.integers(0, 10_000)))
    indent = draw(st.sampled_from(["    ", "\t", "  "]))
    body: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["simple", "if", "def", "class"]))
        if kind == "simple":
            body.append(draw(simple))
            continue
        head = {"if": "if {}:", "def": "def {}():", "class": "class {}:"}[kind]
        inner = [draw(simple) for _ in range(draw(st.integers(0, 2)))] + ["pass"]
        body.append(head.format(draw(identifiers)) + "\n"
                    + "\n".join(indent + s for s in inner))
    shape = draw(st.sampled_from(SHAPES))
    name = draw(identifiers).upper() + "_V"
    planted = shape.replace("@N", name).replace("@K", key)
    if draw(st.booleans()):  # inside a function body
        planted = "def holder():\n" + "\n".join(indent + line for line in planted.split("\n"))
    body.insert(draw(st.integers(0, len(body))), planted)
    if draw(st.booleans()):
        body.insert(0, '"""Module docstring."""')
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return "\n".join(body).replace("\n", newline) + newline, key


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(programs())
def test_roundtrip(program: tuple[str, str]) -> None:
    text, key = program
    source = text.encode()
    ast.parse(source)  # the generator makes valid Python
    new, result, names = run_fix(source)
    assert result.error is None, result.error
    assert not result.skips, [s.reason for s in result.skips]
    ast.parse(new)
    assert key.encode() not in new
    assert key in names.added.values()
    assert scan_bytes(new, "mod.py") == []
    again, second, _ = run_fix(new, known=names.known)
    assert again == new and not second.changes
    # nothing outside the edited lines moved: every original line without the key survives
    kept = [line for line in text.splitlines() if key not in line and line.strip()]
    new_lines = new.decode().splitlines()
    assert all(line in new_lines for line in kept)
