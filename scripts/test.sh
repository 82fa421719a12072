#!/usr/bin/env bash
# `npm test`: the whole test suite from a fresh clone. Installs dependencies, brings up the real
# servers (Redis, ClickHouse, Kafka, FerretDB) while the static checks run, then runs the contract
# checks, lint, typecheck, unit tests and the integration tests against those servers (after the
# venv of FeatBit's Python SDK, scripts/python/featbit-venv.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
started=$(date +%s)

# What the tracked files are now (a clean clone: nothing): the run must leave them so.
tracked_state() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    { git status --porcelain=v1 --untracked-files=no; git diff HEAD | sha256sum; } 2>/dev/null
  fi
}
tracked_before=$(tracked_state)

step "dependencies"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # Exactly the lock's versions; npm ci refuses a lock that package.json files disagree with.
  npm ci --no-audit --no-fund
else
  echo "node_modules is up to date"
fi

step "real servers: installing and starting in the background (log: .rig/services-up.log)"
mkdir -p .rig
bash scripts/services.sh up >.rig/services-up.log 2>&1 &
services_pid=$!

step "contract: buf lint, buf breaking, gen/ drift"
bash scripts/contract-check.sh

step "lint: eslint + prettier"
npx eslint .
npx prettier --check .

step "typecheck: tsc -b"
npx tsc -b

step "docker-compose.yml against the Compose Specification"
npx tsx scripts/compose/compose-check.ts docker-compose.yml

step "envoy/envoy.yaml against Envoy's Protobuf schema (go-control-plane)"
bash scripts/envoy/envoy-check.sh envoy/envoy.yaml

step "unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile=.rig/vitest-unit.json

step "waiting for the real servers"
if ! wait "$services_pid"; then
  cat .rig/services-up.log
  echo "scripts/services.sh up failed: the integration tests need real servers (see above)." >&2
  exit 1
fi
cat .rig/services-up.log
# shellcheck disable=SC1091
source .rig/env

step "FeatBit's Python server SDK: venv with the pinned packages (.rig/python/featbit)"
bash scripts/python/featbit-venv.sh

step "integration tests against real servers"
npx vitest run --project int --reporter=default --reporter=json --outputFile=.rig/vitest-int.json

step "tracked files unchanged by the run"
if [ "$(tracked_state)" != "$tracked_before" ]; then
  git status --porcelain=v1 --untracked-files=no
  echo "The test run changed tracked files (above): every command must leave the checkout as it was." >&2
  exit 1
fi
echo "ok"

step "all checks passed in $(($(date +%s) - started)) s"
# One plain closing line with the counts of both test projects.
node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const f of [".rig/vitest-unit.json", ".rig/vitest-int.json"]) {
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
'
