"""`[tool.keylint]` settings: read once at the CLI boundary, passed down as a frozen dataclass."""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from keylint.errors import KeylintError
from keylint.reading import read_regular

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
# A file is read into memory whole, with a buffer of max_file_size bytes: a larger limit is no
# limit but a MemoryError (or an OverflowError past the platform's index size).
MAX_MAX_FILE_SIZE = 1 << 30
DEFAULT_BASELINE = ".secrets.baseline"


@dataclass(frozen=True)
class Config:
    """Everything a run may be told by configuration. Defaults hold without a pyproject.toml."""

    exclude: tuple[str, ...] = ()
    baseline: str | None = None
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    env_file: str = ".env"
    secure_string: bool | None = None  # None: when the project depends on keylint
    source: str | None = field(default=None, compare=False)
    # The directory the baseline and its file names are relative to: where the config was found,
    # else the git work tree's root, else the current directory (see `find_root`).
    root: str = field(default=".", compare=False)

    def rule_ids(self) -> tuple[str, ...] | None:
        """Rule ids after `enable` / `disable`, in table order; None means every rule."""
        if not self.enable and not self.disable:
            return None
        from keylint.rules import RULES

        return tuple(r.id for r in RULES
                     if (not self.enable or r.id in self.enable) and r.id not in self.disable)

    def baseline_path(self, explicit: str | None = None) -> Path:
        """`explicit` (a --baseline FILE, as typed), else `baseline` or `.secrets.baseline` in the
        root, as a path from the current directory: run from `app/`, `../.secrets.baseline`."""
        if explicit is not None:
            return Path(explicit)
        name = self.baseline or DEFAULT_BASELINE
        if self.root in (".", ""):
            return Path(name)
        return Path(os.path.relpath(os.path.join(self.root, name)))

    def exclude_here(self) -> tuple[str, ...]:
        """`exclude` for a scan run in a subdirectory of the root, whose paths are shown from
        there: the patterns are the root's (gitignore: one with a `/` before its end is anchored
        at the root), so `tests/fixtures/**` reads `fixtures/**` in `tests/`, and a pattern
        anchored in another directory no longer applies."""
        here = os.path.relpath(os.getcwd(), os.path.abspath(self.root)).replace(os.sep, "/")
        if self.root in (".", "") or here == "." or here.startswith("../"):
            return self.exclude
        out = []
        for pattern in self.exclude:
            neg, body = ("!", pattern[1:]) if pattern.startswith("!") else ("", pattern)
            if "/" not in body.rstrip("/") or body.lstrip("/").startswith("**/"):
                out.append(pattern)  # not anchored: matches at any depth, here too
                name = body.rstrip("/").rsplit("/", 1)[-1]
                if not neg and any(fnmatch.fnmatchcase(d, name) for d in here.split("/")):
                    out.append("**")  # it names a directory holding `here`
                continue
            below = _below(body.strip("/").split("/"), here.split("/"), body.endswith("/"))
            if below is not None:
                out.append(neg + below)
        return tuple(out)

    def with_cli(self, **overrides: Any) -> Config:
        """A copy with the command line's explicit values on top."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_KEYS = {"exclude", "baseline", "enable", "disable", "max_file_size", "env_file", "secure_string"}


def _below(pattern: list[str], here: list[str], is_dir: bool) -> str | None:
    """The part of a root-anchored pattern (split on `/`) that applies below `here`, anchored
    there; None when it cannot match below `here`."""
    for i, name in enumerate(here):
        if i == len(pattern):
            return "**"  # it names a directory holding `here`: everything here is excluded
        if pattern[i] == "**":
            return "/".join(pattern[i:])  # `**/b`, or `**`: any depth below here
        if not fnmatch.fnmatchcase(name, pattern[i]):
            return None
    rest = pattern[len(here):]
    return "/" + "/".join(rest) + ("/" if is_dir else "") if rest else "**"


def _strings(where: str, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KeylintError(f"{where}: [tool.keylint] {key} must be a list of strings")
    return tuple(value)


def check_excludes(patterns: Sequence[str], where: str) -> tuple[str, ...]:
    """`patterns`, each a gitignore pattern pathspec compiles; else a one-line KeylintError
    naming `where` and the pattern (not a crash wherever the patterns are first applied)."""
    if patterns:
        import pathspec

        for pattern in patterns:
            try:
                pathspec.GitIgnoreSpec.from_lines([pattern])
            except (ValueError, re.error):  # `!` or a trailing `\`; `[z-a]`
                raise KeylintError(f"{where}: {pattern!r} is not a gitignore pattern") from None
    return tuple(patterns)


def parse(table: dict[str, Any], where: str) -> Config:
    """Validate a `[tool.keylint]` table. Unknown keys and wrong types are errors."""
    from keylint.rules import RULES_BY_ID

    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise KeylintError(f"{where}: unknown key in [tool.keylint]: {', '.join(unknown)} "
                           f"(known: {', '.join(sorted(_KEYS))})")
    cfg = Config(source=where)
    values: dict[str, Any] = {}
    for key in ("exclude", "enable", "disable"):
        if key in table:
            values[key] = _strings(where, key, table[key])
    if "exclude" in values:
        check_excludes(values["exclude"], f"{where}: [tool.keylint] exclude")
    for key in ("enable", "disable"):
        bad = [r for r in values.get(key, ()) if r not in RULES_BY_ID]
        if bad:
            raise KeylintError(f"{where}: [tool.keylint] {key} names unknown rule(s): "
                               f"{', '.join(bad)} (see `keylint rules`)")
    for key in ("baseline", "env_file"):
        if key in table:
            if not isinstance(table[key], str) or not table[key]:
                raise KeylintError(f"{where}: [tool.keylint] {key} must be a non-empty string")
            values[key] = table[key]
    if "max_file_size" in table:
        v = table["max_file_size"]
        if not isinstance(v, int) or isinstance(v, bool) or not 0 < v <= MAX_MAX_FILE_SIZE:
            raise KeylintError(f"{where}: [tool.keylint] max_file_size must be a positive integer "
                               f"of at most {MAX_MAX_FILE_SIZE} (1 GiB): files are read whole")
        values["max_file_size"] = v
    if "secure_string" in table:
        if not isinstance(table["secure_string"], bool):
            raise KeylintError(f"{where}: [tool.keylint] secure_string must be true or false")
        values["secure_string"] = table["secure_string"]
    return replace(cfg, **values)


def baseline_option(value: str | None, option: str = "--baseline", hint: str = "") -> str | None:
    """A --baseline value as typed; an empty one is a usage error (it would name the current
    directory and fail later as "Is a directory")."""
    if value is not None and not value.strip():
        raise KeylintError(f"{option} '': needs a file name{hint}")
    return value


def find_root(start: Path | None = None) -> tuple[Path, Path | None]:
    """(root, config): walking up from `start` as git looks for its repository, the first
    directory whose pyproject.toml has a [tool.keylint] table (root = that directory, config =
    that file); else the git work tree's root (the directory holding `.git`), with its
    pyproject.toml if it has one; else `start` itself. Run in `app/`, keylint finds the
    repository's config and baseline."""
    here = (start or Path.cwd()).absolute()
    for d in (here, *here.parents):
        candidate = d / "pyproject.toml"
        if candidate.is_file() and _has_table(candidate):
            return d, candidate
        if (d / ".git").exists():
            return d, candidate if candidate.is_file() else None
    return here, None


def _has_table(path: Path) -> bool:
    """A cheap look for `[tool.keylint` (the file is parsed properly by `load`)."""
    try:
        return b"[tool.keylint" in read_regular(path)
    except OSError:
        return False


def load(path: Path | None = None, *, search_from: Path | None = None) -> Config:
    """Read `path` (an explicit --config), else the pyproject.toml `find_root` finds."""
    explicit = path is not None
    root = "."
    if path is None:
        start = search_from or Path.cwd()
        found_root, found = find_root(start)
        if found_root != start.absolute():
            root = os.path.relpath(found_root, Path.cwd())
        if found is None:
            return Config(root=root)
        path = found
    try:
        raw = read_regular(path)
    except OSError as exc:
        raise KeylintError(f"{path}: cannot read config: {exc.strerror or exc}") from exc
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover (python 3.10)
        import tomli as tomllib
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KeylintError(f"{path}: malformed TOML: {exc}") from exc
    except RecursionError:
        raise KeylintError(f"{path}: malformed TOML: nested too deeply") from None
    except ValueError:  # an integer over sys.get_int_max_str_digits() digits
        raise KeylintError(f"{path}: malformed TOML: a number has too many digits") from None
    tool = doc.get("tool", {})
    table = tool.get("keylint") if isinstance(tool, dict) else None
    if table is None:
        if explicit and path.name != "pyproject.toml":
            table = doc  # a dedicated keylint.toml holds the keys at the top level
        else:
            return Config(source=str(path), root=root)
    if not isinstance(table, dict):
        raise KeylintError(f"{path}: [tool.keylint] must be a table")
    return replace(parse(table, str(path)), root=root)


def enter_root(cfg: Config, paths: list[str | None]) -> tuple[Config, list[str | None]]:
    """Work from the root, as git works from its top level: for whole-repository commands
    (`audit --ci`, `baseline create|update`) run in a subdirectory. `paths` (as typed, relative
    to the current directory) come back relative to the root; None stays None."""
    if cfg.root in (".", ""):
        return cfg, paths
    root = os.path.abspath(cfg.root)
    moved = [None if p is None else os.path.relpath(os.path.abspath(p), root) for p in paths]
    os.chdir(root)
    return replace(cfg, root="."), moved
