"""Secrets inside base64 wrappers: kubeconfig `*-data`, Kubernetes `Secret` `data:` entries,
`.dockerconfigjson`, a Docker config's `"auth"` and `.npmrc` `_auth` values are decoded and the
decoded text is scanned.

Each finding is reported at the wrapper value's span, with the decoded secret and the inner
rule. The work stays linear: the search runs only when a cheap marker is in the buffer, is one
regex pass (a `data:` block is matched whole, so its entries are not looked at again), every
value is decoded at most once, and decoded text is scanned once, with at most one more level of
wrappers inside it.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from keylint.rules.checks import is_placeholder, url_password
from keylint.rules.model import Rule
from keylint.scanner.detector import Detector, _compile

_B64 = rb"[A-Za-z0-9+/_-]{8,}={0,2}"
_VALUE_END = frozenset(b" \t\r\n\"',}]#;")  # what may follow a whole value (not `.`: a JWT)
_KEY_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
_Q = rb"[\"']?"
# One pass (RE2 when installed: a DFA, linear, no look-around), three shapes:
#  - a wrapper key and its value: `client-key-data: ...`, `.dockerconfigjson: ...`, `_auth=...`,
#    `"auth": "..."` (read only in a Docker config, a buffer holding `"auths"`)
#  - a YAML `data:` header line (its block, the lines indented under it, is read from there)
#  - a flow or JSON `data: {...}` map (up to its first brace, so starts never rescan a body)
_SEARCH = _compile(
    rb"(?m)([\w.-]*-data|\.dockerconfigjson|\.dockercfg|_auth|\"auth)"  # 1: key
    + _Q + rb"[ \t]*[:=][ \t]*" + _Q + rb"(" + _B64 + rb")"  # 2: value
    + rb"|^([ \t]*)" + _Q + rb"data" + _Q + rb"[ \t]*:[ \t]*(?:#[^\n]*)?\r?$"  # 3: indent
    + rb"|(" + _Q + rb"data" + _Q + rb"[ \t]*:[ \t]*\{([^{}]*)\})",  # 4: flow map, 5: body
    fast=True,
)
# An entry of a `data:` block or map: `key: value`, `"key": "value"`.
_ENTRY = re.compile(
    _Q + rb"(?P<key>[\w.-]+)" + _Q + rb"[ \t]*:[ \t]*" + _Q + rb"(?P<val>" + _B64
    + rb")(?=[\s\"',}\]#;]|$)"
)
# `"auth": "..."` in a Docker config (inside a decoded `.dockerconfigjson`).
_DOCKER_AUTH = re.compile(rb"\"auth\"[ \t]*:[ \t]*\"(?P<val>" + _B64 + rb")\"")
_DOCKER_KEY = b'"auth'  # group 1 of `"auth": ...`
_DOCKER_CONFIG = b'"auths"'  # what makes a buffer a Docker config (`~/.docker/config.json`)
_HEADER = re.compile(rb"[ \t]*[\"']?data[\"']?[ \t]*:[ \t]*(?:#[^\n]*)?\r?$")
_LOOKBACK = 64 * 1024  # how far above a bounded search a `data:` header is looked for
_MIN_DECODED = 8
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Work:
    """What a search did, for tests that check the work stays linear (not timed)."""

    decoded: int = 0  # base64 bytes decoded
    scanned: int = 0  # decoded bytes the detector read


@dataclass(frozen=True)
class Wrapped:
    """A secret inside a wrapper value at `data[start:end]`."""

    rule: Rule
    secret: str = field(repr=False)
    start: int = 0
    end: int = 0


def find_wrapped(data: bytes, detector: Detector, start: int = 0, end: int | None = None,
                 work: Work | None = None) -> tuple[list[Wrapped], list[tuple[int, int]]]:
    """Secrets inside the base64 wrapper values in `data[start:end]`, in file order, and the
    spans of every wrapper value there that decoded to text (whatever it held)."""
    end = len(data) if end is None else end
    begin = _block_start(data, start)
    if begin == start and not _marked(data, start, end):
        return [], []
    work = work if work is not None else Work()
    found: dict[tuple[int, str], Wrapped] = {}
    values: list[tuple[int, int]] = []
    for vs, ve, rule, secret in _search(data, detector, begin, end, 1, work):
        if vs < start:
            continue
        if rule is None:
            values.append((vs, ve))
        elif (vs, secret) not in found:
            found[(vs, secret)] = Wrapped(rule, secret, vs, ve)
    return sorted(found.values(), key=lambda w: (w.start, w.end)), values


def _marked(data: bytes, start: int, end: int) -> bool:
    """A wrapper may be in `data[start:end]` (cheap: the search runs only then). Precise enough
    that ordinary code seldom passes: `data: bytes` annotations and `self._auth = ...` are
    common, a `data:` key ending its line (a YAML block) or opening `{`, a `-data:` key, an
    `_auth=` at a line's start and `.dockerconfigjson` are not."""
    if data.find(b".dockercfg", start, end) >= 0 or data.find(b".dockerconfigjson", start, end) >= 0:
        return True
    if data.find(_DOCKER_CONFIG, start, end) >= 0:
        return True  # a Docker config: its `"auth"` values
    for marker in (b"data:", b'data":', b"data':"):
        at = data.find(marker, start, end)
        while at >= 0:
            if data[at - 1:at] == b"-":
                return True  # kubeconfig `client-key-data:` (YAML or JSON)
            rest = data[at + len(marker):at + len(marker) + 64].lstrip(b" \t")
            if rest[:1] in (b"", b"\n", b"\r", b"{", b"#"):
                return True  # a `data:` block or map
            at = data.find(marker, at + len(marker), end)
    at = data.find(b"_auth", start, end)
    while at >= 0:
        rest = data[at + 5:at + 40].lstrip(b"\"' \t")
        if rest[:1] in (b"=", b":"):
            line_start = data.rfind(b"\n", 0, at) + 1
            if data[line_start:at].strip(b" \t").startswith((b"//", b"_", b"\"", b"'")) or \
                    at == line_start:
                return True  # `.npmrc` `_auth=`, `//registry/:_auth=`, a JSON "_auth":
        at = data.find(b"_auth", at + 5, end)
    return False


def _block_start(data: bytes, start: int) -> int:
    """Where to search from: `start`, or the header of a `data:` block `start` is inside (a
    history delta may begin under the header of the block it edits)."""
    floor = max(0, start - _LOOKBACK)
    if start == 0 or data[start:start + 1] not in (b" ", b"\t") or data.rfind(
            b"data", floor, start) < 0:
        return start
    ls = start
    while ls > floor:
        prev = data.rfind(b"\n", floor, ls - 1) + 1
        if prev == 0 and floor > 0:
            return start
        line = data[prev:ls - 1]
        if line[:1] not in (b" ", b"\t"):
            return prev if _HEADER.fullmatch(line) else start
        if _HEADER.fullmatch(line):
            return prev
        ls = prev
    return start


_Hit = tuple[int, int, "Rule | None", str]  # rule None: the value itself decoded to text


def _search(data: bytes, detector: Detector, start: int, end: int, depth: int,
            work: Work) -> Iterator[_Hit]:
    resume = start  # a block or map already read: its entries are not looked at again
    docker: bool | None = None  # whether the buffer is a Docker config (asked once, if needed)
    for m in _SEARCH.finditer(data, start, end):
        ms = m.start()
        if ms < resume:
            continue
        if m.group(2) is not None:
            vs, ve = m.span(2)
            key = m.group(1)
            if key == _DOCKER_KEY:
                if docker is None:
                    docker = data.find(_DOCKER_CONFIG, start, end) >= 0
                if not docker:
                    continue  # an `"auth"` elsewhere is not known to hold `user:password`
            if (ms > 0 and data[ms - 1] in _KEY_CHARS) or (ve < end and data[ve] not in _VALUE_END):
                continue  # `foo_auth`, or a value that runs on past the base64 (`eyJ...`)
            resume = ve
            yield from _value(data, detector, key, vs, ve, depth, work)
            continue
        if m.group(4) is not None:
            if ms > 0 and data[ms - 1] in _KEY_CHARS:
                continue  # `metadata: {`
            bs, be = m.span(5)
        else:
            bs, be = m.end() + 1, _block_end(data, m.end() + 1, end, m.group(3))
        resume = be
        for e in _ENTRY.finditer(data, bs, be):
            yield from _value(data, detector, e.group("key"), e.start("val"), e.end("val"),
                              depth, work)


def _block_end(data: bytes, pos: int, end: int, indent: bytes) -> int:
    """Where the lines indented under a YAML header (`indent`) starting at `pos` end."""
    deeper = (indent + b" ", indent + b"\t")
    while pos < end and data.startswith(deeper, pos):
        nl = data.find(b"\n", pos, end)
        pos = end if nl < 0 else nl + 1
    return min(pos, end)


def _value(data: bytes, detector: Detector, key: bytes, vs: int, ve: int, depth: int,
           work: Work) -> Iterator[_Hit]:
    """The secrets inside one wrapper value, each at the value's span."""
    decoded = _decode(data[vs:ve], work)
    if decoded is None:
        return
    yield vs, ve, None, ""
    for rule, secret in _inside(key, decoded, detector, depth, work):
        yield vs, ve, rule, secret


def _inside(key: bytes, decoded: bytes, detector: Detector, depth: int,
            work: Work) -> Iterator[tuple[Rule, str]]:
    if key.endswith(b"_auth") or key == _DOCKER_KEY:
        yield from _user_password(decoded, detector)
        return
    # The key names what the value is (`OPENAI_API_KEY`, `password`): scan it with the value,
    # so a bare decoded password or context-dependent key reads as it would in a `.env`.
    text = key + b": " + decoded
    work.scanned += len(text)
    docker = key in (b".dockerconfigjson", b".dockercfg")
    auths = [a.group("val") for a in _DOCKER_AUTH.finditer(decoded)] if docker else []
    for m in detector.find(text):
        if m.rule.generic and m.secret.encode() in auths:
            continue  # an `auth` blob as a generic credential: its password is reported below
        yield m.rule, m.secret
    for auth in auths:
        inner = _decode(auth, work)
        if inner is not None:
            yield from _user_password(inner, detector)
    if depth > 0:
        for _, _, rule, secret in _search(decoded, detector, 0, len(decoded), depth - 1, work):
            if rule is not None:
                yield rule, secret


def _user_password(decoded: bytes, detector: Detector) -> Iterator[tuple[Rule, str]]:
    """`user:password` (Docker `auth`, npm `_auth`): a provider key when the password is one,
    else the password as the basic-auth rule reports it."""
    _, sep, password = decoded.partition(b":")
    if not sep or not password or b"\n" in password:
        return
    keys = [m for m in detector.find(password) if not m.rule.generic]
    if keys:
        for m in keys:
            yield m.rule, m.secret
        return
    rule = next((r for r in detector.rules if r.id == "connection-string"), None)
    secret = password.decode("utf-8", "replace")
    if rule is not None and not is_placeholder(secret) and url_password(secret):
        yield rule, secret


def _decode(value: bytes, work: Work) -> bytes | None:
    """The decoded value when it is proper base64 of text (PEM, JSON, a token), else None."""
    body = value.rstrip(b"=")
    if len(body) % 4 == 1 or len(value) - len(body) > 2:
        return None
    if b"-" in body or b"_" in body:
        if b"+" in body or b"/" in body:
            return None  # two alphabets mixed: not base64
        body = body.replace(b"-", b"+").replace(b"_", b"/")
    work.decoded += len(body)
    try:
        decoded = base64.b64decode(body + b"=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    return decoded if _text_like(decoded) else None


def _text_like(decoded: bytes) -> bool:
    """UTF-8 text with no control characters but whitespace: not an image or other binary."""
    if len(decoded) < _MIN_DECODED:
        return False
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(decoded) is None
