"""What `keylint fix` tells the user: per key, what happened; then what to rotate. No secrets.

Every line names a place as `path:line:col` and shows keys masked. The unified diff of `--diff`
has each key replaced by its masked form on both sides, so it shows the env lookups, never a
secret.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from keylint.fix.model import Change, Skip
from keylint.fix.split import split_keys
from keylint.masking import mask, shown_path
from keylint.rules import PROVIDERS, RULES_BY_ID
from keylint.scanner.engine import detector_for
from keylint.scanner.finding import Finding


def change_line(c: Change) -> str:
    """`path:line:col: <type> <masked> -> <code>` (plus the note, if any)."""
    note = f" ({c.note})" if c.note else ""
    return f"{shown_path(c.where)}: {c.finding.secret_type} {c.finding.masked} -> {c.code}{note}"


def skip_line(s: Skip) -> str:
    """`path:line:col: <type> <masked>: not fixed: <reason>`."""
    return (f"{shown_path(s.where)}: {s.finding.secret_type} {s.finding.masked}: not fixed: "
            f"{s.reason}")


_MANUAL = {
    ".yaml": ("YAML", "use a reference the tool expands, such as ${{{name}}}, with the value in "
                      "the env file"),
    ".json": ("JSON", "move the value to {name} in the env file and read it from the "
                      "environment"),
    ".toml": ("TOML", "read {name} from the environment instead"),
    ".ini": ("a config file", "read {name} from the environment instead"),
    ".md": ("documentation", "replace the key with a placeholder such as <{name}>"),
    ".js": ("JavaScript", "use process.env.{name}, with the value in the env file"),
    ".sh": ("a shell script", 'use "${name}", with the value in the env file'),
}
_ALIASES = {".yml": ".yaml", ".rst": ".md", ".txt": ".md", ".cfg": ".ini", ".conf": ".ini",
            ".ts": ".js", ".tsx": ".js", ".jsx": ".js", ".mjs": ".js", ".cjs": ".js",
            ".bash": ".sh", ".zsh": ".sh"}


def manual_fix(path: str, f: Finding) -> str:
    """The one-line suggestion for a key in a file `keylint fix` does not rewrite."""
    name = RULES_BY_ID[f.rule_id].env_var if f.rule_id in RULES_BY_ID else "THE_KEY"
    base = os.path.basename(path).lower()
    if base.startswith(".env"):
        kind, how = "an env template", ("put a placeholder there ({name}=your-key-here) and the "
                                        "real value in the ignored env file")
    else:
        ext = os.path.splitext(base)[1]
        kind, how = _MANUAL.get(_ALIASES.get(ext, ext), (
            "a non-Python file", "move the value to {name} in the environment by hand"))
    return f"{kind} is reported, not rewritten: {how.format(name=name)}"


def masked_diff(old: bytes, new: bytes, path: str, secrets: Iterable[str]) -> str:
    """A unified diff of one file with every secret masked on both sides.

    Masked: `secrets` (what the fix found), and whatever any rule matches in either side,
    pragmas and the configured rule selection notwithstanding (an allowlisted or disabled key
    is not fixed, but it is still not printed), including keys split across literals.
    """
    found = set(secrets)
    a, b = (_masked(data, path, found) for data in (old, new))
    shown = shown_path(path)
    return "".join(difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True),
                                        f"a/{shown}", f"b/{shown}"))


def _masked(data: bytes, path: str, secrets: set[str]) -> str:
    detector = detector_for()  # every rule, and `find` knows nothing of pragmas
    text = data.decode("utf-8", "replace")
    split = split_keys(data, path, detector, pragmas=False) if path.endswith(
        (".py", ".pyw", ".pyi")) else []
    if split:
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        for f in sorted(split, key=lambda f: (f.line, f.column), reverse=True):
            lo = starts[f.line - 1] + f.column - 1
            hi = starts[f.end_line - 1] + f.end_column - 1
            # The pieces go; the line breaks between them stay, so hunks keep their line numbers.
            text = text[:lo] + mask(f.secret) + "\n" * text.count("\n", lo, hi) + text[hi:]
    secrets = secrets | {m.secret for m in detector.find(data)}
    for s in sorted(secrets, key=len, reverse=True):
        text = text.replace(s, mask(s))
    return text


@dataclass(frozen=True)
class Rotation:
    """One distinct key that was moved: where it lived and how often git history holds it."""

    finding: Finding
    env_var: str
    paths: tuple[str, ...]
    commits: int | None  # None: not in a git repository


def rotation_line(r: Rotation) -> str:
    """The per-key rotation advice, with the provider's rotation URL from the rules."""
    rule = RULES_BY_ID.get(r.finding.rule_id)
    url = rule.rotate_url if rule else "the provider's console"
    provider = PROVIDERS[r.finding.provider].name if r.finding.provider in PROVIDERS \
        else r.finding.provider
    what = f"{r.env_var} ({provider}, {r.finding.masked})"
    files = ", ".join(shown_path(p) for p in r.paths)
    if r.commits is None:
        return (f"rotate: {what}: {files} is not in a git repository; if the key was ever "
                f"committed or shared, rotate it: {url}")
    if r.commits:
        plural = "s" if r.commits != 1 else ""
        return (f"rotate: {what} is in the git history of {files} ({r.commits} commit{plural}): "
                f"it stays readable there after this fix; rotate it now: {url}")
    return (f"rotate: {what} is not in the git history of {files}; commit the fix before the "
            f"key, and rotate it if it was ever committed elsewhere or shared: {url}")


def summary(files: int, keys: int, skipped: int, env: str | None, *, diff: bool,
            created: bool, gitignore: str | None) -> str:
    """The closing line."""
    verb = "would rewrite" if diff else "rewrote"
    parts = [f"keylint fix: {verb} {files} file{'s' if files != 1 else ''}",
             f"{keys} key{'s' if keys != 1 else ''} moved"]
    if skipped:
        parts.append(f"{skipped} not fixed")
    line = ", ".join(parts)
    if env and keys and not diff:
        extra = []
        if created:
            extra.append("created with mode 0600")
        if gitignore:
            extra.append(f"added to {gitignore}")
        line += f"; values in {env}" + (f" ({'; '.join(extra)})" if extra else "")
    elif diff and keys:
        line += " (--diff: nothing written)"
    return line


def secure_note(used: Sequence[Change]) -> str | None:
    """A reminder when fixed code imports keylint.runtime."""
    if not any("SecureString" in c.code for c in used):
        return None
    return ("note: fixed code imports keylint.runtime.SecureString, so keylint must be "
            "installed where that code runs (or fix with --no-secure-string)")


def example_line(path: str, names: Sequence[str]) -> str:
    """Which names the example env file now lists."""
    listed = ", ".join(dict.fromkeys(names))
    return f"keylint fix: {path} lists {listed} (names only, no values): commit it"


_LOADER_NAMES = ("python-dotenv, pydantic-settings, django-environ, environs, python-decouple "
                 "or dynaconf")


def load_line(env: str, loaders: Sequence[tuple[str, str] | None]) -> str:
    """How the moved values reach the program, said once: through the project's own loader,
    or, when nothing loads the env file, the exact command that exports it."""
    if loaders and all(loaders):
        found = dict.fromkeys(f"{loader[0]} (found in {loader[1]})" for loader in loaders
                              if loader is not None)
        return (f"keylint fix: the values reach the program through {', '.join(found)}, "
                f"which must load {env}")
    shown = env if "/" in env else f"./{env}"
    return (f"keylint fix: nothing in this project loads {env} ({_LOADER_NAMES} are neither "
            f"dependencies nor imported): export the values in the shell that starts the "
            f"program: set -a; . {shown}; set +a")
