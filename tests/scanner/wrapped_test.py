from __future__ import annotations

import base64
import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keylint.config import Config
from keylint.scanner import wrapped
from keylint.scanner.detector import Detector
from keylint.scanner.engine import (
    WRAPPER_MARKER,
    detector_for,
    scan_bytes,
    scan_spans,
    scan_text,
)
from keylint.scanner.history import scan_history
from keylint.scanner.wrapped import Work, find_wrapped
from tests.fakes import fake_key
from tests.gitenv import isolate_git
from tests.hooks.helpers import git, write
from tests.scanner.meter import metered


def b64(text: str | bytes) -> str:
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


def password(seed: int) -> str:
    rng = random.Random(seed)
    letters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(rng.choice(letters) for _ in range(8)) + "#" + str(rng.randrange(1000, 9999))


def kubeconfig(key_data: str) -> str:
    return (
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n"
        f"    certificate-authority-data: {b64('-----BEGIN CERTIFICATE-----')}\n"
        "    server: https://10.0.0.1:6443\n  name: prod\nusers:\n- name: admin\n  user:\n"
        f"    client-certificate-data: {b64('-----BEGIN CERTIFICATE-----')}\n"
        f"    client-key-data: {key_data}\n"
    )


def test_kubeconfig_client_key_data_is_decoded_and_reported_at_its_line() -> None:
    pem = fake_key("private-key", 1)
    value = b64(pem)
    text = kubeconfig(value)
    (f,) = scan_text(text, "kubeconfig")
    assert (f.rule_id, f.provider, f.secret_type) == ("private-key", "private_key", "Private Key")
    assert f.secret == pem  # the baseline hashes the key, not its wrapper
    lines = text.splitlines()
    row = next(i for i, t in enumerate(lines, 1) if t.startswith("    client-key-data:"))
    col = lines[row - 1].index(value) + 1
    assert (f.line, f.column, f.end_line, f.end_column) == (row, col, row, col + len(value))
    assert pem not in repr(f) and pem not in json.dumps(f.to_dict())


def test_kubernetes_secret_data_entries_are_read_with_their_names() -> None:
    key = fake_key("openai-project-key", 2)
    pw = password(3)
    text = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n"
        f"  OPENAI_API_KEY: {b64(key)}\n"
        f"  db-password: {b64(pw)}\n"
        f"  username: {b64('service-account')}\n"
        "---\nkind: ConfigMap\ndata:\n  mode: fast\n"
    )
    found = scan_text(text, "secret.yaml")
    assert [(f.line, f.rule_id, f.secret) for f in found] == [
        (7, "openai-project-key", key),
        (8, "password-assignment", pw),
    ]


def test_json_secret_manifest_and_flow_map() -> None:
    key = fake_key("anthropic-api-key", 4)
    manifest = json.dumps({"kind": "Secret", "data": {"ANTHROPIC_API_KEY": b64(key)}}, indent=2)
    (f,) = scan_text(manifest, "secret.json")
    assert (f.rule_id, f.secret, f.line) == ("anthropic-api-key", key, 4)
    (g,) = scan_text("kind: Secret\ndata: {token: " + b64(key) + "}\n", "flow.yaml")
    assert (g.rule_id, g.secret, g.line) == ("anthropic-api-key", key, 2)


def test_dockerconfigjson_auth_password_is_reported_as_basic_auth() -> None:
    pw = password(5)
    config = {"auths": {"registry.internal.io": {"auth": b64("deploy:" + pw)}}}
    text = (
        "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n"
        f"  .dockerconfigjson: {b64(json.dumps(config))}\n"
    )
    (f,) = scan_text(text, "pull-secret.yaml")
    assert (f.line, f.rule_id, f.secret_type, f.secret) == (
        5, "connection-string", "Basic Auth Credentials", pw)


def test_dockerconfigjson_password_that_is_a_provider_token_keeps_its_provider() -> None:
    token = fake_key("github-token", 6)
    config = {"auths": {"ghcr.io": {"username": "bot", "password": token,
                                    "auth": b64("bot:" + token)}}}
    text = f'{{"kind": "Secret", "data": {{".dockerconfigjson": "{b64(json.dumps(config))}"}}}}\n'
    (f,) = scan_text(text, "pull-secret.json")  # one secret, however many places hold it
    assert (f.rule_id, f.secret) == ("github-token", token)


def test_npmrc_auth() -> None:
    token = fake_key("npm-access-token", 7)
    pw = password(8)
    text = (
        "registry=https://registry.npmjs.org/\n"
        f"//registry.npmjs.org/:_auth={b64('me:' + token)}\n"
        f"//npm.internal.example.io/:_auth = \"{b64('ci:' + pw)}\"\n"
        "always-auth=true\n"
    )
    found = scan_text(text, ".npmrc")
    assert [(f.line, f.rule_id, f.secret) for f in found] == [
        (2, "npm-access-token", token), (3, "connection-string", pw)]


def test_nested_wrapper_one_level_down() -> None:
    pem = fake_key("private-key", 9)
    inner = kubeconfig(b64(pem))
    text = f"kind: Secret\ndata:\n  config: {b64(inner)}\n"
    (f,) = scan_text(text, "secret.yaml")
    assert (f.line, f.rule_id, f.secret) == (3, "private-key", pem)


def test_two_levels_down_is_not_searched() -> None:
    pem = fake_key("private-key", 10)
    inner = "kind: Secret\ndata:\n  config: " + b64(kubeconfig(b64(pem))) + "\n"
    assert scan_text(f"kind: Secret\ndata:\n  outer: {b64(inner)}\n", "s.yaml") == []


def test_pragma_on_the_wrapper_line_allows_it() -> None:
    text = kubeconfig(b64(fake_key("private-key", 11))).rstrip("\n")
    assert scan_text(text + "  # pragma: allowlist secret\n", "kubeconfig") == []


@pytest.mark.parametrize("text", (
    pytest.param(f"kind: Secret\ndata:\n  motd: {b64('Welcome to the staging cluster, be nice')}\n",
                 id="base64 of ordinary text"),
    pytest.param("kind: Secret\ndata:\n  password: not*base64!value\n", id="not base64"),
    pytest.param("kind: Secret\ndata:\n  password: QUJD\n", id="too short"),
    pytest.param(f"kind: Secret\ndata:\n  password: {b64('<your-password-here>')}\n",
                 id="placeholder password"),
    pytest.param(f"kind: Secret\ndata:\n  OPENAI_API_KEY: {b64('sk-proj-' + 'x' * 150)}\n",
                 id="placeholder key"),
    pytest.param(f"//registry.npmjs.org/:_auth={b64('user:changeme')}\n", id="npm changeme"),
    pytest.param(f"//registry.npmjs.org/:_auth={b64('no-colon-here-at-all')}\n",
                 id="npm auth without password"),
    pytest.param(kubeconfig(b64(bytes(range(256)) * 4)), id="binary key data"),
    pytest.param(kubeconfig(b64("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----")),
                 id="elided pem"),
))
def test_not_flagged(text: str) -> None:
    assert scan_text(text, "x.yaml") == []


def _png(secret: str) -> bytes:
    # A PNG whose text chunk holds a key: an image payload, never decoded as a wrapper.
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + secret.encode() + b"\x00\xff" * 40


@pytest.mark.parametrize("template", (
    '<img alt="logo" src="data:image/png;base64,{}">\n',
    ".logo {{ background: url(data:image/png;base64,{}); }}\n",
    "data:\n  logo: {}\n",
))
def test_image_payloads_are_not_secret_wrappers(template: str) -> None:
    payload = b64(_png("OPENAI_API_KEY=" + fake_key("openai-project-key", 12)))
    assert scan_text(template.format(payload), "page.html") == []


def test_bounds_are_respected_and_a_block_header_above_them_is_found() -> None:
    k1, k2 = fake_key("openai-project-key", 13), fake_key("openai-project-key", 14)
    head = "kind: Secret\ndata:\n"
    first = f"  A_KEY: {b64(k1)}\n"
    filler = "".join(f"  plain{i}: {b64('not a secret at all ' + str(i))}\n" for i in range(5))
    second = f"  B_KEY: {b64(k2)}\n"
    data = (head + first + filler + second + "kind: Other\n").encode()
    start = data.index(b"  plain3")
    spans = scan_spans(data, "s.yaml", None, start, len(data))
    assert [(f.secret, f.line) for f, _, _ in spans] == [(k2, 9)]
    assert [f.secret for f, _, _ in scan_spans(data, "s.yaml", None, 0, start)] == [k1]
    assert [f.secret for f in scan_bytes(data, "s.yaml")] == [k1, k2]


def test_no_marker_no_search() -> None:
    work = Work()
    assert find_wrapped(b"x = 1\n" * 1000, detector_for(), work=work) == ([], [])
    assert work == Work()


@given(st.lists(st.sampled_from([
    "data:", 'data":', "data':", "data", "-data: ", "data: {", "_auth", "_auth=", "_aut",
    ".dockercfg", ".dockerconfigjson", ".docker", "//r/:", "\n", " ", "\t", "{", "#", '"',
    '"auths"', '"auth"', "auths",
    "x = 1", "QUJDREVGR0hJSktM"]), max_size=20).map(lambda p: "".join(p).encode()))
def test_a_buffer_the_wrapper_search_would_read_has_its_marker(data: bytes) -> None:
    # The tree scan hands a buffer to the wrapper search only where the prefilter saw the
    # marker: every buffer `_marked` accepts must have it.
    if wrapped._marked(data, 0, len(data)):
        assert re.search(WRAPPER_MARKER, data)


def test_wrapped_keys_are_found_the_same_with_the_prefilter(tmp_path: Path) -> None:
    det = Detector(detector_for().rules, markers=(WRAPPER_MARKER,))
    if not det.accelerate():
        pytest.skip("hyperscan is not installed here")
    pem, token = fake_key("private-key", 31), fake_key("npm-access-token", 32)
    texts = [kubeconfig(b64(pem)), f"//registry.npmjs.org/:_auth={b64('me:' + token)}\n",
             "x = 1\n" * 50]
    for text in texts:
        data = text.encode()
        plain = [(f.rule_id, f.secret) for f in scan_bytes(data, "config")]
        assert [(f.rule_id, f.secret) for f in scan_bytes(data, "config", det)] == plain
    assert det.find_marked(texts[2].encode())[1] == {WRAPPER_MARKER}


def _work(monkeypatch: pytest.MonkeyPatch, data: bytes) -> tuple[int, Work]:
    det = Detector(detector_for().rules)
    meter = metered(monkeypatch, det, wrapped)
    work = Work()
    meter.run(find_wrapped, meter.wrap(data), det, 0, None, work)
    return meter.work, work


def _hostile(n: int) -> dict[str, bytes]:
    rng = random.Random(n)
    blob = b64(bytes(rng.randrange(256) for _ in range(n))).encode()
    text = b64(("x = 1  # some text\n" * (n // 19 + 1))[:n]).encode()
    return {
        "image after data:": b"<img src=\"data:image/png;base64," + blob + b"\">\n",
        "binary after key-data:": b"users:\n  client-key-data: " + blob + b"\n",
        "text after key-data:": b"users:\n  client-key-data: " + text + b"\n",
        "data block of entries": b"data:\n" + b"  k: QUJDREVGR0hJSktM\n" * (n // 20),
        "open flow maps": b"data: {" * (n // 7),
        "unterminated values": b"_auth=" + b"QUJD" * (n // 4) + b"===" + b"\n_auth=QUJD" * 8,
        "run of word chars": b"a" * n + b"-dat:\n",
        "nested headers": b"".join(b" " * i + b"data:\n" for i in range(200)) * (n // 20000),
        "many blocks": (b"data:\n" + b"  k: QUJDREVGR0hJSktM\n" * 3) * (n // 66),
        "dash runs": b"a-" * (n // 2) + b"\n_auth",
    }


def test_work_is_linear_on_hostile_input(monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = _hostile(250_000), _hostile(500_000)
    for name in small:
        with monkeypatch.context() as m:
            w1, work1 = _work(m, small[name])
        with monkeypatch.context() as m:
            w2, work2 = _work(m, large[name])
        assert w2 <= 2.3 * w1 + 1000, (name, w1, w2)
        # Every value is decoded once, decoded text scanned once.
        assert work1.decoded <= len(small[name]) and work2.decoded <= 2.3 * work1.decoded + 64
        assert work2.scanned <= 2.3 * work1.scanned + 64, name


def test_a_megabyte_value_is_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    text = b64("x = 1  # some text\n" * 60_000).encode()
    _, work = _work(monkeypatch, b"kind: Secret\ndata:\n  client-key-data: " + text + b"\n")
    assert len(text) * 0.99 <= work.decoded <= len(text)
    assert work.scanned <= len(text) * 3 // 4 + 64


def test_history_finds_a_wrapped_key_added_inside_an_existing_secret(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path / "home", monkeypatch)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    filler = "".join(f"  plain{i}: {b64('not a secret at all ' + str(i))}\n" for i in range(12))
    write(repo, "secret.yaml", "kind: Secret\ndata:\n" + filler)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "secret")
    key = fake_key("openai-project-key", 15)
    write(repo, "secret.yaml", "kind: Secret\ndata:\n" + filler + f"  API_KEY: {b64(key)}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "add key")
    git(repo, "rm", "-q", "secret.yaml")
    git(repo, "commit", "-q", "--no-verify", "-m", "remove")
    (f,) = scan_history(str(repo), [["--all"]], Config(), cwd=str(repo)).findings
    assert (f.path, f.line, f.rule_id, f.secret) == ("secret.yaml", 15, "openai-project-key", key)


def test_a_jwt_value_is_not_taken_for_base64() -> None:
    token = fake_key("jwt", 16)
    for text in (f"kind: Secret\ndata:\n  token: {token}\n", f"//r.example.io/:_auth={token}\n"):
        assert [f.rule_id for f in scan_text(text, "x.yaml")] == ["jwt"], text


def test_json_kubeconfig_and_url_safe_alphabet() -> None:
    pem = fake_key("private-key", 17)
    text = json.dumps({"users": [{"user": {"client-key-data": b64(pem)}}]})
    (f,) = scan_text(text, "kubeconfig.json")
    assert (f.rule_id, f.secret) == ("private-key", pem)
    key = fake_key("openai-project-key", 18)
    urlsafe = base64.urlsafe_b64encode(key.encode() + b"\n# ???>>>").decode().rstrip("=")
    assert "_" in urlsafe or "-" in urlsafe
    (g,) = scan_text(f"kind: Secret\ndata:\n  OPENAI_API_KEY: {urlsafe}\n", "s.yaml")
    assert (g.rule_id, g.secret) == ("openai-project-key", key)


@pytest.mark.parametrize("text", (
    pytest.param(f"metadata: {{token: {b64(fake_key('openai-project-key', 19))}}}\n",
                 id="metadata map"),
    pytest.param(f"foo_auth={b64('me:' + fake_key('npm-access-token', 20))}\n", id="foo_auth"),
    pytest.param(f"client-key-data: {b64(fake_key('private-key', 21))[:-8]}+-_-AAAA\n",
                 id="two alphabets"),
    pytest.param(f"client-key-data: {b64(fake_key('private-key', 22))}===\n", id="three pads"),
))
def test_not_a_wrapper(text: str) -> None:
    assert find_wrapped(text.encode(), detector_for()) == ([], [])


def test_basic_auth_needs_its_rule_enabled() -> None:
    text = f"//npm.internal.example.io/:_auth={b64('ci:' + password(23))}\n"
    assert scan_text(text, ".npmrc", detector_for(("npm-access-token",))) == []
    assert [f.rule_id for f in scan_text(text, ".npmrc")] == ["connection-string"]


def test_source_code_is_not_searched_for_wrappers() -> None:
    """`data:` annotations and `self._auth = ...` are everywhere in code; manifests are not."""
    from keylint.scanner.engine import may_wrap

    pem = fake_key("private-key", 30)
    text = f"kind: Secret\ndata:\n  tls.key: {b64(pem)}\n"
    assert [f.rule_id for f in scan_text(text, "secret.yaml")] == ["private-key"]
    assert scan_text(text, "fixtures.py") == []
    assert may_wrap("deploy/kubeconfig") and may_wrap(".npmrc") and not may_wrap("app/Main.java")


# ---- A plain Docker config (`~/.docker/config.json`): its `"auth"` values are decoded too


def docker_config(auth: str, **extra: str) -> str:
    entry = ",\n".join([f'      "auth": "{auth}"', *(f'      "{k}": "{v}"' for k, v in extra.items())])
    return ('{\n  "auths": {\n    "registry.internal.io": {\n' + entry
            + '\n    }\n  },\n  "credsStore": ""\n}\n')


@pytest.mark.parametrize("path", [".docker/config.json", "deploy/config.json"])
def test_docker_config_auth_password_is_reported_as_basic_auth(path: str) -> None:
    pw = password(40)
    (f,) = scan_text(docker_config(b64("deploy:" + pw)), path)
    assert (f.line, f.rule_id, f.secret_type, f.secret) == (
        4, "connection-string", "Basic Auth Credentials", pw)


def test_docker_config_auth_holding_a_provider_token_keeps_its_provider() -> None:
    token = fake_key("github-token", 41)
    (f,) = scan_text(docker_config(b64("bot:" + token)), ".docker/config.json")
    assert (f.line, f.rule_id, f.secret) == (4, "github-token", token)


def test_docker_config_auth_is_found_by_the_tree_scan_with_its_prefilter(tmp_path: Path) -> None:
    # The tree scan hands the wrapper search only buffers where the prefilter saw its marker.
    token = fake_key("github-token", 42)
    data = docker_config(b64("bot:" + token)).encode()
    det = Detector(detector_for().rules, markers=(WRAPPER_MARKER,))
    assert WRAPPER_MARKER not in det.find_marked(data)[1]
    assert [(f.rule_id, f.secret) for f in scan_bytes(data, "config.json", det)] == [
        ("github-token", token)]
    if det.accelerate():
        assert [(f.rule_id, f.secret) for f in scan_bytes(data, "config.json", det)] == [
            ("github-token", token)]


def test_an_auth_value_outside_a_docker_config_is_not_decoded() -> None:
    # Only a Docker config (`"auths"`) is known to hold `user:password` under `"auth"`.
    text = '{"auth": "' + b64("deploy:" + password(43)) + '"}\n'
    assert find_wrapped(text.encode(), detector_for()) == ([], [])
