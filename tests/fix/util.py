"""Helpers for the fix tests: keys built at run time, `<name>` placeholders, one-call fixes."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from keylint.fix.codemods import fix_source
from keylint.fix.model import SourceContext, SourceFix
from keylint.fix.naming import NamePicker
from keylint.scanner.engine import scan_bytes
from tests.fakes import fake_key

KEYS: dict[str, str] = {
    "openai": fake_key("openai-project-key", 1),
    "openai2": fake_key("openai-project-key", 2),
    "anthropic": fake_key("anthropic-api-key", 1),
    "google": fake_key("google-api-key", 1),
    "github": fake_key("github-token", 1),
    "aws_id": fake_key("aws-access-key-id", 1),
    "aws_secret": fake_key("aws-secret-access-key", 1),
    "password": fake_key("password-assignment", 1),
    "password2": fake_key("password-assignment", 2),
    "twilio_secret": fake_key("twilio-api-key-secret", 1),
    "pem": fake_key("private-key", 1),
    "hf": fake_key("huggingface-user-token", 1),
}
_PLACEHOLDER = re.compile(r"<(" + "|".join(KEYS) + r")>")


def fill(template: str) -> str:
    """Replace each `<name>` with the fake key of that name."""
    return _PLACEHOLDER.sub(lambda m: KEYS[m.group(1)], template)


def unfill(text: str) -> str:
    """The inverse of `fill`, for readable assertion messages."""
    for name, key in sorted(KEYS.items(), key=lambda kv: -len(kv[1])):
        text = text.replace(key, f"<{name}>")
    return text


def run_fix(
    source: str | bytes, *, path: str = "mod.py", known: Mapping[str, str] | None = None,
    secure: bool = True, test_file: bool = False, read_only: bool = False,
    exported: Callable[[str], str | None] | None = None,
) -> tuple[bytes, SourceFix, NamePicker]:
    """Scan and fix one source in memory; return the new bytes, the result and the names."""
    data = source if isinstance(source, bytes) else fill(source).encode()
    findings = scan_bytes(data, path)
    names = NamePicker(known or {}, read_only=read_only)
    ctx = SourceContext(path=path, secure_string=secure, test_file=test_file,
                        exported=exported or (lambda name: None))
    result = fix_source(data, findings, ctx, names)
    return result.source, result, names


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` (a throwaway repository) and return its stdout."""
    out = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True,
                         check=True)
    return out.stdout


def git_repo(path: Path) -> Path:
    """A fresh repository with an identity, for commits in tests."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    git(path, "config", "user.email", "test@example.invalid")
    git(path, "config", "user.name", "keylint tests")
    git(path, "config", "commit.gpgsign", "false")
    return path
