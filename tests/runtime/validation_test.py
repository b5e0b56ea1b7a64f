from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from keylint.runtime import InputValidator, ValidationError
from keylint.runtime.validation import parse_ip
from tests.fakes import fake_key

# --------------------------------------------------------------------------- paths


@pytest.fixture
def base(tmp_path: Path) -> Path:
    (tmp_path / "data" / "sub").mkdir(parents=True)
    (tmp_path / "data" / "sub" / "file.txt").write_text("x")
    (tmp_path / "outside.txt").write_text("secret")
    return tmp_path / "data"


@pytest.mark.parametrize("path", ["sub/file.txt", "sub/../sub/file.txt", "new.txt", ".", "sub"])
def test_paths_inside_the_base_are_accepted(base: Path, path: str) -> None:
    resolved = InputValidator(base).validate_path(path)
    assert resolved.is_relative_to(base.resolve())


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../outside.txt", "escapes the base directory"),
        ("sub/../../outside.txt", "escapes the base directory"),
        ("sub/../../data2/x", "escapes the base directory"),
        ("/etc/passwd", "must be relative"),
        ("sub/\x00.txt", "NUL"),
        ("", "is empty"),
    ],
)
def test_escapes_are_refused(base: Path, path: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason) as info:
        InputValidator(base).validate_path(path, field="upload")
    assert info.value.field == "upload"
    assert str(info.value).startswith("upload: ")


def test_absolute_paths_when_allowed_must_stay_inside(base: Path) -> None:
    v = InputValidator(base)
    inside = base / "sub" / "file.txt"
    assert v.validate_path(str(inside), allow_absolute=True) == inside.resolve()
    with pytest.raises(ValidationError, match="escapes"):
        v.validate_path(str(base.parent / "outside.txt"), allow_absolute=True)


def test_a_symlink_pointing_out_is_refused(base: Path) -> None:
    os.symlink(base.parent / "outside.txt", base / "link.txt")
    os.symlink(base.parent, base / "sub" / "up")
    v = InputValidator(base)
    with pytest.raises(ValidationError, match="escapes"):
        v.validate_path("link.txt")
    with pytest.raises(ValidationError, match="escapes"):
        v.validate_path("sub/up/outside.txt")


def test_a_symlink_staying_inside_is_accepted(base: Path) -> None:
    os.symlink(base / "sub" / "file.txt", base / "alias.txt")
    assert InputValidator(base).validate_path("alias.txt") == (base / "sub" / "file.txt").resolve()


def test_a_base_reached_through_a_symlink_works(base: Path, tmp_path: Path) -> None:
    os.symlink(base, tmp_path / "via-link")
    assert InputValidator(tmp_path / "via-link").validate_path("sub/file.txt").exists()


def test_must_exist_and_per_call_base(base: Path) -> None:
    v = InputValidator()
    with pytest.raises(ValidationError, match="does not exist"):
        v.validate_path("nope.txt", base, must_exist=True)
    with pytest.raises(TypeError, match="base_dir"):
        v.validate_path("x")


def test_prefix_sibling_is_not_inside(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app-secrets").mkdir()
    with pytest.raises(ValidationError, match="escapes"):
        InputValidator(tmp_path / "app").validate_path("../app-secrets/k")


# --------------------------------------------------------------------------- strings


def test_a_clean_string_is_returned() -> None:
    assert InputValidator().validate_string("hello, world") == "hello, world"


@pytest.mark.parametrize(
    ("value", "kwargs", "reason"),
    [
        ("a\x00b", {}, "NUL byte at position 1"),
        ("bell\x07", {}, "control character U+0007 at position 4"),
        ("esc\x1b[31m", {}, "U+001B"),
        ("abc\u202edef", {}, "U+202E"),
        ("two\nlines", {}, "line break"),
        ("x" * 11, {"max_length": 10}, "longer than 10"),
        ("ab", {"min_length": 3}, "shorter than 3"),
        ("abc!", {"allowed_chars": "abc"}, "not allowed at position 3"),
        ("abc", {"pattern": r"[0-9]+"}, "expected format"),
        (42, {}, "must be a string, not int"),
    ],
)
def test_bad_strings_are_refused(value: object, kwargs: dict[str, object], reason: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(reason)) as info:
        InputValidator().validate_string(value, "prompt", **kwargs)  # type: ignore[arg-type]
    assert info.value.field == "prompt"


def test_newlines_when_allowed() -> None:
    v = InputValidator()
    assert v.validate_string("a\nb\tc", allow_newlines=True) == "a\nb\tc"
    with pytest.raises(ValidationError, match="NUL"):
        v.validate_string("a\n\x00", allow_newlines=True)


def test_default_max_length() -> None:
    v = InputValidator(max_length=5)
    with pytest.raises(ValidationError, match="longer than 5"):
        v.validate_string("123456")


def test_reasons_never_echo_the_value() -> None:
    key = fake_key("openai-project-key", 5)
    for kwargs in ({"max_length": 10}, {"pattern": "x"}, {"allowed_chars": "ab"}):
        with pytest.raises(ValidationError) as info:
            InputValidator().validate_string(key + "\x00", **kwargs)  # type: ignore[arg-type]
        assert key not in str(info.value)


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "url", ["https://api.openai.com/v1/chat", "https://example.com:8443/x?q=1#f", "https://[2606:4700::1111]/"]
)
def test_good_urls(url: str) -> None:
    assert InputValidator(block_private=True).validate_url(url) == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://api.example.com", "scheme must be one of: https"),
        ("file:///etc/passwd", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("https://user:pw@example.com/", "credentials"),
        ("https://token@example.com/", "credentials"),
        ("https:///path-only", "no host"),
        ("https://example.com:99999/", "invalid host or port"),
        ("https://exa mple.com/", "whitespace"),
        ("https://evil.com\\@good.com/", "backslashes"),
        ("https://example.com/\r\nX-Injected: 1", "control"),
    ],
)
def test_bad_urls(url: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason) as info:
        InputValidator().validate_url(url, "webhook")
    assert info.value.field == "webhook"


def test_scheme_allowlist_per_call() -> None:
    v = InputValidator(schemes=("https", "wss"))
    assert v.validate_url("wss://stream.example.com/")
    assert v.validate_url("http://localhost:8080/", schemes=["http"])


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("localhost", "loopback"),
        ("LOCALHOST.", "loopback"),
        ("api.localhost", "loopback"),
        ("2130706433", "loopback"),  # decimal
        ("0x7f000001", "loopback"),  # hex
        ("0177.0.0.1", "loopback"),  # octal
        ("127.1", "loopback"),  # short form
        ("0x7f.1", "loopback"),
        ("[::1]", "loopback"),
        ("[::ffff:127.0.0.1]", "loopback"),  # IPv4-mapped
        ("[::ffff:7f00:1]", "loopback"),
        ("10.0.0.5", "private"),
        ("012.0.0.5", "private"),  # octal 10.0.0.5
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "private"),  # carrier-grade NAT
        ("[fc00::1]", "private"),
        ("[fd12:3456::1]", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("2852039166", "link-local"),  # the same, decimal
        ("[fe80::1%25eth0]", "link-local"),  # with a zone id
        ("[64:ff9b::a9fe:a9fe]", "link-local"),  # NAT64 of 169.254.169.254
        ("[2002:7f00:1::]", "loopback"),  # 6to4 of 127.0.0.1
        ("0.0.0.0", "unspecified"),
        ("0", "unspecified"),
        ("[::]", "unspecified"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_private_addresses_are_blocked_in_every_spelling(host: str, kind: str) -> None:
    v = InputValidator(block_private=True)
    with pytest.raises(ValidationError, match=f"points to a {kind} address"):
        v.validate_url(f"https://{host}/v1")
    assert InputValidator().validate_url(f"https://{host}/v1")  # only blocked on request


@pytest.mark.parametrize(
    ("host", "ip"),
    [("2130706433", "127.0.0.1"), ("0x7f.0.0.1", "127.0.0.1"), ("1.2.3", "1.2.0.3"),
     ("8.8.8.8.", "8.8.8.8"), ("example.com", None), ("1.2.3.4.5", None), ("256.1.1.1", None),
     ("08.1.1.1", None), ("4294967296", None)],
)
def test_parse_ip(host: str, ip: str | None) -> None:
    parsed = parse_ip(host)
    assert (str(parsed) if parsed else None) == ip


def test_resolver_blocks_names_that_point_inside() -> None:
    names = {"internal.example.com": ["10.1.2.3"], "public.example.com": ["93.184.216.34"]}
    v = InputValidator(block_private=True, resolver=lambda h: names[h])
    assert v.validate_url("https://public.example.com/")
    with pytest.raises(ValidationError, match="private"):
        v.validate_url("https://internal.example.com/")


def test_allowed_hosts() -> None:
    v = InputValidator()
    hosts = ["api.openai.com", ".anthropic.com"]
    assert v.validate_url("https://api.openai.com/v1", allowed_hosts=hosts)
    assert v.validate_url("https://api.anthropic.com/v1", allowed_hosts=hosts)
    assert v.validate_url("https://anthropic.com/v1", allowed_hosts=hosts)
    for url in ("https://api.openai.com.evil.io/", "https://evilanthropic.com/"):
        with pytest.raises(ValidationError, match="allowed list"):
            v.validate_url(url, allowed_hosts=hosts)
