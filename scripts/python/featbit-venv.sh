#!/usr/bin/env bash
# The Python venv of FeatBit's Python server SDK (fb-python-sdk), used by the int test
# els/src/featbit/featbit-python-sdk.int.test.ts: .rig/python/featbit, with the exact packages of
# scripts/python/featbit-requirements.txt. Idempotent: skipped when the venv's stamp holds the
# requirements file's hash. Needs only python3 (with venv, or pip for a venv without pip).
#
# Usage: scripts/python/featbit-venv.sh        prints the venv's python on its last line
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REQUIREMENTS=$ROOT/scripts/python/featbit-requirements.txt
VENV=$ROOT/.rig/python/featbit
STAMP=$VENV/.requirements.sha256
PYTHON=${VANE_PYTHON:-python3}

log() { printf '[featbit-venv] %s\n' "$*" >&2; }

command -v "$PYTHON" >/dev/null 2>&1 || {
  log "$PYTHON not found: the FeatBit Python SDK test needs Python 3 (apt-get install python3 python3-venv)"
  exit 1
}
hash=$("$PYTHON" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$REQUIREMENTS")

if [[ -x $VENV/bin/python && -f $STAMP && $(cat "$STAMP") == "$hash" ]]; then
  log "up to date ($VENV)"
  echo "$VENV/bin/python"
  exit 0
fi

# One installer at a time (npm test and a test file may both ask).
mkdir -p "$(dirname "$VENV")"
exec 9>"$(dirname "$VENV")/featbit.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [[ -x $VENV/bin/python && -f $STAMP && $(cat "$STAMP") == "$hash" ]]; then
  log "up to date ($VENV)"
  echo "$VENV/bin/python"
  exit 0
fi

started=$(date +%s)
rm -rf "$VENV"
pip_args=(install --disable-pip-version-check --no-input --quiet -r "$REQUIREMENTS")
if "$PYTHON" -m venv "$VENV" >&2; then
  log "installing $(grep -c '^[^#]' "$REQUIREMENTS") pinned packages into $VENV"
  "$VENV/bin/python" -m pip "${pip_args[@]}" >&2
else
  # Debian's python3 without python3-venv has no ensurepip: a venv without pip, filled by the
  # host's pip (pip >= 22.3 installs into another interpreter with --python).
  log "python3 -m venv failed (no ensurepip?); trying a venv without pip and the host's pip"
  rm -rf "$VENV"
  "$PYTHON" -m venv --without-pip "$VENV" >&2
  "$PYTHON" -m pip --python "$VENV/bin/python" "${pip_args[@]}" >&2
fi
"$VENV/bin/python" -c 'import fbclient' >&2
echo "$hash" >"$STAMP"
log "ready in $(($(date +%s) - started)) s ($VENV)"
echo "$VENV/bin/python"
