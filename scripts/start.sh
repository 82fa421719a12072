#!/usr/bin/env bash
# `npm start`: installs dependencies if needed, builds, and runs Vane in one process on embedded
# defaults (no external service). Data lives in .vane/ (VANE_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing dependencies (first run)…"
  npm install --no-audit --no-fund
fi
echo "Building…"
npx tsc -b embedded
exec node embedded/dist/main.js "$@"
