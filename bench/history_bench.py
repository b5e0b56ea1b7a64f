#!/usr/bin/env python3
"""History scan: `keylint scan --history` against `gitleaks git` on a synthetic 20k-commit repository.

    python bench/history_bench.py                            # 20,000 commits, 3 runs each (~4 min)
    python bench/history_bench.py --commits 2000 --reps 1    # smoke test (~30 s)
    python bench/history_bench.py --repo PATH [--reps 3]      # any existing repository
        [--commits N] [--seed S] [--corpus DIR] [--workdir DIR] [--rebuild] [--range-reps 9]
        [--json bench/results/history.json]

Run it from the repository root with the project's virtualenv (fake keys come from tests/fakes.py).

The repository is built once with `git fast-import` under --workdir (default
/tmp/keylint-history-bench, outside this checkout), cached by its parameters, then repacked with
deltas (`git repack -adf`, as a clone is). Its files come from the CPython standard library of
this Python (the .py files) or from --corpus DIR; over N commits they are added over time, edited
a few lines at a time (a fifth of the files take most of the edits), renamed and deleted, and
feature branches fork and merge back (two-parent merges). Fake provider keys, built at run time,
are planted: added then deleted (file deleted, or line removed), still at the tip, rotated (old
key replaced by a new one), carried by a file edited in 60 later commits, moved by renames,
added on a merged branch, added only on a branch never merged, and added by a merge commit's
own resolution (an "evil merge", which no parent holds). The ground truth (rule, sha1, scenario,
whether HEAD's tree still holds it; never the key) is kept beside the repository.

Timed in one run, alternating, --reps times each, every run one process spawned and reaped with
os.wait4 by a small launcher (wall; CPU = user+system of the process and every child it waited
for, git included; peak RSS = ru_maxrss, the largest single process of that tree, with the
launcher's ~8 MB as floor), in an empty working directory:
- `keylint scan REPO --history --format json --output FILE`
- `gitleaks git --no-banner --report-format json --report-path FILE REPO` (exit 1 = leaks found)
- the last 10 commits: `keylint scan REPO --commits HEAD~10..HEAD` and
  `gitleaks git --log-opts HEAD~10..HEAD` (--range-reps times each).
Findings are compared as sets of distinct secrets: sha1(gitleaks "Secret") against keylint's
"hashed_secret"; only masked secrets (first 4 characters) are printed. It also measures what
each approach reads: bytes of the unique blobs reachable from all refs (what a whole-blob scan
reads) against bytes of the added lines of every patch in `git log --all -p` (what gitleaks
scans). Not a test: never run by CI.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from speed_bench import child_env, find_gitleaks, find_keylint, keylint_engine, tool_version  # noqa: E402

from tests.fakes import assignment, fake_key  # noqa: E402

DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "keylint-history-bench"
BUILDER_VERSION = 2  # bump when the generated history changes: old caches are then not reused
RANGE = "HEAD~10..HEAD"
# Rules whose fake keys both tools detect and extract whole (sha1 of gitleaks' Secret equals
# keylint's hashed_secret), so that a difference in the sets is a difference in what was read.
RULES = ("openai-project-key", "anthropic-api-key", "github-token", "aws-access-key-id",
         "stripe-secret-key", "slack-bot-token", "gitlab-pat", "sendgrid-api-key",
         "npm-access-token", "huggingface-user-token", "digitalocean-token", "shopify-token",
         "databricks-pat", "google-api-key", "pypi-api-token", "github-fine-grained-pat")
AUTHORS = ("Ada Byron", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov",
           "Ken Thompson", "Margaret Hamilton", "Donald Knuth", "Frances Allen", "John Backus",
           "Radia Perlman", "Niklaus Wirth")
WORDS = ("cache", "retry", "config", "parser", "handler", "buffer", "timeout", "logging", "index",
         "schema", "token", "session", "encoder", "limit", "worker", "queue", "metrics", "path")
T0 = 1_420_070_400  # 2015-01-01 UTC: the first commit


def masked(secret: str) -> str:
    """What the report may show of a secret: its first 4 characters."""
    return secret[:4] + "..."


def sha1(secret: str) -> str:
    """The hash keylint reports (`hashed_secret`)."""
    return hashlib.sha1(secret.encode()).hexdigest()


# ------------------------------------------------------------------------------ corpus
def load_corpus(corpus: Path | None) -> tuple[Path, list[tuple[str, Path]], str]:
    """(source dir, [(path in the repository, file)], digest of the file list)."""
    if corpus is None:
        src = Path(sysconfig.get_paths()["stdlib"])
        suffix = ".py"
        skip_dirs = {"__pycache__", "site-packages", ".git"}
    else:
        src = corpus.resolve()
        if not src.is_dir():
            sys.exit(f"history_bench: {corpus}: not a directory")
        suffix = ""
        skip_dirs = {"__pycache__", ".git", ".hg", ".svn", "node_modules"}
    files: list[tuple[str, Path]] = []
    listing = hashlib.sha1(str(src).encode())
    for root, dirs, names in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d not in skip_dirs
                         and not os.path.islink(os.path.join(root, d)))
        for name in sorted(names):
            p = Path(root, name)
            rel = p.relative_to(src).as_posix()
            if (not name.endswith(suffix) or p.is_symlink() or not p.is_file() or "\n" in rel
                    or rel.startswith('"') or not rel.isascii()):
                continue
            size = p.stat().st_size
            if size > 2_000_000:
                continue
            if corpus is not None:
                with open(p, "rb") as f:
                    if b"\0" in f.read(8192):
                        continue
            files.append(("lib/" + rel, p))
            listing.update(f"{rel}\0{size}\n".encode())
    if not files:
        sys.exit(f"history_bench: no usable files under {src}")
    return src, files, listing.hexdigest()[:10]


# ------------------------------------------------------------------------------ building
class Pool:
    """A set with O(1) add, remove and random choice."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.where: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item: object) -> bool:
        return item in self.where

    def add(self, item: str) -> None:
        if item not in self.where:
            self.where[item] = len(self.items)
            self.items.append(item)

    def discard(self, item: str) -> None:
        i = self.where.pop(item, None)
        if i is None:
            return
        last = self.items.pop()
        if i < len(self.items):
            self.items[i] = last
            self.where[last] = i

    def choice(self, rng: random.Random) -> str:
        return self.items[rng.randrange(len(self.items))]


@dataclass
class Branch:
    """A branch as fast-import builds it: tree state (path -> (blob mark, bytes)) and tip."""

    ref: str
    state: dict[str, tuple[int, bytes]]
    tip: int | None = None
    new: bool = True  # its first commit needs `from`
    base: int | None = None


@dataclass
class Planted:
    """One planted key: never the key itself, only what the report may say about it."""

    rule: str
    sha1: str
    masked: str
    scenario: str
    path: str
    commit_index: int
    at_tip: bool = False


@dataclass
class Event:
    """Something the history does at (or after) a commit index on main."""

    at: int
    order: int
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


class Builder:
    """Writes a `git fast-import` stream of a realistic history, keeping the ground truth."""

    def __init__(self, out: IO[bytes], files: list[tuple[str, Path]], commits: int, seed: int):
        self.out = out
        self.rng = random.Random(f"history-bench:{seed}")
        self.seed = seed
        self.target = commits
        self.corpus = list(files)
        self.rng.shuffle(self.corpus)
        self.corpus_paths = {p for p, _ in files}
        self.next_file = 0
        self.mark = 0
        self.total = 0  # commits written
        self.time = T0
        self.main = Branch("refs/heads/main", {})
        self.editable = Pool()  # files random changes may touch (present on main, not locked)
        self.hot = Pool()  # the fifth of them that takes most edits
        self.is_hot: dict[str, bool] = {}
        self.locked: set[str] = set()
        self.events: list[Event] = []
        self.event_order = 0
        self.truth: list[Planted] = []
        self.keys: dict[str, str] = {}  # sha1 -> key, in memory only (tip check)
        self.key_seed = seed * 1000
        self.merges = 0
        self.branches = 0
        self.renames = 0
        self.deletes = 0
        self.unmerged_refs: list[str] = []

    # -- stream primitives
    def _w(self, data: bytes) -> None:
        self.out.write(data)

    def blob(self, content: bytes) -> int:
        self.mark += 1
        self._w(b"blob\nmark :%d\ndata %d\n" % (self.mark, len(content)) + content + b"\n")
        return self.mark

    def commit(self, branch: Branch, message: str, changes: list[tuple[str, str, bytes]],
               merge: Branch | None = None) -> int:
        """changes: ("M", path, content) or ("D", path, b""); applied to branch.state."""
        lines: list[bytes] = []
        for op, path, content in changes:
            if op == "M":
                old = branch.state.get(path)
                if old is not None and old[1] == content:
                    continue
                mk = self.blob(content)
                branch.state[path] = (mk, content)
                lines.append(b"M 100644 :%d %s\n" % (mk, path.encode()))
            elif path in branch.state:
                del branch.state[path]
                lines.append(b"D %s\n" % path.encode())
        self.mark += 1
        self.time += self.rng.randint(120, 20_000)
        who = AUTHORS[self.rng.randrange(len(AUTHORS))]
        ident = f"{who} <{who.split()[0].lower()}@example.invalid> {self.time} +0000".encode()
        msg = message.encode() + b"\n"
        head = b"commit %s\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s" % (
            branch.ref.encode(), self.mark, ident, ident, len(msg), msg)
        if branch.new and branch.base is not None:
            head += b"from :%d\n" % branch.base
        if merge is not None and merge.tip is not None:
            head += b"merge :%d\n" % merge.tip
        self._w(head + b"".join(lines) + b"\n")
        branch.new = False
        branch.tip = self.mark
        self.total += 1
        return self.mark

    # -- file bookkeeping
    def _present(self, path: str, hot: bool | None = None) -> None:
        if hot is None:
            hot = self.rng.random() < 0.2
        self.is_hot[path] = hot
        if path not in self.locked:
            self.editable.add(path)
            if hot:
                self.hot.add(path)

    def _gone(self, path: str) -> None:
        self.editable.discard(path)
        self.hot.discard(path)
        self.is_hot.pop(path, None)

    def lock(self, path: str) -> None:
        self.locked.add(path)
        self.editable.discard(path)
        self.hot.discard(path)

    def unlock(self, path: str) -> None:
        self.locked.discard(path)
        if path in self.main.state:
            self.editable.add(path)
            if self.is_hot.get(path):
                self.hot.add(path)

    def pick_editable(self) -> str | None:
        if self.hot and self.rng.random() < 0.8:
            return self.hot.choice(self.rng)
        return self.editable.choice(self.rng) if self.editable else None

    def fresh_path(self, stem: str) -> str:
        while True:
            p = f"{stem}_{self.rng.randrange(10_000)}.py"
            if p not in self.main.state and p not in self.corpus_paths:
                return p

    # -- content changes
    def tweak(self, content: bytes) -> bytes:
        """A few lines changed, inserted or deleted at one place."""
        rng = self.rng
        lines = content.splitlines(keepends=True)
        tag = self.total
        if len(lines) < 8:
            return content + b"# %s %d\n" % (rng.choice(WORDS).encode(), tag)
        p = rng.randrange(len(lines))
        k = rng.randint(1, 3)
        r = rng.random()
        if r < 0.45:
            for j in range(p, min(len(lines), p + k)):
                body = lines[j].rstrip(b"\r\n")
                digits = [i for i, c in enumerate(body) if 48 <= c <= 57]
                if digits:
                    i = rng.choice(digits)
                    body = body[:i] + str((body[i] - 47) % 10).encode() + body[i + 1:]
                else:
                    body += b"  # %s %d" % (rng.choice(WORDS).encode(), tag)
                lines[j] = body + b"\n"
        elif r < 0.8:
            ref = lines[p]
            indent = ref[: len(ref) - len(ref.lstrip(b" \t"))].rstrip(b"\r\n")
            new = [b"%s# %s %s (%d)\n" % (indent, rng.choice(WORDS).encode(),
                                           rng.choice(WORDS).encode(), tag) for _ in range(k)]
            lines[p:p] = new
        else:
            del lines[p:p + k]
        out = b"".join(lines)
        return out if out != content else content + b"# %d\n" % tag

    def insert_line(self, content: bytes, line: bytes) -> bytes:
        """line put before a top-level def or class (else at the end)."""
        lines = content.splitlines(keepends=True)
        spots = [i for i, s in enumerate(lines) if s.startswith((b"def ", b"class "))]
        if lines and not lines[-1].endswith(b"\n"):
            lines[-1] += b"\n"
        i = self.rng.choice(spots) if spots else len(lines)
        lines[i:i] = [line, b"\n"]
        return b"".join(lines)

    # -- keys
    def new_key(self, rule: str | None = None) -> tuple[str, str]:
        rule = rule or RULES[len(self.truth) % len(RULES)]
        self.key_seed += 1
        return rule, fake_key(rule, self.key_seed)

    def plant(self, rule: str, key: str, scenario: str, path: str) -> bytes:
        """Record a planted key; the line that assigns it."""
        h = sha1(key)
        self.keys[h] = key
        self.truth.append(Planted(rule, h, masked(key), scenario, path, self.total))
        return (assignment(rule, key) + "\n").encode()

    def settings_module(self, name: str, key_line: bytes, extra: int = 12) -> bytes:
        rng = self.rng
        body = [f'"""Settings for {name}."""\n', "import os\n", "\n"]
        for _ in range(extra):
            w = rng.choice(WORDS).upper()
            body.append(f"{w}_{rng.choice(WORDS).upper()} = {rng.randrange(1, 5000)}\n")
        body.append('ENDPOINT = os.environ.get("ENDPOINT", "https://api.example.invalid")\n')
        return "".join(body).encode() + key_line

    # -- scheduling
    def at(self, frac_or_index: float, kind: str, **data: Any) -> None:
        at = (int(frac_or_index * self.target) if isinstance(frac_or_index, float)
              else frac_or_index)
        self.event_order += 1
        self.events.append(Event(min(at, self.target - 2), self.event_order, kind, data))

    def due(self) -> list[Event]:
        last = self.total >= self.target - 1
        now = [e for e in self.events if e.at <= self.total or last]
        if now:
            self.events = [e for e in self.events if not (e.at <= self.total or last)]
        return sorted(now, key=lambda e: (e.at, e.order))

    def schedule(self) -> None:
        """The planted scenarios, at fractions of the history (so small runs hold them all)."""
        for f in (0.10, 0.30, 0.55, 0.80):
            self.at(f, "key-file-then-delete")
        for f in (0.15, 0.45, 0.70):
            self.at(f, "key-line-then-remove")
        for f in (0.40, 0.75, 0.97):
            self.at(f, "key-line-stays")
        self.at(0.20, "rotated-add")
        self.at(0.05, "long-lived-add")
        self.at(0.25, "renamed-add", then_rename=0.50, then_delete=None, stem="tools/ci_token")
        self.at(0.35, "renamed-add", then_rename=0.40, then_delete=0.65, stem="tools/old_token")

    # -- scenario events (each adds changes to the main commit being made)
    def run_event(self, ev: Event, changes: list[tuple[str, str, bytes]], notes: list[str]) -> None:
        st = self.main.state
        d = ev.data
        if ev.kind == "key-file-then-delete":
            rule, key = self.new_key()
            path = self.fresh_path("config/local_settings")
            changes.append(("M", path, self.settings_module("local runs",
                                                           self.plant(rule, key, "file added, "
                                                                      "later deleted", path))))
            self.lock(path)
            self.at(self.total + self.rng.randint(max(2, self.target // 400), self.target // 50 + 3),
                    "delete", path=path)
            notes.append(f"add {path}")
        elif ev.kind == "delete":
            changes.append(("D", d["path"], b""))
            self.locked.discard(d["path"])
            notes.append(f"remove {d['path']}")
        elif ev.kind == "key-line-then-remove":
            picked = self.pick_editable()
            if picked is None:
                return
            path = picked
            rule, key = self.new_key()
            line = self.plant(rule, key, "line added, later removed", path)
            changes.append(("M", path, self.insert_line(st[path][1], line)))
            self.lock(path)
            self.at(self.total + self.rng.randint(2, self.target // 100 + 3), "remove-line",
                    path=path, line=line)
            notes.append(f"configure {path}")
        elif ev.kind == "remove-line":
            content = self._pending(changes, d["path"])
            changes.append(("M", d["path"], content.replace(d["line"] + b"\n", b"", 1)
                            .replace(d["line"], b"", 1)))
            self.unlock(d["path"])
            notes.append(f"clean up {d['path']}")
        elif ev.kind == "key-line-stays":
            picked = self.pick_editable()
            if picked is None:
                return
            path = picked
            rule, key = self.new_key()
            line = self.plant(rule, key, "line added, still at tip", path)
            changes.append(("M", path, self.insert_line(st[path][1], line)))
            self.lock(path)
            notes.append(f"configure {path}")
        elif ev.kind == "rotated-add":
            rule, key = self.new_key()
            path = "deploy/secrets.py"
            line = self.plant(rule, key, "rotated away (old key)", path)
            changes.append(("M", path, self.settings_module("deployment", line)))
            self.lock(path)
            self.at(0.60, "rotate", path=path, rule=rule, old=key)
            notes.append(f"add {path}")
        elif ev.kind == "rotate":
            _, key = self.new_key(d["rule"])
            self.plant(d["rule"], key, "rotated in (new key), at tip", d["path"])
            content = self._pending(changes, d["path"])
            changes.append(("M", d["path"], content.replace(d["old"].encode(), key.encode())))
            notes.append(f"rotate the key in {d['path']}")
        elif ev.kind == "long-lived-add":
            rule, key = self.new_key()
            path = "app/credentials.py"
            line = self.plant(rule, key, "carried by a file edited in 60+ later commits", path)
            changes.append(("M", path, self.settings_module("the app", line, extra=30)))
            self.lock(path)
            n = 64
            start, end = self.total + 2, int(0.95 * self.target)
            for i in range(n):
                self.at(start + (end - start) * i // n, "long-lived-edit", path=path, line=line)
            notes.append(f"add {path}")
        elif ev.kind == "long-lived-edit":
            content = self._pending(changes, d["path"])
            head, sep, tail = content.partition(d["line"])
            # Edit the settings above the key line, never the key.
            changes.append(("M", d["path"], self.tweak(head) + sep + tail))
            notes.append(f"tune {d['path']}")
        elif ev.kind == "renamed-add":
            rule, key = self.new_key()
            path = self.fresh_path(d["stem"])
            scenario = ("moved by a rename, still at tip" if d["then_delete"] is None
                        else "moved by a rename, later deleted")
            changes.append(("M", path, self.settings_module("CI", self.plant(rule, key, scenario,
                                                                             path))))
            self.lock(path)
            self.at(d["then_rename"], "rename-locked", path=path, then_delete=d["then_delete"])
            notes.append(f"add {path}")
        elif ev.kind == "rename-locked":
            old = d["path"]
            new = self.fresh_path("scripts/ci/" + Path(old).stem)
            content = self._pending(changes, old)
            changes.extend([("D", old, b""), ("M", new, content)])
            self.locked.discard(old)
            self.lock(new)
            self.renames += 1
            if d["then_delete"] is not None:
                self.at(d["then_delete"], "delete", path=new)
            notes.append(f"move {old} to {new}")

    def _pending(self, changes: list[tuple[str, str, bytes]], path: str) -> bytes:
        """The content of path as this commit's changes so far leave it."""
        for op, p, content in reversed(changes):
            if p == path:
                return content if op == "M" else b""
        return self.main.state[path][1]

    # -- ordinary commits
    def regular_changes(self, changes: list[tuple[str, str, bytes]], notes: list[str]) -> None:
        rng = self.rng
        # Files arrive over the first 70% of the history (10% in the first commit).
        n = len(self.corpus)
        want = min(n, int(n * 0.1) + int(n * 0.9 * min(1.0, (self.total + 1) / (0.7 * self.target))))
        while self.next_file < want:
            path, src = self.corpus[self.next_file]
            self.next_file += 1
            changes.append(("M", path, src.read_bytes()))
            self._present(path)
            if len(notes) < 3:
                notes.append(f"add {path}")
        if self.total == 0:
            return
        r = rng.random()
        if r < 0.012 and len(self.editable) > 50:  # rename (sometimes with an edit)
            old = self.editable.choice(rng)
            stem = Path(old)
            new = f"{stem.parent.as_posix()}/{stem.stem}_{rng.choice(WORDS)}{stem.suffix}"
            if new not in self.main.state and new not in self.corpus_paths:
                content = self._pending(changes, old)
                if rng.random() < 0.3:
                    content = self.tweak(content)
                hot = self.is_hot.get(old)
                changes.extend([("D", old, b""), ("M", new, content)])
                self._gone(old)
                self._present(new, hot)
                self.renames += 1
                notes.append(f"rename {old} to {new}")
                return
        if r > 0.995 and len(self.editable) > 50:  # delete
            old = self.editable.choice(rng)
            changes.append(("D", old, b""))
            self._gone(old)
            self.deletes += 1
            notes.append(f"remove {old}")
            return
        k = 1 if rng.random() < 0.75 else rng.randint(2, 3)
        for _ in range(k):
            picked = self.pick_editable()
            if picked is None:
                break
            changes.append(("M", picked, self.tweak(self._pending(changes, picked))))
            notes.append(f"{rng.choice(('fix', 'update', 'tidy', 'speed up'))} {picked}")

    def main_commit(self) -> None:
        changes: list[tuple[str, str, bytes]] = []
        notes: list[str] = []
        for ev in self.due():
            self.run_event(ev, changes, notes)
        self.regular_changes(changes, notes)
        if not changes:
            path = self.pick_editable()
            if path:
                changes.append(("M", path, self.tweak(self.main.state[path][1])))
        self.commit(self.main, "; ".join(notes[:3]) or "Initial import", changes)

    # -- branches
    def episode(self, merged: bool, evil: bool = False, key_on_branch: bool = False) -> None:
        """A topic branch forks from main, gets commits while main moves on, and (merged) merges back."""
        rng = self.rng
        self.branches += 1
        slug = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}"
        name = f"feature/{self.branches:03d}-{slug}" if merged else f"experiment/{slug}"
        br = Branch(f"refs/heads/{name}", dict(self.main.state), base=self.main.tip)
        owned = []
        for _ in range(rng.randint(2, 5)):
            p = self.pick_editable()
            if p is not None and p not in owned:
                owned.append(p)
                self.lock(p)
        added: list[str] = []
        todo = rng.randint(3, 10)
        budget = self.target - self.total - (2 if merged else 1)
        while todo > 0 and budget > 0:
            if rng.random() < 0.5 or not owned:
                self.main_commit()
            else:
                changes: list[tuple[str, str, bytes]] = []
                if key_on_branch and not added:
                    rule, key = self.new_key()
                    path = self.fresh_path(f"{name.split('/')[0]}/{slug.replace('-', '_')}")
                    scenario = ("added on a branch merged later, at tip" if merged
                                else "only on a branch never merged")
                    line = self.plant(rule, key, scenario, path)
                    changes.append(("M", path, self.settings_module(slug, line)))
                    added.append(path)
                else:
                    p = rng.choice(owned)
                    changes.append(("M", p, self.tweak(br.state[p][1])))
                self.commit(br, f"{slug}: work on {changes[0][1]}", changes)
                todo -= 1
            budget = self.target - self.total - (2 if merged else 1)
        if br.tip is None:  # no branch commit happened
            for p in owned:
                self.unlock(p)
            return
        if not merged:
            self.unmerged_refs.append(br.ref)
            for p in owned:
                self.unlock(p)
            return
        changes = [("M", p, br.state[p][1]) for p in [*owned, *added]
                   if br.state[p][1] != self.main.state.get(p, (0, b""))[1]]
        msg = f"Merge branch '{name}'"
        if evil and owned:
            # The resolution adds a line that neither parent has.
            p = owned[0]
            rule, key = self.new_key()
            line = self.plant(rule, key, "added by a merge commit's resolution (evil merge)", p)
            changes = [c for c in changes if c[1] != p]
            changes.append(("M", p, self.insert_line(br.state[p][1], line)))
            msg += " (resolve conflicts)"
            self.commit(self.main, msg, changes, merge=br)
            self.merges += 1
            for q in owned[1:]:
                self.unlock(q)  # p keeps its key: stays locked
            return
        self.commit(self.main, msg, changes, merge=br)
        self.merges += 1
        for p in owned:
            self.unlock(p)
        for p in added:
            self.lock(p)  # the key file: nothing random touches it

    def build(self) -> None:
        """Write the whole stream."""
        self.schedule()
        n_eps = max(4, self.target // 1000)
        starts = sorted({int(self.target * (0.08 + 0.86 * i / n_eps)) for i in range(n_eps)})
        q = len(starts) // 4
        special = {starts[q]: "key", starts[2 * q]: "unmerged", starts[3 * q]: "evil"}
        while self.total < self.target:
            if starts and self.total >= starts[0] and self.total < self.target - 20:
                kind = special.get(starts.pop(0), "")
                if kind == "unmerged":
                    self.episode(merged=False, key_on_branch=True)
                self.episode(merged=True, evil=kind == "evil", key_on_branch=kind == "key")
            else:
                self.main_commit()
        self._w(b"done\n")
        for p in self.truth:
            p.at_tip = any(self.keys[p.sha1].encode() in c for _m, c in self.main.state.values())


def _git(repo: Path, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, text=True,
                          capture_output=True, **kw)


def build_repo(dest: Path, files: list[tuple[str, Path]], commits: int, seed: int,
               repack: bool) -> dict[str, Any]:
    """The synthetic repository at dest (built in dest.tmp, then renamed); its ground truth."""
    tmp = dest.with_name(dest.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    _git(tmp, "init", "-q", "-b", "main")
    _git(tmp, "config", "gc.auto", "0")
    started = time.perf_counter()
    with open(tmp.parent / (tmp.name + ".fast-import.err"), "wb") as err:
        proc = subprocess.Popen(["git", "-C", str(tmp), "fast-import", "--quiet", "--done"],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
        assert proc.stdin is not None
        b = Builder(proc.stdin, files, commits, seed)
        try:
            b.build()
        finally:
            proc.stdin.close()
        rc = proc.wait()
    if rc != 0:
        sys.exit(f"history_bench: git fast-import exited {rc}: see {err.name}")
    imported = time.perf_counter() - started
    _git(tmp, "symbolic-ref", "HEAD", "refs/heads/main")
    _git(tmp, "reset", "-q", "--hard")
    if repack:
        print("  repacking with deltas (git repack -adf) ...", file=sys.stderr, flush=True)
        _git(tmp, "repack", "-a", "-d", "-f", "-q")
        _git(tmp, "pack-refs", "--all")
    built = time.perf_counter() - started
    if dest.exists():
        shutil.rmtree(dest)
    tmp.rename(dest)
    Path(err.name).unlink(missing_ok=True)
    return {
        "commits": commits, "seed": seed, "files_in_corpus": len(files),
        "merges": b.merges, "branches": b.branches, "renames": b.renames, "deletes": b.deletes,
        "unmerged_refs": b.unmerged_refs, "import_seconds": round(imported, 1),
        "build_seconds": round(built, 1), "repacked": repack,
        "truth": [asdict(p) for p in b.truth],
    }


def synthetic_repo(args: argparse.Namespace) -> tuple[Path, dict[str, Any]]:
    """The cached repository for these parameters, built when missing."""
    src, files, digest = load_corpus(args.corpus)
    name = (f"synthetic-c{args.commits}-s{args.seed}-{digest}-v{BUILDER_VERSION}"
            + ("" if args.repack else "-norepack"))
    workdir = args.workdir.resolve()
    try:
        workdir.relative_to(ROOT)
        sys.exit(f"history_bench: --workdir {workdir} is inside this checkout; use one outside it")
    except ValueError:
        pass
    repo, meta_path = workdir / name, workdir / f"{name}.json"
    if not args.rebuild and meta_path.is_file() and (repo / ".git").is_dir():
        meta = json.loads(meta_path.read_text())
        meta["cached"] = True
        return repo, meta
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"building {repo} ({args.commits:,} commits from {len(files):,} files of {src}) ...",
          file=sys.stderr, flush=True)
    meta = build_repo(repo, files, args.commits, args.seed, args.repack)
    meta["corpus"] = str(src)
    meta_path.write_text(json.dumps(meta, indent=1) + "\n")
    meta["cached"] = False
    return repo, meta


# ------------------------------------------------------------------------------ what is read
def repo_facts(repo: Path) -> dict[str, Any]:
    """Commit, merge, ref and HEAD-file counts; pack size."""
    def count(*a: str) -> int:
        return int(_git(repo, "rev-list", "--count", *a).stdout.strip())

    git_dir = Path(_git(repo, "rev-parse", "--absolute-git-dir").stdout.strip())
    packs = sum(p.stat().st_size for p in (git_dir / "objects" / "pack").glob("*.pack"))
    return {
        "commits": count("--all"), "merges": count("--all", "--merges"),
        "refs": len(_git(repo, "for-each-ref", "--format=%(refname)").stdout.split()),
        "head_files": len(_git(repo, "ls-tree", "-r", "--name-only", "HEAD").stdout.splitlines()),
        "pack_bytes": packs,
    }


def blob_bytes(repo: Path) -> dict[str, int]:
    """Unique blobs: all in the object store, and those reachable from all refs (count, bytes)."""
    out = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch-all-objects",
                          "--batch-check=%(objectname) %(objecttype) %(objectsize)"],
                         check=True, capture_output=True).stdout
    sizes: dict[bytes, int] = {}
    for line in out.splitlines():
        oid, kind, size = line.split()
        if kind == b"blob":
            sizes[oid] = int(size)
    # --missing=allow-any: a mirror or partial clone may lack some blobs (keylint names them)
    listed = subprocess.run(["git", "-C", str(repo), "rev-list", "--objects", "--all",
                             "--missing=allow-any"], check=True, capture_output=True).stdout
    reachable = {line.split(b" ", 1)[0] for line in listed.splitlines()}
    reach = [s for oid, s in sizes.items() if oid in reachable]
    return {"all_blobs": len(sizes), "all_blob_bytes": sum(sizes.values()),
            "blobs": len(reach), "blob_bytes": sum(reach),
            "git_log_raw_cpu": _git_cpu(repo, ["log", "--all", "--raw", "-c", "--no-renames",
                                               "--no-abbrev", "-z", "--format=%H"]),
            "git_cat_file_cpu": _git_cpu(repo, ["cat-file", "--batch"], b"".join(
                oid + b"\n" for oid in sizes if oid in reachable)),
            "git_cat_file_log_order_cpu": _git_cpu(repo, ["cat-file", "--batch"], b"".join(
                oid + b"\n" for oid in _blobs_in_log_order(repo)))}


def _blobs_in_log_order(repo: Path) -> list[bytes]:
    """Every blob the commits introduce, oldest commit first, once: the order keylint's history
    scan asks `git cat-file` for them in (a version right after the one it replaced, which
    git's delta base cache favours; object-id order defeats it)."""
    out = subprocess.run(["git", "-C", str(repo), "log", "--all", "--reverse", "--raw", "-c",
                          "--no-renames", "--no-abbrev", "--format="],
                         check=True, capture_output=True).stdout
    seen: dict[bytes, None] = {}
    for line in out.splitlines():
        if line.startswith(b":"):
            new = line.split(b"\t", 1)[0].split()[-2]  # the last id: the version introduced
            if new.strip(b"0"):
                seen.setdefault(new, None)
    return list(seen)


def _git_cpu(repo: Path, args: list[str], stdin: bytes = b"") -> float:
    """CPU seconds (user + system) of one git command, its output discarded: the floor that
    keylint's history scan pays to git whatever it does itself."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["git", "-C", str(repo), *args], input=stdin, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def patch_bytes(repo: Path) -> dict[str, int]:
    """Lines added by every patch of `git log --all -p` (merges show none), and the whole output."""
    proc = subprocess.Popen(["git", "-C", str(repo), "log", "--all", "-p", "--no-color",
                             "--no-ext-diff", "--format=commit %H"], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    added = added_lines = total = 0
    in_hunk = False
    for line in proc.stdout:
        total += len(line)
        if line.startswith(b"diff --git ") or line.startswith(b"commit "):
            in_hunk = False
        elif line.startswith(b"@@"):
            in_hunk = True
        elif in_hunk and line.startswith(b"+"):
            added += len(line) - 1
            added_lines += 1
    # A mirror missing blobs stops git log -p (as it stops gitleaks' own): counted up to there.
    complete = int(proc.wait() == 0)
    return {"added_lines": added_lines, "added_bytes": added, "log_bytes": total,
            "complete": complete}


# ------------------------------------------------------------------------------ timing
@dataclass
class Sample:
    """One timed run."""

    wall: float
    cpu: float
    maxrss_mb: float
    returncode: int


@dataclass
class Job:
    """One command, timed several times."""

    name: str
    cmd: list[str]
    report: Path
    reps: int
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None
    stderr_tail: str = ""

    def median(self, attr: str) -> float:
        return float(statistics.median(float(getattr(s, attr)) for s in self.samples))


# Each run is started by this small launcher (python -I -S, about 8 MB), which spawns the tool,
# reaps it with os.wait4 and writes what it measured. Reaping the tool straight from this process
# would not do: a child's ru_maxrss starts from the peak RSS of the process it was forked from
# (Linux keeps the old address space's high-water mark across exec), and this one holds the
# built history and the measurements.
LAUNCHER = """
import os, sys, time
t = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t
with open(sys.argv[1], "w") as f:
    f.write(f"{wall} {ru.ru_utime + ru.ru_stime} {ru.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_timed(job: Job, cwd: Path, scratch: Path, env: dict[str, str]) -> Sample | None:
    """Run the job's command once through LAUNCHER; None (and job.error) when it failed."""
    job.report.unlink(missing_ok=True)
    err_path = scratch / f"{job.name.replace(' ', '_')}.stderr"
    measured = scratch / "measured"
    measured.unlink(missing_ok=True)
    with open(scratch / "stdout", "wb") as out, open(err_path, "wb") as err:
        subprocess.run([sys.executable, "-I", "-S", "-c", LAUNCHER, str(measured), *job.cmd],
                       cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                       check=False)
    job.stderr_tail = err_path.read_text(errors="replace").strip()[-2000:]
    tail = " | ".join(job.stderr_tail.splitlines()[-3:])[:400]
    if not measured.is_file():
        job.error = f"could not run: {tail}"
        return None
    wall, cpu, rss_kb, rc = measured.read_text().split()
    # 2 with a report: keylint scanned and reported, and says what it could not read (blobs
    # missing from a mirror, for instance): timed, the message kept in stderr_tail.
    if int(rc) not in (0, 1, 2) or not job.report.is_file():
        job.error = f"exited {rc}: {tail}" + ("" if job.report.is_file() else " (no report)")
        return None
    rss_mb = float(rss_kb) / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Sample(float(wall), float(cpu), rss_mb, int(rc))


def run_interleaved(jobs: Sequence[Job], cwd: Path, scratch: Path, env: dict[str, str],
                    keep: dict[str, Path]) -> None:
    """Every job once per round, in order, until each has its reps; the first report is kept."""
    for rep in range(max(j.reps for j in jobs)):
        for job in jobs:
            if rep >= job.reps or job.error:
                continue
            s = run_timed(job, cwd, scratch, env)
            if s is None:
                print(f"  {job.name:<32} FAILED {job.error}", file=sys.stderr, flush=True)
                continue
            job.samples.append(s)
            if job.name not in keep:
                keep[job.name] = scratch / f"kept-{len(keep)}.json"
                shutil.copyfile(job.report, keep[job.name])
            print(f"  {job.name:<32} rep {rep + 1}/{job.reps}: {s.wall:8.2f} s wall "
                  f"{s.cpu:8.2f} s CPU {s.maxrss_mb:6.0f} MB", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ findings
@dataclass
class Found:
    """The distinct secrets one tool reported: sha1 -> (rule, path, commit, masked), records."""

    secrets: dict[str, tuple[str, str, str, str]]
    records: int
    counts: dict[str, int] = field(default_factory=dict)  # sha1 -> records
    history: dict[str, dict[str, Any]] = field(default_factory=dict)  # keylint's "history"


def read_gitleaks(report: Path) -> Found:
    doc = json.loads(report.read_text() or "[]")
    found = Found({}, len(doc))
    for r in doc:
        secret = r.get("Secret", "")
        h = sha1(secret)
        found.secrets.setdefault(h, (r.get("RuleID", "?"), r.get("File", "?"),
                                     r.get("Commit", "")[:10], masked(secret)))
        found.counts[h] = found.counts.get(h, 0) + 1
    return found


def read_keylint(report: Path, repo: Path, cwd: Path) -> tuple[Found, dict[str, Any]]:
    doc = json.loads(report.read_text())
    found = Found({}, len(doc.get("results", [])))
    for r in doc.get("results", []):
        hist = r.get("history") or {}
        path = str(r.get("path", "?"))
        rel = os.path.relpath(os.path.join(cwd, path), repo)
        h = r["hashed_secret"]
        found.secrets.setdefault(h, (r.get("rule_id", "?"), path if rel.startswith("..") else rel,
                                     str(hist.get("commit", ""))[:10],
                                     masked(str(r.get("masked", "")))))
        found.counts[h] = found.counts.get(h, 0) + 1
        found.history.setdefault(h, hist)
    return found, doc.get("stats", {})


def gitleaks_scanned(stderr: str) -> str:
    """gitleaks' own summary lines ('N commits scanned', 'scanned ~X bytes ...')."""
    stderr = re.sub(r"\x1b\[[0-9;]*m", "", stderr)
    keep = [ln.split(" ", 2)[-1].strip() for ln in stderr.splitlines()
            if "scanned" in ln and ("commits" in ln or "bytes" in ln)]
    return "; ".join(keep)


# ------------------------------------------------------------------------------ report
def source_state() -> str:
    """This checkout's commit, and whether keylint/ has uncommitted changes (what ran)."""
    try:
        head = _git(ROOT, "rev-parse", "--short", "HEAD").stdout.strip()
        dirty = _git(ROOT, "status", "--porcelain", "--", "keylint").stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f"`{ROOT}` at {head}" + (", with uncommitted changes under keylint/" if dirty else "")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def timing_table(jobs: Sequence[Job], found: dict[str, Found]) -> str:
    rows = ["| run | wall median (s) | wall min (s) | CPU median (s) | peak RSS (MB) | runs "
            "| findings (records / distinct secrets) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for j in jobs:
        f = found.get(j.name)
        fs = f"{f.records:,} / {len(f.secrets):,}" if f else "-"
        if not j.samples:
            rows.append(f"| {j.name} | failed: {j.error} | | | | 0 | - |")
            continue
        rows.append(f"| {j.name} | {j.median('wall'):.2f} | {min(s.wall for s in j.samples):.2f} "
                    f"| {j.median('cpu'):.2f} | {max(s.maxrss_mb for s in j.samples):.0f} "
                    f"| {len(j.samples)} | {fs} |")
    return "\n".join(rows)


def ratio_line(kl: Job, gl: Job, what: str) -> str:
    if not (kl.samples and gl.samples):
        return f"{what}: no ratio (a run failed)."
    return (f"{what}: gitleaks / keylint = {gl.median('wall') / kl.median('wall'):.2f}x wall, "
            f"{gl.median('cpu') / kl.median('cpu'):.2f}x CPU; peak RSS keylint "
            f"{max(s.maxrss_mb for s in kl.samples):.0f} MB, gitleaks "
            f"{max(s.maxrss_mb for s in gl.samples):.0f} MB.")


def diff_lines(only: dict[str, tuple[str, str, str, str]], truth: dict[str, dict[str, Any]]) -> list[str]:
    out = []
    for h, (rule, path, commit, shown) in sorted(only.items(), key=lambda kv: kv[1][:2]):
        planted = truth.get(h)
        why = f" [planted: {planted['scenario']}]" if planted else ""
        out.append(f"- {rule} `{path}` @{commit or '?'} `{shown}`{why}")
    return out or ["- (none)"]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="history_bench.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--commits", type=int, default=20_000,
                    help="commits in the synthetic repository (default 20,000)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the synthetic history (default 1)")
    ap.add_argument("--corpus", type=Path, metavar="DIR",
                    help="files to build the history from (default: this Python's stdlib .py files)")
    ap.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                    help=f"where synthetic repositories are cached (default {DEFAULT_WORKDIR})")
    ap.add_argument("--rebuild", action="store_true", help="build the repository even if cached")
    ap.add_argument("--no-repack", dest="repack", action="store_false",
                    help="keep fast-import's pack as is (no delta recompression)")
    ap.add_argument("--repo", type=Path, metavar="PATH",
                    help="an existing repository to scan instead of the synthetic one")
    ap.add_argument("--reps", type=int, default=3, help="runs of each whole-history scan (default 3)")
    ap.add_argument("--range-reps", type=int, default=9,
                    help=f"runs of each {RANGE} scan (default 9; 0 skips them)")
    ap.add_argument("--skip-gitleaks", action="store_true")
    ap.add_argument("--no-pyc-cache", action="store_true",
                    help="run keylint in this shell's environment as is (default: bytecode cached)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write every sample here")
    args = ap.parse_args(argv)
    if args.reps < 1 or args.range_reps < 0:
        ap.error("--reps must be positive, --range-reps not negative")
    if args.repo is None and args.commits < 500:
        ap.error("--commits must be at least 500")

    keylint = find_keylint()
    if keylint is None:
        sys.exit("history_bench: keylint not found (set $KEYLINT_BIN)")
    gitleaks = None if args.skip_gitleaks else find_gitleaks()
    if gitleaks is None and not args.skip_gitleaks:
        print("history_bench: gitleaks not found: skipped", file=sys.stderr)
    versions = {"keylint": tool_version(keylint, "--version").removeprefix("keylint").strip()}
    if gitleaks:
        versions["gitleaks"] = tool_version(gitleaks, "version")
    versions["git"] = tool_version(["git"], "--version").removeprefix("git version").strip()
    engine = keylint_engine(keylint)
    source = source_state()

    started = time.time()
    meta: dict[str, Any] = {}
    if args.repo is not None:
        repo = args.repo.resolve()
        if subprocess.run(["git", "-C", str(repo), "rev-parse", "--git-dir"],
                          capture_output=True).returncode != 0:
            sys.exit(f"history_bench: {args.repo}: not in a git repository")
    else:
        repo, meta = synthetic_repo(args)
    truth = {p["sha1"]: p for p in meta.get("truth", [])}

    print("measuring the repository (blobs, patches) ...", file=sys.stderr, flush=True)
    t = time.perf_counter()
    facts = repo_facts(repo)
    blobs = blob_bytes(repo)
    patches = patch_bytes(repo)
    measure_s = time.perf_counter() - t

    env = child_env(not args.no_pyc_cache)
    load_before = load()
    kept: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="keylint-history-bench-") as tmp:
        neutral, scratch = Path(tmp) / "cwd", Path(tmp) / "out"
        neutral.mkdir()
        scratch.mkdir()
        kl_out, gl_out = scratch / "keylint.json", scratch / "gitleaks.json"
        r = str(repo)
        jobs = [Job("keylint scan --history", [*keylint, "scan", r, "--history", "--format", "json",
                                                "--output", str(kl_out)], kl_out, args.reps)]
        if gitleaks:
            jobs.append(Job("gitleaks git", [*gitleaks, "git", "--no-banner", "--report-format",
                                             "json", "--report-path", str(gl_out), r],
                            gl_out, args.reps))
        range_jobs = [Job(f"keylint scan --commits {RANGE}",
                          [*keylint, "scan", r, "--commits", RANGE, "--format", "json", "--output",
                           str(kl_out)], kl_out, args.range_reps)]
        if gitleaks:
            range_jobs.append(Job(f"gitleaks git --log-opts {RANGE}",
                                  [*gitleaks, "git", "--no-banner", "--log-opts", RANGE,
                                   "--report-format", "json", "--report-path", str(gl_out), r],
                                  gl_out, args.range_reps))
        run_interleaved(jobs, neutral, scratch, env, kept)
        if args.range_reps:
            run_interleaved(range_jobs, neutral, scratch, env, kept)
        else:
            range_jobs = []
        load_after = load()

        found: dict[str, Found] = {}
        kl_stats: dict[str, Any] = {}
        for job in [*jobs, *range_jobs]:
            if job.name in kept:
                if job.name.startswith("keylint"):
                    found[job.name], stats = read_keylint(kept[job.name], repo, neutral)
                    if job is jobs[0]:
                        kl_stats = stats
                else:
                    found[job.name] = read_gitleaks(kept[job.name])
        gl_summary = gitleaks_scanned(jobs[1].stderr_tail) if len(jobs) > 1 else ""

    # ---------------------------------------------------------------- print
    python = os.path.relpath(sys.executable)
    python = sys.executable if python.startswith("..") else python
    cmdline = shlex.join([python, *sys.argv] if argv is None else ["history_bench.py", *argv])
    print(f"### History scan ({time.strftime('%Y-%m-%d %H:%M', time.localtime(started))}, "
          f"{os.cpu_count()} CPUs, {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.system()} {platform.machine()})\n")
    print(f"Command: `{cmdline}`  ")
    print("Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items())
          + f"; keylint regex engine: `{engine}`  ")
    if source:
        print(f"keylint source: {source}  ")
    print(f"Load average (1/5/15 min): {load_before} before the runs, {load_after} after  ")
    if meta:
        how = ("cached" if meta.get("cached") else
               f"built in {meta['build_seconds']} s (fast-import {meta['import_seconds']} s"
               + (", then git repack -adf)" if meta.get("repacked") else ", not repacked)"))
        print(f"Repository: synthetic, seed {meta['seed']}, from {meta.get('files_in_corpus'):,} "
              f"files of `{meta.get('corpus')}`; {how}: `{repo}`  ")
        print(f"History: {meta['branches']} topic branches ({meta['merges']} merged back), "
              f"{meta['renames']} renames, {meta['deletes']} plain deletions, "
              f"{len(truth)} planted keys; refs never merged: {', '.join(meta['unmerged_refs'])}  ")
    else:
        print(f"Repository: `{repo}`  ")
    print(f"{facts['commits']:,} commits ({facts['merges']:,} merges) on {facts['refs']} refs; "
          f"{facts['head_files']:,} files at HEAD; packs {facts['pack_bytes'] / 1e6:.1f} MB\n")

    ratio = blobs["blob_bytes"] / patches["added_bytes"] if patches["added_bytes"] else float("nan")
    print(f"**What each approach reads** (measured in {measure_s:.1f} s):\n")
    print("| | count | MB |\n| --- | ---: | ---: |")
    print(f"| unique blobs reachable from all refs (whole-blob scan) | {blobs['blobs']:,} "
          f"| {blobs['blob_bytes'] / 1e6:.1f} |")
    if blobs["all_blobs"] != blobs["blobs"]:
        print(f"| all blobs in the object store (`cat-file --batch-all-objects`) "
              f"| {blobs['all_blobs']:,} | {blobs['all_blob_bytes'] / 1e6:.1f} |")
    print(f"| added lines in all patches, `git log --all -p` (what gitleaks scans) "
          f"| {patches['added_lines']:,} | {patches['added_bytes'] / 1e6:.1f} |")
    print(f"| whole `git log --all -p` output | | {patches['log_bytes'] / 1e6:.1f} |\n")
    print(f"Whole-blob scanning reads {ratio:.1f}x the bytes of the added lines.\n")
    if not patches["complete"]:
        print("(`git log -p` stopped early on a missing object: the patch figures are partial.)\n")
    print(f"git's own share of a history scan, CPU: `git log --all --raw -c` "
          f"{blobs['git_log_raw_cpu']:.2f} s, `git cat-file --batch` of every reachable blob "
          f"{blobs['git_cat_file_cpu']:.2f} s in object-id order, "
          f"{blobs['git_cat_file_log_order_cpu']:.2f} s in the order the commits introduce "
          "them (as keylint reads them).\n")

    print("**Time** (wall from fork to reap; CPU = user+system of the process and every child it "
          "waited for, git included; peak RSS = largest single process), runs alternating:\n")
    print(timing_table([*jobs, *range_jobs], found))
    print()
    if len(jobs) > 1:
        print(ratio_line(jobs[0], jobs[1], "Whole history") + "  ")
    if len(range_jobs) > 1:
        print(ratio_line(range_jobs[0], range_jobs[1], f"Range {RANGE}") + "  ")
    if kl_stats:
        print(f"keylint stats: `{json.dumps(kl_stats)}`  ")
    if gl_summary:
        print(f"gitleaks says: {gl_summary}  ")
    print()

    kl_found = found.get(jobs[0].name)
    gl_found = found.get("gitleaks git")
    print("**Findings** (distinct secrets: sha1 of gitleaks' `Secret` against keylint's "
          "`hashed_secret`; secrets shown as their first 4 characters):\n")
    for name, f in (("keylint --history", kl_found), ("gitleaks git", gl_found)):
        if f is None:
            print(f"- {name}: no report")
        else:
            print(f"- {name}: {len(f.secrets):,} distinct secrets in {f.records:,} records"
                  + (f"; planted keys found {sum(h in f.secrets for h in truth)}/{len(truth)}"
                     if truth else ""))
    if kl_found and gl_found:
        both = kl_found.secrets.keys() & gl_found.secrets.keys()
        print(f"- found by both: {len(both):,}\n")
    print()
    if truth:
        at_tip = sum(1 for p in truth.values() if p["at_tip"])
        print(f"Planted keys: {len(truth)} ({at_tip} in HEAD's tree, {len(truth) - at_tip} "
              "in history only):\n")
        print("keylint column: found, its `history.commits` (commits that brought a blob holding "
              "the key) and whether its `history.in_head` agrees with the ground truth; gitleaks "
              "column: found, its records for that key.\n")
        print("| scenario | rule | key | path when added | at HEAD | keylint | gitleaks |")
        print("| --- | --- | --- | --- | :-: | --- | --- |")
        wrong_head = 0
        for p in truth.values():
            h = p["sha1"]
            kl_mark = gl_mark = "-"
            if kl_found is not None:
                kl_mark = "NO"
                if h in kl_found.secrets:
                    hist = kl_found.history.get(h, {})
                    ok = hist.get("in_head") == p["at_tip"]
                    wrong_head += not ok
                    kl_mark = (f"yes, {hist.get('commits', '?')} commits, in_head "
                               + ("ok" if ok else f"WRONG ({hist.get('in_head')})"))
            if gl_found is not None:
                gl_mark = f"yes, {gl_found.counts[h]} record(s)" if h in gl_found.secrets else "NO"
            print(f"| {p['scenario']} | {p['rule']} | `{p['masked']}` | `{p['path']}` "
                  f"| {'yes' if p['at_tip'] else 'no'} | {kl_mark} | {gl_mark} |")
        print()
        if kl_found is not None:
            print(f"keylint's in_head disagrees with the ground truth for {wrong_head} planted key(s).\n")
    if kl_found and gl_found:
        print("Found by gitleaks, not by keylint:\n")
        print("\n".join(diff_lines({h: v for h, v in gl_found.secrets.items()
                                    if h not in kl_found.secrets}, truth)))
        print("\nFound by keylint, not by gitleaks:\n")
        print("\n".join(diff_lines({h: v for h, v in kl_found.secrets.items()
                                    if h not in gl_found.secrets}, truth)))
        print()
    print("Commands (REPO = the repository; run in an empty directory):\n")
    for job in [*jobs, *range_jobs]:
        shown = [Path(job.cmd[0]).name, *(("REPO" if a == str(repo) else
                                           "FILE" if a == str(job.report) else a)
                                          for a in job.cmd[1:])]
        print(f"- `{shlex.join(shown)}`")

    if args.json:
        doc: dict[str, Any] = {
            "command": cmdline, "started": started, "cpus": os.cpu_count(), "repo": str(repo),
            "load_before": load_before, "load_after": load_after, "versions": versions,
            "keylint_engine": engine, "keylint_source": source, "facts": facts, "blobs": blobs,
            "patches": patches,
            "meta": {k: v for k, v in meta.items() if k != "truth"}, "truth": list(truth.values()),
            "keylint_stats": kl_stats,
            "runs": [{"name": j.name, "cmd": j.cmd, "error": j.error,
                      "median_wall": j.median("wall") if j.samples else None,
                      "median_cpu": j.median("cpu") if j.samples else None,
                      "samples": [asdict(s) for s in j.samples]} for j in [*jobs, *range_jobs]],
            "found": {name: {"records": f.records, "distinct": len(f.secrets),
                             "planted_found": sum(h in f.secrets for h in truth)}
                      for name, f in found.items()},
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
