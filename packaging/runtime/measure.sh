#!/usr/bin/env bash
# Install footprint of `keylint` (the CLI) and `keylint-runtime`, each in a fresh venv:
# packages installed (the distribution itself counted; pip and setuptools not) and MB added to
# site-packages (bytecode included, as pip compiles it), and the size of the whole venv.
#   bash packaging/runtime/measure.sh     (in a venv with `build`, e.g. .[test])
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=${PYTHON:-python}  # a Python with `build` (the test extra has it)
"$py" -m pip wheel -q --no-deps -w "$work/dist" . >/dev/null
"$py" packaging/runtime/build_runtime.py --wheel --outdir "$work/dist" >/dev/null
measure() {  # name wheel
  "$py" -m venv "$work/$1"
  local sp; sp=$("$work/$1/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
  local before; before=$(du -sk "$sp" | cut -f1)
  "$work/$1/bin/python" -m pip install -q "$2" 2>/dev/null
  local after; after=$(du -sk "$sp" | cut -f1)
  local n; n=$("$work/$1/bin/python" -m pip list --format=freeze --exclude pip --exclude setuptools | wc -l)
  local heavy; heavy=$("$work/$1/bin/python" -m pip list --format=freeze | grep -ciE '^(libcst|bandit|detect-secrets|detect_secrets)==' || true)
  local venv; venv=$(du -sk "$work/$1" | cut -f1)
  printf '%-16s %3d packages  %5.1f MB installed  (%5.1f MB the whole venv)  libcst/bandit/detect-secrets: %d\n' \
    "$1" "$n" "$(echo "($after - $before) / 1024" | bc -l)" "$(echo "$venv / 1024" | bc -l)" "$heavy"
}
measure keylint "$(ls "$work"/dist/keylint-[0-9]*.whl)"
measure keylint-runtime "$(ls "$work"/dist/keylint_runtime-*.whl)"
