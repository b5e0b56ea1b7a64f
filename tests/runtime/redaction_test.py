from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keylint.masking import mask
from keylint.runtime import StreamRedactor, redact_api_keys
from keylint.runtime.redaction import Scrubber, redact_bytes, redact_stream, secret_name
from keylint.scanner.engine import detector_for, scan_text
from tests.fakes import RULE_IDS, assignment, fake_key


def _document(seed: int = 0) -> str:
    """One assignment line per rule, between filler lines: every rule fires once."""
    lines = []
    for i, rule_id in enumerate(RULE_IDS):
        lines.append(f"2024-05-01 12:00:{i % 60:02d} INFO step {i} done")
        lines.append(assignment(rule_id, fake_key(rule_id, seed)))
    return "\n".join(lines) + "\n"


def _keys(seed: int = 0) -> list[str]:
    return [fake_key(r, seed) for r in RULE_IDS]


def test_every_rule_is_redacted_with_the_scanner_mask() -> None:
    text = _document()
    findings = scan_text(text)
    assert len(findings) == len(RULE_IDS)
    out = redact_api_keys(text)
    for f in findings:
        assert f.secret not in out
        assert mask(f.secret) in out
    assert detector_for().find(out.encode()) == []


def test_text_without_secrets_is_returned_unchanged() -> None:
    text = "GET /v1/models 200 in 31 ms (request id 4f1c9a)\n"
    assert redact_api_keys(text) is text


def test_surrounding_text_is_kept() -> None:
    key = fake_key("anthropic-api-key", 3)
    assert redact_api_keys(f"auth failed for {key}, retrying") == (
        f"auth failed for {mask(key)}, retrying"
    )


def test_non_ascii_and_lone_surrogates_survive() -> None:
    key = fake_key("github-token", 2)
    text = f"naïve ✓ \udcff token={key} ünïcode"
    out = redact_api_keys(text)
    assert out == f"naïve ✓ \udcff token={mask(key)} ünïcode"


def test_redact_bytes_keeps_invalid_utf8() -> None:
    key = fake_key("groq-api-key", 1)
    data = b"\xff\xfe binary " + key.encode() + b" \x80\n"
    assert redact_bytes(data) == b"\xff\xfe binary " + mask(key).encode() + b" \x80\n"


_filler = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40
)
_piece = st.one_of(
    _filler,
    st.builds(fake_key, st.sampled_from(RULE_IDS), st.integers(0, 50)),
    st.builds(
        lambda r, s: assignment(r, fake_key(r, s)), st.sampled_from(RULE_IDS), st.integers(0, 50)
    ),
)
_texts = st.lists(_piece, max_size=8).map(" \n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts)
def test_redaction_is_idempotent(text: str) -> None:
    once = redact_api_keys(text)
    assert redact_api_keys(once) == once


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts)
def test_output_never_holds_a_rule_matching_secret(text: str) -> None:
    out = redact_api_keys(text)
    assert detector_for().find(out.encode("utf-8", "surrogatepass")) == []
    for m in detector_for().find(text.encode("utf-8", "surrogatepass")):
        assert m.secret not in out


# --------------------------------------------------------------------------- streaming


def _stream(data: bytes, sizes: list[int]) -> bytes:
    r = StreamRedactor()
    out, pos, i = [], 0, 0
    while pos < len(data):
        n = sizes[i % len(sizes)]
        out.append(r.feed(data[pos:pos + n]))
        pos, i = pos + n, i + 1
    out.append(r.flush())
    return b"".join(out)


@pytest.mark.parametrize("size", [1, 2, 7, 64, 333, 4096, 1 << 20])
def test_stream_equals_whole_buffer_redaction(size: int) -> None:
    data = _document(4).encode()
    assert _stream(data, [size]) == redact_bytes(data)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 400), min_size=1, max_size=20), st.integers(0, 30))
def test_stream_any_chunking_equals_whole(sizes: list[int], seed: int) -> None:
    data = _document(seed).encode()
    assert _stream(data, sizes) == redact_bytes(data)


def test_a_key_split_exactly_across_two_chunks_is_masked() -> None:
    key = fake_key("openai-project-key", 7)
    data = f"line one\nAuthorization: Bearer {key}\nline three\n".encode()
    cut = data.index(key.encode()) + len(key) // 2
    out = _stream(data, [cut, len(data)])
    assert key.encode() not in out
    assert key[: len(key) // 2].encode() not in out
    assert mask(key).encode() in out


def test_a_pem_block_split_over_many_chunks_is_masked() -> None:
    pem = fake_key("private-key", 1)
    data = ("log start\n" + pem + "\nlog end\n").encode()
    out = _stream(data, [50])
    assert out == redact_bytes(data)
    body = pem.splitlines()[2]
    assert body.encode() not in out


def test_provider_context_on_the_line_above_crosses_chunks() -> None:
    key = fake_key("mistral-api-key", 2)
    data = f"# MISTRAL_API_KEY\nkey = \"{key}\"\n".encode()
    assert key.encode() not in redact_bytes(data)  # the detector needs the line above
    assert _stream(data, [len("# MISTRAL_API_KEY\n") + 3, 1000]) == redact_bytes(data)


def test_a_very_long_line_is_emitted_in_bounded_pieces_and_still_masked() -> None:
    key = fake_key("github-token", 5)
    filler = b"a b " * 200_000  # 800 KB without a newline
    data = filler + key.encode() + b" " + filler
    r = StreamRedactor()
    emitted = []
    for i in range(0, len(data), 65536):
        emitted.append(r.feed(data[i:i + 65536]))
        assert len(r._pending) <= 300 * 1024  # memory stays bounded
    emitted.append(r.flush())
    out = b"".join(emitted)
    assert out == filler + mask(key).encode() + b" " + filler
    assert sum(len(e) for e in emitted[:-1]) > 0  # output did not wait for the end


def test_stream_waits_for_a_line_to_end_before_emitting_it() -> None:
    r = StreamRedactor()
    assert r.feed(b"partial line without newline") == b""
    assert r.feed(b"\nsecond") == b""  # the line below it is not complete yet
    assert r.feed(b"\n") == b"partial line without newline\n"  # "second" is held back
    assert r.feed(b"third\n") == b"second\n"
    assert r.flush() == b"third\n"
    assert r.flush() == b""


def test_redact_stream_counts_and_writes() -> None:
    data = _document(9).encode()
    dst = io.BytesIO()
    count = redact_stream(io.BytesIO(data), dst, chunk_size=1000)
    assert dst.getvalue() == redact_bytes(data)
    assert count == len(RULE_IDS)


def test_a_line_fed_in_tiny_pieces_is_scanned_once_not_per_piece() -> None:
    calls = []
    real = detector_for()

    class Counting:
        def find(self, data: bytes) -> list:  # type: ignore[type-arg]
            calls.append(len(data))
            return real.find(data)

    key = fake_key("slack-bot-token", 4)
    line = f"progress 10% 20% 30% token={key} 100%".encode()
    r = StreamRedactor(Counting())  # type: ignore[arg-type]
    out = b"".join(r.feed(line[i:i + 1]) for i in range(len(line))) + r.flush()
    assert out == f"progress 10% 20% 30% token={mask(key)} 100%".encode()
    assert len(calls) == 1


# ------------------------------------------------------------ Scrubber, secret_name (issue 9, 16)

@pytest.mark.parametrize("name", (
    "password", "DB_PASSWORD", "dbPassword", "passwd", "pwd", "smtp_pass", "passphrase",
    "secret", "client_secret", "SECRET_KEY", "aws_secret_access_key", "AWS_SECRET_ACCESS_KEY",
    "awsSecretAccessKey", "token", "auth_token", "TWILIO_AUTH_TOKEN", "GITHUB_TOKEN",
    "api_key", "apiKey", "APIKey", "x-api-key", "OPENAI_API_KEY", "apikey", "api_keys",
    "private_key", "signing_key", "Authorization", "auth", "basic_auth", "credentials",
    "twilio.auth_token",
))
def test_secret_names(name: str) -> None:
    assert secret_name(name)


@pytest.mark.parametrize("name", (
    "token_count", "max_tokens", "tokenizer", "secret_name", "password_min_length", "bypass",
    "compass", "key", "sort_key", "cache_key", "author", "auth_method", "user", "host", "",
))
def test_names_that_are_not_secret_names(name: str) -> None:
    assert not secret_name(name)


def test_scrubber_returns_a_value_without_secrets_as_the_same_object() -> None:
    value = {"a": [1, 2.5, None, True, ("x", b"y")], "b": {"c": frozenset({"d"})}, "e": object()}
    assert Scrubber().scrub(value) is value


def test_scrubber_copies_and_never_edits() -> None:
    key = fake_key("groq-api-key", 31)
    inner = [key, "plain"]
    value = {"outer": {"inner": inner, "same": ["x"]}}
    scrubber = Scrubber()
    out: Any = scrubber.scrub(value)
    assert value == {"outer": {"inner": [key, "plain"], "same": ["x"]}}
    assert out == {"outer": {"inner": [mask(key), "plain"], "same": ["x"]}}
    assert out["outer"]["same"] is value["outer"]["same"]  # unchanged parts are shared
    assert (key, mask(key)) in scrubber.found


def test_scrubbing_twice_changes_nothing_more() -> None:
    value = {"password": fake_key("password-assignment", 32), "k": fake_key("npm-access-token", 32),
             "n": {"api_key": 12345678}}
    once = Scrubber().scrub(value)
    assert Scrubber().scrub(once) is once


def test_the_name_gives_a_bare_shape_its_provider_context() -> None:
    key = fake_key("deepgram-api-key", 33)  # 40 hex: a key only next to its provider's name
    assert Scrubber().scrub(key) is key
    assert Scrubber().scrub(key, "DEEPGRAM_API_KEY") == mask(key)
    assert Scrubber().scrub({"deepgram": key}) == {"deepgram": mask(key)}


def test_a_key_in_the_name_does_not_hide_the_value() -> None:
    key, other = fake_key("huggingface-user-token", 34), fake_key("slack-bot-token", 34)
    assert Scrubber().scrub({key: other}) == {mask(key): mask(other)}


def test_scrubber_limits_its_walk() -> None:
    key = fake_key("xai-api-key", 35)
    assert Scrubber(max_depth=1).scrub([[key]]) == [repr([mask(key)])]
    assert Scrubber(max_nodes=3).scrub(["a", "b", "c", key]) == repr(["a", "b", "c", mask(key)])
    assert Scrubber(max_nodes=3).scrub({"a": 1, "b": 2, "c": key}) == repr({"a": 1, "b": 2, "c": mask(key)})
    assert Scrubber(max_depth=1).scrub([{"password": "x"}]) == [
        "[keylint: value not shown: too deep or too big to check, and a field is named like a secret]"
    ]


def test_scrubber_survives_a_hostile_repr_beyond_its_limits() -> None:
    class NoRepr(list[object]):
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    assert Scrubber(max_depth=0).scrub(NoRepr()) == (
        "[keylint: value not shown: it cannot be checked for secrets]"
    )


def test_a_namedtuple_with_an_unusual_constructor_becomes_a_tuple() -> None:
    key = fake_key("tavily-api-key", 36)

    class Odd(tuple[str, ...]):
        _fields = ("a",)

        def __new__(cls, items: Iterable[str]) -> Odd:
            return super().__new__(cls, items)

    assert Scrubber().scrub(Odd([key, "b"])) == (mask(key), "b")
