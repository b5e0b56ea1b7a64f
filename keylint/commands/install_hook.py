"""`keylint install-hook [--pre-push] [--force]`: write a git hook that runs keylint.

The pre-commit hook runs `keylint scan --staged`; the pre-push hook (`--pre-push`) scans the
commits being pushed (`keylint-hook --pre-push REMOTE`, the refs from git on standard input).

The hook goes where git looks for it (`git rev-parse --git-path hooks`: honours `core.hooksPath`
and linked work trees). It runs keylint with the Python that installed it, falling back to
`keylint` on PATH, so it works without an activated virtualenv.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from keylint import config as config_mod
from keylint.errors import KeylintError

MARKER = "# keylint pre-commit hook"
PUSH_MARKER = "# keylint pre-push hook"

_PUSH_TEMPLATE = """\
#!/bin/sh
{marker}: blocks a push whose commits hold a secret, even one deleted since.
# Written by `keylint install-hook --pre-push`; rewrite it with `--force`.
# git passes the remote's name and URL as arguments and the refs on standard input,
# which keylint reads.
KEYLINT_PYTHON={python}
remote="${{1:-origin}}"
set -- --pre-push "$remote"{baseline_args}
{default_baseline}if [ -x "$KEYLINT_PYTHON" ]; then
    exec "$KEYLINT_PYTHON" -m keylint.hooks.precommit "$@"
elif command -v keylint-hook >/dev/null 2>&1; then
    exec keylint-hook "$@"
fi
echo "keylint pre-push hook: keylint is not installed ($KEYLINT_PYTHON is gone and no" \\
     "keylint-hook on PATH): install it, or remove $0" >&2
exit 1
"""

_TEMPLATE = """\
#!/bin/sh
{marker}: blocks a commit that stages a secret.
# Written by `keylint install-hook`; rewrite it with `keylint install-hook --force`.
KEYLINT_PYTHON={python}
set -- scan --staged{baseline_args}
{default_baseline}if [ -x "$KEYLINT_PYTHON" ]; then
    "$KEYLINT_PYTHON" -m keylint "$@"
elif command -v keylint >/dev/null 2>&1; then
    keylint "$@"
else
    echo "keylint pre-commit hook: keylint is not installed ($KEYLINT_PYTHON is gone and no" \\
         "keylint on PATH): install it, or remove $0" >&2
    exit 1
fi
status=$?
if [ "$status" -eq 1 ]; then
    cat >&2 <<'MESSAGE'
keylint: commit blocked: the staged changes hold the secrets listed above.
  Fix:    `keylint fix FILE` moves a key out of Python code into the gitignored .env;
          then stage the file again. Revoke a key that was ever pushed.
  Allow:  not a live secret (a test value, a revoked key)? `keylint baseline update`,
          label it with `keylint audit`, and stage the baseline.
  Bypass: git commit --no-verify (think twice)
MESSAGE
fi
exit "$status"
"""

# Without a configured baseline, use detect-secrets' conventional file when the repository has it.
_DEFAULT_BASELINE = """\
if [ -f {name} ]; then
    set -- "$@" --baseline {name}
fi
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of `keylint install-hook`."""
    parser.add_argument("--force", action="store_true",
                        help="replace an existing hook")
    parser.add_argument("--pre-push", action="store_true",
                        help="write the pre-push hook (scans the commits being pushed) instead "
                             "of the pre-commit hook")
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="gate on this baseline (default: [tool.keylint] baseline, else "
                             ".secrets.baseline when present at commit time)")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="config file (default: ./pyproject.toml)")


def hooks_dir(cwd: str) -> Path:
    """Where git runs hooks from for the repository at `cwd` (core.hooksPath honoured)."""
    try:
        out = subprocess.run(["git", "rev-parse", "--git-path", "hooks"], cwd=cwd,
                             capture_output=True, text=True, check=False)
    except OSError as exc:
        raise KeylintError(f"install-hook: cannot run git: {exc.strerror or exc}") from exc
    if out.returncode != 0 or not out.stdout.strip():
        raise KeylintError(f"{cwd}: install-hook needs a git repository (this is not one)")
    return Path(cwd, out.stdout.strip())


def top_level(cwd: str) -> Path:
    """The top of the work tree: where git runs hooks, so where their relative paths start."""
    out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True,
                         text=True, check=False)
    if out.returncode != 0 or not out.stdout.strip():
        raise KeylintError(f"{cwd}: install-hook needs a git work tree (this is not one)")
    return Path(out.stdout.strip())


def hook_script(python: str, baseline: Path | None, configured: bool,
                push: bool = False) -> str:
    """The hook's text: `keylint scan --staged` (or the push scan), with the baseline when one
    is chosen."""
    args = f" --baseline {shlex.quote(str(baseline))}" if baseline is not None else ""
    default = "" if baseline is not None or configured else _DEFAULT_BASELINE.format(
        name=shlex.quote(config_mod.DEFAULT_BASELINE))
    template, marker = (_PUSH_TEMPLATE, PUSH_MARKER) if push else (_TEMPLATE, MARKER)
    return template.format(marker=marker, python=shlex.quote(python), baseline_args=args,
                           default_baseline=default)


def write_executable(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (temp file + rename) with mode 0755."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        # A hook must be executable by git; 0755 is what git's own sample hooks have.
        os.chmod(tmp, 0o755)  # nosec B103
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    """Install the hook; refuse to replace another hook unless --force."""
    cfg = config_mod.load(args.config)
    cwd = os.getcwd()
    hook = hooks_dir(cwd) / ("pre-push" if args.pre_push else "pre-commit")
    baseline = args.baseline
    if baseline is not None:
        if not baseline.is_file():
            print(f"keylint: note: {baseline} does not exist yet: create it with "
                  f"`keylint baseline create --baseline {baseline}`", file=sys.stderr)
        baseline = Path(os.path.relpath(os.path.abspath(baseline), top_level(cwd)))
    text = hook_script(sys.executable, baseline, configured=cfg.baseline is not None,
                       push=args.pre_push)
    if hook.exists() or hook.is_symlink():
        try:
            old = hook.read_text(encoding="utf-8", errors="replace")
        except OSError:
            old = ""
        if old == text:
            print(f"keylint: {hook} is already installed")
            return 0
        if not args.force:
            ours = PUSH_MARKER if args.pre_push else MARKER
            whose = "an older keylint hook" if ours in old else f"another {hook.name} hook"
            raise KeylintError(f"{hook}: {whose} is already there; re-run with --force to "
                               "replace it")
    write_executable(hook, text)
    what = ("each push now scans the commits it sends" if args.pre_push
            else "each commit now runs `keylint scan --staged`")
    print(f"keylint: installed {hook}: {what}")
    return 0
