#!/usr/bin/env bash
# `npm start`: installs dependencies if needed, builds, and runs Vane in one process on embedded
# defaults (no external service). Data lives in .vane/ (VANE_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing dependencies (first run)…"
  npm ci --no-audit --no-fund
fi
echo "Building…"
npx tsc -b embedded
# The admin UI (web/dist, served by the edge at /) is rebuilt when its sources changed.
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/vite.config.ts gen/src/web -newer web/dist/index.html -print -quit)" ]; then
  echo "Building the admin UI…"
  npm run build --workspace web --silent
fi
exec node embedded/dist/main.js "$@"
