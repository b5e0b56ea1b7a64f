"""pre-commit runs batches of one hook in parallel: a shared baseline must only ever be read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.hooks.helpers import keylint, openai_line, write

BATCHES = 6
FILES_PER_BATCH = 5


def test_parallel_hook_processes_never_modify_the_baseline(tmp_path: Path) -> None:
    known = [f"known/k{i}.py" for i in range(BATCHES * FILES_PER_BATCH)]
    for i, name in enumerate(known):
        write(tmp_path, name, openai_line(100 + i))
    created = keylint(tmp_path, "baseline", "create", "known", "--baseline", ".secrets.baseline")
    assert created.returncode == 0, created.stderr
    baseline = tmp_path / ".secrets.baseline"
    before = (baseline.read_bytes(), baseline.stat().st_mtime_ns)
    # Odd batches also carry a file with a new key (and line moves in a known file).
    batches: list[list[str]] = []
    for b in range(BATCHES):
        names = known[b * FILES_PER_BATCH:(b + 1) * FILES_PER_BATCH]
        if b % 2:
            write(tmp_path, f"new/n{b}.py", openai_line(200 + b))
            write(tmp_path, names[0], "\n\n" + openai_line(100 + b * FILES_PER_BATCH))
            names = [*names, f"new/n{b}.py", ".secrets.baseline"]
        batches.append(names)
    listing = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    procs = [subprocess.Popen([sys.executable, "-m", "keylint.hooks.precommit", *names],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for names in batches]
    outputs = [p.communicate() for p in procs]
    results = [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs, strict=True)]
    for b, (code, out, err) in enumerate(results):
        assert err == ""
        if b % 2:
            assert code == 1
            assert [line.split(":")[0] for line in out.splitlines()
                    if line.endswith("(openai-project-key)")] == [f"new/n{b}.py"]
        else:
            assert (code, out) == (0, "")
    assert (baseline.read_bytes(), baseline.stat().st_mtime_ns) == before
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == listing
