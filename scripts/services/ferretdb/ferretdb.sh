# shellcheck shell=bash
# Native MongoDB-compatible server for scripts/services.sh: FerretDB v1, built from the Go module
# proxy, on its SQLite backend (default) or on PostgreSQL (VANE_RIG_MONGO_BACKEND=postgresql, a
# cluster of our own in .rig/postgres/, see postgres.sh). Sourced; uses lib.sh.
#
# Why not plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb`: that binary panics at
# start-up ("Invalid build/version/version.txt file content"), because the module zip lacks the
# generated build/version/version.txt. So we take the module source that the go.mod beside this
# file pins (go.sum verifies it), add version.txt as FerretDB's docs say, and build that.

FERRETDB_VERSION=v1.24.2
FERRETDB_PORT=${VANE_RIG_MONGO_PORT:-27018}
FERRETDB_DEBUG_PORT=${VANE_RIG_FERRETDB_DEBUG_PORT:-18088}
FERRETDB_DIR=$RIG/ferretdb
FERRETDB_BIN=$FERRETDB_DIR/bin/ferretdb
FERRETDB_PID=$FERRETDB_DIR/ferretdb.pid
FERRETDB_LOG=$FERRETDB_DIR/ferretdb.log
FERRETDB_PATTERN=$FERRETDB_BIN
FERRETDB_BACKEND=${VANE_RIG_MONGO_BACKEND:-sqlite}
case $FERRETDB_BACKEND in
  sqlite | postgresql) ;;
  *) die "VANE_RIG_MONGO_BACKEND='$FERRETDB_BACKEND' is not a FerretDB backend: use sqlite (the default) or postgresql" ;;
esac

# shellcheck source=postgres.sh
source "$SERVICES_DIR/ferretdb/postgres.sh"

mongo_native_address() { echo "mongodb://127.0.0.1:$FERRETDB_PORT/"; }

ferretdb_installed() {
  [[ -x $FERRETDB_BIN ]] || return 1
  local out
  out=$("$FERRETDB_BIN" --version 2>/dev/null) || return 1
  [[ $'\n'$out$'\n' == *$'\n'"version: $FERRETDB_VERSION"$'\n'* ]]
}

# Installs what the chosen backend needs besides the FerretDB build (apt, so never run it in
# parallel with the other servers' installs).
mongo_native_install() {
  ferretdb_build
  [[ $FERRETDB_BACKEND != postgresql ]] || postgres_install
}

ferretdb_build() {
  ferretdb_installed && return 0
  command -v go >/dev/null 2>&1 ||
    die "Go is not installed: it is needed once to build FerretDB $FERRETDB_VERSION (Go 1.24+)"
  # Per-process scratch names: an interrupted build may still be running.
  local module=$SERVICES_DIR/ferretdb src=$FERRETDB_DIR/src.$BASHPID logf=$FERRETDB_DIR/build.log
  local tmp_bin=$FERRETDB_BIN.tmp.$BASHPID
  # Our own settings only: no workspace, no vendoring, no VCS stamping of the Vane repo.
  local goenv=(env GOWORK=off GOFLAGS=-mod=mod)
  mkdir -p "$FERRETDB_DIR/bin"
  rm -rf "$FERRETDB_DIR"/src.* "$FERRETDB_BIN".tmp.*
  run_step "go: downloading FerretDB $FERRETDB_VERSION (Go module proxy)" "$logf" \
    "${goenv[@]}" go -C "$module" mod download github.com/FerretDB/FerretDB
  local dir
  dir=$("${goenv[@]}" go -C "$module" list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB) ||
    die "go list -m github.com/FerretDB/FerretDB failed in $module"
  [[ -d $dir ]] || die "FerretDB module source not found after go mod download (got '$dir')"
  rm -rf "$src"
  cp -R "$dir" "$src"
  chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  run_step "go: building FerretDB $FERRETDB_VERSION (takes minutes the first time)" "$logf" \
    "${goenv[@]}" go -C "$src" build -buildvcs=false -o "$tmp_bin" ./cmd/ferretdb
  mv "$tmp_bin" "$FERRETDB_BIN"
  rm -rf "$src"
  ferretdb_installed || die "built $FERRETDB_BIN but \`$FERRETDB_BIN --version\` does not say $FERRETDB_VERSION"
}

mongo_native_start() {
  local backend_args
  if [[ $FERRETDB_BACKEND == postgresql ]]; then
    postgres_start
    backend_args=(--handler=postgresql --postgresql-url="$(pg_url)")
  else
    mkdir -p "$FERRETDB_DIR/data"
    backend_args=(--handler=sqlite --sqlite-url="file:$FERRETDB_DIR/data/")
  fi
  start_daemon "$FERRETDB_PID" "$FERRETDB_LOG" "$FERRETDB_BIN" "${backend_args[@]}" \
    --listen-addr="127.0.0.1:$FERRETDB_PORT" --debug-addr="127.0.0.1:$FERRETDB_DEBUG_PORT" \
    --state-dir="$FERRETDB_DIR" --telemetry=disable --log-level=info
  wait_tcp FerretDB 127.0.0.1 "$FERRETDB_PORT" 30 "$FERRETDB_PID" "$FERRETDB_PATTERN" "$FERRETDB_LOG"
}

# Stops FerretDB, then our PostgreSQL if it runs (whatever VANE_RIG_MONGO_BACKEND says now).
mongo_native_stop() {
  stop_daemon FerretDB "$FERRETDB_PID" "$FERRETDB_PATTERN"
  if postgres_running; then
    postgres_stop
  elif [[ $FERRETDB_BACKEND == postgresql ]]; then
    log "PostgreSQL: not running (no live pid file)"
  fi
}

# The backend of the FerretDB that this rig started ("sqlite", "postgresql"), read from its
# command line; empty when ours is not running.
ferretdb_running_backend() {
  pid_alive "$FERRETDB_PID" "$FERRETDB_PATTERN" || return 0
  local arg
  while IFS= read -r -d '' arg; do
    [[ $arg == --handler=* ]] && echo "${arg#--handler=}" && return 0
  done <"/proc/$(<"$FERRETDB_PID")/cmdline"
}

# One line for status and the up summary, e.g. "backend postgresql (PostgreSQL pid 123 on
# 127.0.0.1:15432)".
mongo_native_describe() {
  local backend
  backend=$(ferretdb_running_backend)
  if [[ -z $backend ]]; then
    echo "backend $FERRETDB_BACKEND (configured)"
  elif [[ $backend == postgresql ]]; then
    if postgres_running; then
      echo "backend postgresql (PostgreSQL pid $(<"$PG_PID") on 127.0.0.1:$PG_PORT)"
    else
      echo "backend postgresql (our PostgreSQL is NOT running)"
    fi
  else
    echo "backend $backend"
  fi
}

# Refuses to reuse our running FerretDB when it runs another backend than the one asked for.
mongo_native_check_reuse() {
  local backend
  backend=$(ferretdb_running_backend)
  [[ -z $backend || $backend == "$FERRETDB_BACKEND" ]] ||
    die "FerretDB on port $FERRETDB_PORT runs the $backend backend, but VANE_RIG_MONGO_BACKEND=$FERRETDB_BACKEND: run \`scripts/services.sh stop mongo\` first"
}
