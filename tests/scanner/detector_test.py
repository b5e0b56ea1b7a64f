from __future__ import annotations

import random
import re
import signal
from collections.abc import Iterator

import pytest

from keylint.rules import RULES, RULES_BY_ID
from keylint.scanner.detector import Detector
from keylint.scanner.engine import detector_for, scan_text
from tests.fakes import RULE_IDS, assignment, fake_key
from tests.scanner.meter import find_work

DIRECT = [r.id for r in RULES if not r.needs_context]
CONTEXTUAL = [r.id for r in RULES if r.needs_context]


def _fixed_length(rule_id: str) -> bool:
    parser = getattr(re, "_parser", None) or __import__("sre_parse")

    def fixed(items) -> bool:
        for op, av in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT") and (av[0] != av[1] or not fixed(av[2])):
                return False
            if name == "SUBPATTERN" and not fixed(av[-1]):
                return False
            if name == "BRANCH" and not all(fixed(b) for b in av[1]):
                return False
        return True

    return fixed(parser.parse(RULES_BY_ID[rule_id].pattern.replace("(?P<secret>", "(")))


FIXED = [i for i in RULE_IDS if _fixed_length(i) and i not in ("pinecone-legacy-key",)]


def ids(text: str) -> list[str]:
    return [f.rule_id for f in scan_text(text)]


@pytest.mark.parametrize("rule_id", RULE_IDS)
@pytest.mark.parametrize("seed", range(5))
def test_generated_key_is_found_by_its_rule_alone(rule_id: str, seed: int) -> None:
    key = fake_key(rule_id, seed)
    findings = scan_text(assignment(rule_id, key) + "\n")
    assert [f.rule_id for f in findings] == [rule_id]
    assert findings[0].secret in key or key in findings[0].secret


@pytest.mark.parametrize("rule_id", FIXED)
def test_one_char_short_is_not_a_key(rule_id: str) -> None:
    key = fake_key(rule_id, 1)
    assert rule_id not in ids(assignment(rule_id, key[:-1]))


@pytest.mark.parametrize("rule_id", FIXED)
def test_one_char_too_long_is_not_a_key(rule_id: str) -> None:
    key = fake_key(rule_id, 2)
    extra = "7" if key[-1] != "7" else "8"
    assert rule_id not in ids(assignment(rule_id, key + extra))


@pytest.mark.parametrize("rule_id", ["github-token", "npm-access-token"])
def test_wrong_checksum_is_not_a_key(rule_id: str) -> None:
    key = fake_key(rule_id, 3)
    swapped = key[:-6] + key[-1] + key[-6:-1]  # same characters, checksum order broken
    assert swapped != key
    assert ids(f'TOKEN = "{swapped}"') == []


@pytest.mark.parametrize("rule_id", DIRECT)
def test_placeholder_in_the_middle_is_not_a_key(rule_id: str) -> None:
    key = fake_key(rule_id, 4)
    masked = key[:12] + "..." + key[-4:]
    assert rule_id not in ids(assignment(rule_id, masked))


@pytest.mark.parametrize("rule_id", CONTEXTUAL)
def test_bare_shapes_need_their_provider_nearby(rule_id: str) -> None:
    key = fake_key(rule_id, 5)
    assert ids(f'value = "{key}"\n') == []
    assert ids(assignment(rule_id, key)) == [rule_id]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param('os.environ["OPENAI_API_KEY"]', [], id="env lookup"),
    pytest.param('key = "${OPENAI_API_KEY}"', [], id="shell template"),
    pytest.param('key = "{{ openai_api_key }}"', [], id="jinja template"),
    pytest.param('OPENAI_API_KEY = "YOUR_API_KEY"', [], id="YOUR_API_KEY"),
    pytest.param('OPENAI_API_KEY = "<your-key>"', [], id="angle placeholder"),
    pytest.param('OPENAI_API_KEY = "sk-..."', [], id="ellipsis"),
    pytest.param("AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'", [], id="aws documented example"),
    pytest.param('request_id = "3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"', [], id="uuid"),
    pytest.param('sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"', [], id="sha1"),
    pytest.param('"integrity": "sha512-' + "Ab9+/" * 17 + 'Q=="', [], id="lockfile integrity"),
    pytest.param("url = 'postgres://user:password@localhost/db'", [], id="placeholder userinfo"),
    pytest.param("password = getpass()", [], id="getpass"),
    pytest.param("password = ''", [], id="empty password"),
])
def test_hard_negatives(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


def test_base64_image_data_is_not_scanned_as_keys() -> None:
    rng = random.Random(9)
    blob = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                   for _ in range(400))
    planted = blob[:150] + "/" + fake_key("google-api-key") + "+" + blob[150:]
    assert ids(f'<img src="data:image/png;base64,{planted}">') == []


def test_provider_word_inside_another_word_gives_no_context() -> None:
    key = fake_key("aws-secret-access-key")
    assert ids(f'draws = "{key}"') == []
    assert ids(f'aws_key = "{key}"') == ["aws-secret-access-key"]


def test_provider_on_the_line_above_needs_a_credential_on_this_line() -> None:
    uuid = fake_key("pinecone-legacy-key")
    assert ids(f"[pinecone]\napi_key = \"{uuid}\"\n") == ["pinecone-legacy-key"]
    assert ids(f"[pinecone]\nrequest_id = \"{uuid}\"\n") == []


def test_bare_key_attributed_to_the_nearest_provider() -> None:
    key = fake_key("twilio-auth-token")
    text = f'# elevenlabs voice ids live elsewhere\nTWILIO_AUTH_TOKEN = "{key}"\n'
    assert ids(text) == ["twilio-auth-token"]


def test_provider_token_inside_a_url_is_reported_as_that_provider() -> None:
    key = fake_key("github-token")
    assert ids(f'url = "https://x-access-token:{key}@github.com/o/r.git"') == ["github-token"]
    bad = key[:-1] + ("a" if key[-1] != "a" else "b")
    assert ids(f'url = "https://x-access-token:{bad}@github.com/o/r.git"') == []


def test_password_holding_a_provider_key_is_reported_once_as_the_provider() -> None:
    key = fake_key("stripe-secret-key")
    assert ids(f'STRIPE_SECRET_KEY = "{key}"') == ["stripe-secret-key"]


def _corpus(seed: int) -> str:
    rng = random.Random(seed)
    lines = []
    for i, rule_id in enumerate(RULE_IDS * 2):
        lines.append(f"# filler {rng.random()} {rng.getrandbits(64):x}")
        lines.append(assignment(rule_id, fake_key(rule_id, i)))
    return "\n".join(lines) + "\n"


def test_re_and_re2_engines_find_the_same_secrets() -> None:
    data = _corpus(1).encode()
    fast = [(m.rule.id, m.start, m.end) for m in Detector(RULES, fast=True).find(data)]
    slow = [(m.rule.id, m.start, m.end) for m in Detector(RULES, fast=False).find(data)]
    assert fast == slow
    assert len(fast) == 2 * len(RULE_IDS)


@pytest.fixture
def hang_guard() -> Iterator[None]:
    # Not a speed assertion: a catastrophic backtrack would hang the suite; this turns it into
    # a failure after a minute instead.
    def boom(*_: object) -> None:
        raise TimeoutError("pattern did not finish on adversarial input")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_adversarial_megabyte_of_the_rules_own_alphabet(rule_id: str, hang_guard: None) -> None:
    key = fake_key(rule_id, 6)
    context = assignment(rule_id, "")  # the provider word, so bare-shape rules run too
    blob = (context + key * (1_000_000 // len(key) + 1))[:1_000_000].encode()
    found = detector_for().find(blob)
    # Keys without delimiters run together into one over-long token, so at most the first copy
    # can match; keys with delimiters (URLs, JWTs) match at most once per copy.
    assert len(found) <= blob.count(key.encode()) + 1


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_adversarial_input_under_the_pure_re_fallback(rule_id: str, hang_guard: None) -> None:
    # Where no RE2 wheel exists the standard `re` runs the same patterns: they must not backtrack.
    key = fake_key(rule_id, 7)
    blob = (assignment(rule_id, "") + key * (100_000 // len(key) + 1))[:100_000].encode()
    slow = Detector(RULES, fast=False).find(blob)
    assert [(m.rule.id, m.start) for m in slow] == [
        (m.rule.id, m.start) for m in detector_for().find(blob)
    ]


@pytest.mark.parametrize("name", ["dbPassword", "smtpPassword", "DB_PASSWORD", "db_password"])
def test_password_names_in_any_case_style(name: str) -> None:
    value = fake_key("password-assignment")
    assert ids(f'const {name} = "{value}";') == ["password-assignment"]
    assert ids(f'compass = "{value}"') == []


@pytest.mark.parametrize("rule_id", ["stripe-secret-key", "aws-secret-access-key", "github-token"])
def test_unquoted_env_style_assignment_is_typed_by_its_provider(rule_id: str) -> None:
    name = {"stripe-secret-key": "STRIPE_SECRET_KEY", "aws-secret-access-key": "AWS_SECRET_ACCESS_KEY",
            "github-token": "GITHUB_SECRET"}[rule_id]
    key = fake_key(rule_id, 8)
    assert ids(f"loaded settings: {name}={key} APP_ENV=production") == [rule_id]


def test_truncated_provider_token_in_a_url_is_not_a_password() -> None:
    stub = fake_key("github-fine-grained-pat")[:24]
    assert ids(f'u = "https://x-access-token:{stub}@github.com/o/r.git"') == []


def test_sdk_import_gives_context_to_the_client_call_below_it() -> None:
    key = fake_key("twilio-auth-token")
    assert ids(f'from twilio.rest import Client\nclient = Client("AC1", "{key}")\n') == [
        "twilio-auth-token"]
    assert ids(f'# twilio\nclient = Client("AC1", "{key}")\n') == []


def test_a_file_with_thousands_of_keys_reports_each_once() -> None:
    keys = [fake_key("github-token", i) for i in range(3000)]
    text = "\n".join(f'T{i} = "{k}"  # password: "{k}"' for i, k in enumerate(keys)) + "\n"
    found = scan_text(text)
    assert len(found) == 6000
    assert {f.rule_id for f in found} == {"github-token"}


@pytest.mark.parametrize("line", [
    pytest.param('"AWS::SecretsManager::RotationSchedule": "2eb55aaee5aade37",', id="cfn type key"),
    pytest.param('"ARN": "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestSecret-a1b2c3",',
                 id="secret arn"),
    pytest.param('"secretsmanager:ResourceTag/SageMaker":"true"', id="iam condition key"),
    pytest.param("fiber_force_length_passive=FiberForceLengthPassiveDeGroote2016,", id="passive"),
    pytest.param("pass_duration: google.protobuf.duration_pb2.Duration | None = ...,", id="type hint"),
    pytest.param("password: _PasswordType | None = None", id="annotation"),
    pytest.param('"SecretId": "MyTestDatabaseSecret1"', id="secret id"),
    pytest.param("elif pass_arg is _PassArg.eval_context:", id="is comparison"),
    pytest.param('"AmazonRoute53AutoNamingFullAccess": '
                 '"arn:aws:iam::aws:policy/AmazonRoute53AutoNamingFullAccess",', id="aws policy name"),
    pytest.param("See http://docs.aws.amazon.com/AmazonS3/latest/dev/UploadingObjects.html",
                 id="aws docs url"),
    pytest.param('"passphrase": "AB1C2edfGHijkLMNo3PqQRstUvwxyzaBCDEfghh4ijklMN5opqrStuVWxyz"',
                 id="sequential sample"),
    pytest.param("aws s3api get-object --version-id 3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjV",
                 id="aws version id"),
])
def test_real_code_shapes_that_are_not_secrets(line: str) -> None:
    assert ids(line) == []


@pytest.mark.parametrize("escape", ["\\n", "\\t", "\\r"])
def test_key_right_after_a_string_escape_is_found(escape: str) -> None:
    key = fake_key("github-token", 9)
    assert ids(f'A = "{escape}{key}"') == ["github-token"]


def test_provider_word_inside_a_random_run_gives_no_context() -> None:
    key = fake_key("aws-secret-access-key", 10)
    assert ids(f"blob 51AWS0F5 {key} end") == []


def test_an_identifier_followed_by_an_escape_is_not_a_password() -> None:
    assert ids("CONFIG = 'WTF_CSRF_SECRET_KEY = SECRET_KEY\\n'") == []


@pytest.mark.parametrize(("line", "expected"), [
    pytest.param('cohere_token = "https://x.example.com/b/{k}"', [], id="in a url path"),
    pytest.param('cohere_token = "https://x.example.com/b?sig={k}"', ["cohere-api-key"],
                 id="in a query"),
    pytest.param('cohere_token = "x.example.com/b/{k}"', ["cohere-api-key"], id="no scheme"),
    pytest.param('cohere_token = "https://x.example.com/b/ {k}"', ["cohere-api-key"],
                 id="after the url"),
    pytest.param('cohere_token = "a?b://c/{k}"', ["cohere-api-key"], id="query first"),
    pytest.param('cohere_token = "x:://y/{k}"', [], id="colons before the scheme mark"),
    pytest.param('cohere_token = (https://x.example.com/{k})', [], id="in parentheses"),
])
def test_a_bare_shape_in_a_url_path_is_a_path_not_a_key(line: str, expected: list[str]) -> None:
    assert ids(line.format(k=fake_key("cohere-api-key", 11))) == expected


def _bundle(size: int) -> bytes:
    """A minified bundle: its provider named on the line above, a credential word and a
    base64 font on one long line (no vowels in the font, so it names no provider itself)."""
    rng = random.Random(size)
    font = "".join(rng.choice("BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789+/")
                   for _ in range(size))
    return ("/* aws sdk bundle */\nvar cfg={twilio:null,token:null};"
            f"@font-face{{src:url(data:font/woff2;base64,{font})}}\n").encode()




def test_a_long_line_near_a_provider_word_costs_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each bare-shape candidate on the line used to walk back to the line start to see whether
    # it sat in a URL path: a 200 KB bundle took 44 s.
    small, large = find_work(monkeypatch, [_bundle(10_000), _bundle(20_000)])
    assert large <= 2.3 * small


def _dense_line(entries: int) -> bytes:
    """A one-line JSON naming a provider in every entry, beside a key and a bare key shape,
    its bare-shape provider named on the line above."""
    rng = random.Random(entries)
    shapes = ["".join(rng.choice("BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789")
                      for _ in range(40)) for _ in range(entries)]
    body = ", ".join(f'"twilio_{i}": "{fake_key("github-token", i)}", "v{i}": "{shape}"'
                     for i, shape in enumerate(shapes))
    return ("# aws\ntoken = {" + body + "}\n").encode()


def test_many_provider_words_and_keys_on_one_line_cost_linear_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each provider word used to find its line again, and each bare-shape candidate was checked
    # against every key found in the file.
    small, large = find_work(monkeypatch, [_dense_line(300), _dense_line(600)])
    assert large <= 2.3 * small


@pytest.mark.parametrize(("lead", "unit"), [
    pytest.param("", "eyJ", id="eyJ run"),
    pytest.param("x", "pypi-AgEIcHlwaS5vcmc", id="pypi run inside a token"),
])
def test_a_crafted_run_of_triggers_costs_linear_work(
    monkeypatch: pytest.MonkeyPatch, lead: str, unit: str
) -> None:
    # Every trigger in the run used to try its rule's open-ended pattern to the end of the run.
    small, large = find_work(monkeypatch, [
        (lead + unit * (n // len(unit))).encode() for n in (20_000, 40_000)])
    assert large <= 2.3 * small


def test_keys_in_a_long_run_of_triggers_are_still_found() -> None:
    key = fake_key("jwt", 12)
    pypi = fake_key("pypi-api-token", 12)
    text = "eyJ" * 2000 + f' "{key}" ' + "x" + "pypi-AgEIcHlwaS5vcmc" * 100 + f" {pypi}\n"
    assert ids(text) == ["jwt", "pypi-api-token"]


def test_a_jwt_nested_deeper_than_json_parses_does_not_stop_the_scan() -> None:
    import base64

    def segment(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    deep = (segment(b'{"alg": "HS256"}') + "." + segment(b'{"a":' * 5000 + b"1" + b"}" * 5000)
            + "." + fake_key("jwt").split(".")[2])
    key = fake_key("github-token", 13)
    assert ids(f'token = "{deep}"\nGH = "{key}"\n') == ["jwt", "github-token"]
