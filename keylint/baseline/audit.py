"""Interactive `keylint audit`: walk the unaudited entries and record each answer.

The screen, the question and its keys are detect-secrets' (`detect-secrets audit`), so a team
moving over keeps its habits: "Should this string be committed to the repository?" (y)es means
not a secret (a false positive, a test value), stored as `"is_secret": false`; (n)o means a real
secret, `"is_secret": true`; (s)kip leaves the entry unaudited. Every answer is saved at once
(locked, atomic), so quitting or Ctrl-C loses nothing. The secret is shown masked, with a few
lines of context in which every known secret and random-looking token is masked, names are not.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TextIO

from keylint.baseline import store
from keylint.baseline.locate import (
    Located,
    compare_file,
    file_findings,
    locate,
    masked_lines,
    read_lines,
)
from keylint.baseline.model import Baseline, Entry, Key
from keylint.masking import shown_path
from keylint.words import counted

CONTEXT = 3
REFUSED = ("(refused: this file name leaves the repository (absolute, `..` or a symlink); "
           "nothing read or shown)")
_WIDTH = 200
_CHOICES = {"y": False, "n": True, "s": None}  # detect-secrets: y = may be committed
LEGEND = ("As in `detect-secrets audit`: (y)es = not a secret, it may be committed (labelled a false "
          "positive, is_secret: false); (n)o = a real secret (is_secret: true); (s)kip = leave it "
          "unaudited. Each answer is saved at once.")


@dataclass
class _FileView:
    lines: list[str] | None
    shown: dict[int, str]
    located: dict[Key, Located]
    outside: bool = False


def outside_repository(filename: str, root: str | None = None) -> bool:
    """True when a baseline file name leaves the directory the audit runs in: absolute, through
    `..`, or through a symlink. A baseline is data anyone can commit; its file names must not make
    the audit show lines of `~/.ssh/id_rsa` or `../other-project/.env`."""
    if not filename or os.path.isabs(filename) or PureWindowsPath(filename).drive:
        return True
    parts = PurePosixPath(filename.replace("\\", "/")).parts
    if ".." in parts:
        return True
    base = os.path.realpath(root or os.curdir)
    real = os.path.realpath(os.path.join(base, filename))
    return os.path.commonpath([base, real]) != base


def _view(path: str, entries: list[Entry], rule_ids: Sequence[str] | None) -> _FileView:
    if outside_repository(path):
        return _FileView(None, {}, {}, outside=True)
    lines = read_lines(path)
    if lines is None:
        return _FileView(None, {}, {})
    findings = file_findings(path, rule_ids)
    cmp = compare_file(path, entries, findings)
    located = {e.key: loc for e in entries if (loc := locate(e, lines, findings, cmp))}
    return _FileView(lines, masked_lines(lines, findings, list(located.values())), located)


def _clip(text: str) -> str:
    return text if len(text) <= _WIDTH else text[:_WIDTH] + " [...]"


def describe(e: Entry, view: _FileView, index: int, total: int) -> str:
    """The screen for one entry: header, masked secret, context with every known secret masked."""
    out = [f"Secret:      {index} of {total}", f"Filename:    {shown_path(e.filename)}",
           f"Secret Type: {shown_path(e.type)}"]
    loc = view.located.get(e.key)
    if view.outside:
        out += ["", REFUSED]
        return "\n".join(out) + "\n"
    if view.lines is None:
        out += ["", "(the file is gone: this entry is stale)"]
        return "\n".join(out) + "\n"
    if loc is None:
        out += ["", f"(keylint cannot find this secret in the file any more; recorded at line "
                    f"{e.line_number or '?'}, not shown)"]
        return "\n".join(out) + "\n"
    out += [f"Value:       {loc.masked}   (line {loc.line})", "-" * 10]
    width = len(str(min(len(view.lines), loc.line + CONTEXT)))
    for n in range(max(1, loc.line - CONTEXT), min(len(view.lines), loc.line + CONTEXT) + 1):
        marker = ">" if n == loc.line else " "
        out.append(f"{marker} {n:>{width}} | {_clip(view.shown.get(n, view.lines[n - 1]))}")
    out.append("-" * 10)
    return "\n".join(out) + "\n"


def prompt(can_back: bool) -> str:
    """detect-secrets' question and answers (see LEGEND for what they record)."""
    back = " (b)ack," if can_back else ""
    return f"Should this string be committed to the repository? (y)es, (n)o, (s)kip,{back} (q)uit: "


def ask(inp: TextIO, out: TextIO, can_back: bool) -> str:
    """Read one valid answer letter; EOF counts as quit."""
    valid = set(_CHOICES) | {"q"} | ({"b"} if can_back else set())
    while True:
        out.write(prompt(can_back))
        out.flush()
        raw = inp.readline()
        if not raw:
            out.write("\n")
            return "q"
        answer = raw.strip()[:1].lower()
        if answer in valid:
            return answer
        out.write("Please answer y, n, s" + (", b" if can_back else "") + " or q.\n")


def _set_label(key: Key, label: bool | None,
               missing: list[Key]) -> Callable[[Baseline | None], Baseline]:
    def change(old: Baseline | None) -> Baseline:
        assert old is not None
        entries = [replace(e, is_secret=label) if e.key == key else e for e in old.entries]
        if not any(e.key == key for e in old.entries):
            missing.append(key)
        return old.with_entries(entries)

    return change


def session(baseline_path: Path, rule_ids: Sequence[str] | None, inp: TextIO,
            out: TextIO) -> int:
    """Run the interactive audit; returns the exit code (0)."""
    baseline = store.load(baseline_path)
    todo = [e for e in baseline.entries if e.is_secret is None]
    if not todo:
        out.write(f"{shown_path(str(baseline_path))}: nothing to audit "
                  f"({counted(len(baseline.entries), 'entry')}, all labelled)\n")
        return 0
    by_file: dict[str, list[Entry]] = {}
    for e in baseline.entries:
        by_file.setdefault(e.filename, []).append(e)
    views: dict[str, _FileView] = {}
    answers: dict[Key, bool | None] = {}
    out.write(LEGEND + "\n")
    i = 0
    while i < len(todo):
        e = todo[i]
        if e.filename not in views:
            views[e.filename] = _view(e.filename, by_file[e.filename], rule_ids)
        out.write("\n" + describe(e, views[e.filename], i + 1, len(todo)))
        choice = ask(inp, out, can_back=i > 0)
        if choice == "q":
            break
        if choice == "b":
            i -= 1
            continue
        label = _CHOICES[choice]
        if label is not None or answers.get(e.key) is not None:
            missing: list[Key] = []
            store.transact(baseline_path, _set_label(e.key, label, missing))
            if missing:
                out.write("(this entry left the baseline meanwhile: answer not saved)\n")
        answers[e.key] = label
        i += 1
    real = sum(1 for v in answers.values() if v is True)
    false = sum(1 for v in answers.values() if v is False)
    left = sum(1 for e in todo if answers.get(e.key) is None)
    out.write(f"\n{shown_path(str(baseline_path))}: {counted(real, 'real secret')}, "
              f"{counted(false, 'false positive')} recorded; {left} left unaudited\n")
    if real:
        out.write("Real secrets: rotate them, remove them from the code (`keylint fix`), then "
                  "`keylint baseline update`.\n")
    return 0
