"""No output of keylint holds a raw key (issue 9, "Done when"): every output path is run with fake
keys planted in file contents, in file names and in command-line arguments, and its stdout,
stderr and the files it writes are searched for each key. The `.env` that `fix` writes is the one
place a key may go; a baseline records file names as detect-secrets does (so it may hold a key
that is *in a file name*, never one from a file's content).

Keys in file names come from rules with a provider prefix: a bare-shape key (Cohere, Mistral, a
password) is only a key with context around it, which a file name does not give.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from keylint.cli import main
from keylint.rules.table import RULES
from tests.fakes import assignment, fake_key
from tests.gitenv import isolate_git

NAMEABLE = tuple(sorted(
    r.id for r in RULES
    if not r.needs_context and not r.generic
    and not any(c in fake_key(r.id, 1) for c in "/\\\n\0")
    and "/" not in r.pattern  # a key that may hold `/` (base64) names a directory, not a file
))
CONTENT = tuple(sorted(r.id for r in RULES if r.id not in {"private-key"}))
FORMATS = ("text", "json", "sarif", "github")
EXT = {"text": "txt", "json": "json", "sarif": "sarif", "github": "log"}


@dataclass
class Tree:
    """A git repository with keys in contents, in file names, and one key kept for arguments."""

    root: Path
    content_keys: list[str]
    name_key: str
    arg_key: str
    kept: str  # a file whose name holds `name_key`
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (what, text) to search

    @property
    def keys(self) -> list[str]:
        return [*self.content_keys, self.name_key, self.arg_key]

    def check(self, *, name_keys_allowed_in: tuple[str, ...] = ()) -> None:
        """No key in any collected output (a named file may hold a file name's key)."""
        for what, text in self.outputs:
            keys = self.content_keys if what in name_keys_allowed_in else self.keys
            for k in keys:
                assert k not in text, f"raw key in {what}"
                middle = k[7:-4]
                if len(middle) >= 12:
                    assert middle not in text, f"key's hidden part in {what}"


@contextlib.contextmanager
def _captured() -> Iterator[tuple[io.TextIOWrapper, io.TextIOWrapper]]:
    streams = [io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape",
                                write_through=True) for _ in range(2)]
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = streams[0], streams[1]
    try:
        yield streams[0], streams[1]
    finally:
        sys.stdout, sys.stderr = old


def _text(stream: io.TextIOWrapper) -> str:
    buf = stream.buffer
    assert isinstance(buf, io.BytesIO)
    return buf.getvalue().decode("utf-8", "surrogateescape")


def call(tree: Tree, label: str, fn: Callable[[list[str]], int], argv: list[str]) -> int:
    """Run an entry point in-process in the tree; collect its stdout and stderr."""
    with _captured() as (out, err):
        try:
            code = fn(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    tree.outputs += [(f"{label} stdout", _text(out)), (f"{label} stderr", _text(err))]
    assert code in (0, 1, 2, 3), (label, code)
    assert "Traceback" not in _text(err), label
    return code


def collect(tree: Tree, label: str, path: Path) -> None:
    """Add a written file to what is searched."""
    tree.outputs.append((label, path.read_text(encoding="utf-8", errors="surrogateescape")))


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@st.composite
def trees(draw: st.DrawFn) -> dict[str, object]:
    """Which keys, and how a key is glued into a file name."""
    return {
        "content": draw(st.lists(st.sampled_from(CONTENT), min_size=1, max_size=3)),
        "name_rule": draw(st.sampled_from(NAMEABLE)),
        "arg_rule": draw(st.sampled_from(NAMEABLE)),
        "seed": draw(st.integers(0, 10**6)),
        "prefix": draw(st.sampled_from(("", "backup-", "old_", "v1.", "a b "))),
        "suffix": draw(st.sampled_from(("", ".py", "-old", "_2.env", ".txt"))),
    }


def build(root: Path, plan: dict[str, object]) -> Tree:
    """commit 1: app.py (content keys), a key-named file, gone/<key-named file>; commit 2
    deletes gone/ (the key is only in history)."""
    seed = plan["seed"]
    assert isinstance(seed, int)
    content_rules = plan["content"]
    assert isinstance(content_rules, list)
    content_keys = [fake_key(r, seed + i) for i, r in enumerate(content_rules)]
    name_key = fake_key(str(plan["name_rule"]), seed + 100)
    arg_key = fake_key(str(plan["arg_rule"]), seed + 200)
    gone_key = fake_key(content_rules[0], seed + 300)
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    body = "".join(assignment(r, k) + "\n" for r, k in zip(content_rules, content_keys, strict=True))
    (root / "app.py").write_text("import os\n\n" + body, encoding="utf-8")
    kept = f"{plan['prefix']}{name_key}{plan['suffix']}"
    (root / kept).write_text(body, encoding="utf-8")
    (root / "gone").mkdir()
    (root / "gone" / f"x-{name_key}.py").write_text(
        assignment(content_rules[0], gone_key) + "\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "keys")
    shutil.rmtree(root / "gone")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "gone")
    return Tree(root, [*content_keys, gone_key], name_key, arg_key, kept)


# ---------------------------------------------------------------------------- the output paths


def _scan(fmt: str) -> Callable[[Tree], None]:
    def run(t: Tree) -> None:
        call(t, "scan", main, ["scan", "--jobs", "1", "--format", fmt])
        call(t, "scan file", main, ["scan", "--jobs", "1", "--format", fmt, t.kept, "app.py"])
        call(t, "scan arg", main, ["scan", "--jobs", "1", "--format", fmt, f"missing-{t.arg_key}"])
        call(t, "scan bad option", main, ["scan", f"--{t.arg_key}"])
        out = f"report-{t.arg_key}.{EXT[fmt]}"
        call(t, "scan --output", main, ["scan", "--jobs", "1", "--format", fmt, "--output", out])
        collect(t, "scan report", t.root / out)
    return run


def _history(t: Tree) -> None:
    for fmt in FORMATS:
        call(t, "history", main, ["scan", "--history", "--jobs", "1", "--format", fmt])


def _hook(t: Tree) -> None:
    from keylint.hooks.precommit import main as hook

    call(t, "hook", hook, ["app.py", t.kept])
    call(t, "hook arg", hook, ["app.py", f"missing-{t.arg_key}.py"])


def _hook_usage_error(t: Tree) -> None:
    from keylint.hooks.precommit import main as hook

    call(t, "hook bad option", hook, [f"--{t.arg_key}"])


def _fix_diff(t: Tree) -> None:
    call(t, "fix --diff", main, ["fix", "--diff", "app.py"])
    call(t, "fix --diff arg", main, ["fix", "--diff", f"missing-{t.arg_key}.py"])
    call(t, "fix bad option", main, ["fix", "--diff", f"--{t.arg_key}"])


def _fix_diff_named(t: Tree) -> None:
    call(t, "fix --diff", main, ["fix", "--diff", t.kept])


def _fix(t: Tree) -> None:
    call(t, "fix", main, ["fix", "app.py"])


def _fix_named(t: Tree) -> None:
    call(t, "fix", main, ["fix", t.kept])


def _baseline(t: Tree) -> None:
    call(t, "baseline create", main, ["baseline", "create", "--jobs", "1"])
    collect(t, "baseline file", t.root / ".secrets.baseline")
    call(t, "baseline update", main, ["baseline", "update", "--jobs", "1"])
    call(t, "baseline arg", main, ["baseline", "update", "--baseline", f"missing-{t.arg_key}"])
    call(t, "baseline path arg", main, ["baseline", "update", "--jobs", "1",
                                        f"missing-{t.arg_key}"])


def _baseline_named(t: Tree) -> None:
    name = f"b-{t.arg_key}.baseline"
    call(t, "baseline create", main, ["baseline", "create", "--jobs", "1", "--baseline", name])


def _audit_tree(t: Tree) -> str:
    name = f"b-{t.arg_key}.baseline"
    assert main(["baseline", "create", "--jobs", "1", "--baseline", name]) in (0, 2)
    # after the baseline: a new key in a new key-named file
    new = fake_key(NAMEABLE[0], 7)
    t.content_keys.append(new)
    (t.root / f"new-{t.name_key}.py").write_text(assignment(NAMEABLE[0], new) + "\n",
                                                  encoding="utf-8")
    return name


def _audit(fmt: str) -> Callable[[Tree], None]:
    def run(t: Tree) -> None:
        with _captured():
            name = _audit_tree(t)
        call(t, "audit --ci", main, ["audit", "--ci", "--jobs", "1", "--format", fmt, name])
        out = f"audit-{t.arg_key}.{EXT[fmt]}"
        call(t, "audit --ci --output", main,
             ["audit", "--ci", "--jobs", "1", "--format", fmt, "--output", out, name])
        collect(t, "audit report", t.root / out)
        call(t, "audit arg", main, ["audit", "--ci", f"missing-{t.arg_key}"])
    return run


def _audit_interactive(t: Tree) -> None:
    from keylint.baseline import audit

    with _captured():
        name = _audit_tree(t)
    out = io.StringIO()
    audit.session(Path(name), None, io.StringIO("s\n" * 20), out)
    t.outputs.append(("interactive audit", out.getvalue()))


def _redact(t: Tree) -> None:
    call(t, "redact", main, ["redact", "app.py", t.kept])
    call(t, "redact arg", main, ["redact", f"missing-{t.arg_key}"])


PATHS = [
    *(pytest.param(_scan(f), id=f"scan-{f}") for f in FORMATS),
    pytest.param(_history, id="scan-history"),
    pytest.param(_hook, id="hook"),
    pytest.param(_hook_usage_error, id="hook-usage-error"),
    pytest.param(_fix_diff, id="fix-diff"),
    pytest.param(_fix_diff_named, id="fix-diff-key-in-file-name"),
    pytest.param(_fix, id="fix"),
    pytest.param(_fix_named, id="fix-key-in-file-name"),
    pytest.param(_baseline, id="baseline"),
    pytest.param(_baseline_named, id="baseline-path-argument"),
    *(pytest.param(_audit(f), id=f"audit-ci-{f}") for f in FORMATS),
    pytest.param(_audit_interactive, id="audit-interactive"),
    pytest.param(_redact, id="redact"),
]


@pytest.mark.parametrize("output_path", PATHS)
@settings(max_examples=3, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=trees())
def test_no_raw_key_in_any_output(output_path: Callable[[Tree], None], plan: dict[str, object],
                                  tmp_path_factory: pytest.TempPathFactory,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path_factory.mktemp("home"), monkeypatch)
    base = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    tree = build(base / "repo", plan)
    old = os.getcwd()
    os.chdir(tree.root)
    try:
        output_path(tree)
    finally:
        os.chdir(old)
        shutil.rmtree(base, ignore_errors=True)
    tree.check(name_keys_allowed_in=("baseline file",))
