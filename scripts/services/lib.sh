# shellcheck shell=bash
# Shared helpers for scripts/services.sh. Sourced, never executed on its own.
# Expects ROOT, RIG (runtime state dir) and SERVICES_DIR to be set by the caller.

log() { printf '[services] %s\n' "$*" >&2; }
warn() { printf '[services] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[services] ERROR: %s\n' "$*" >&2
  exit 1
}

# Milliseconds since the epoch, for the timing summary.
now_ms() { date +%s%3N; }

# Seconds (one decimal) elapsed since a now_ms stamp.
elapsed_since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

# Prints the last lines of each existing file, so that a failure shows its cause.
tail_logs() {
  local f
  for f in "$@"; do
    if [[ -s $f ]]; then
      printf '[services] ---- last 40 lines of %s ----\n' "$f" >&2
      tail -n 40 "$f" >&2
      printf '[services] ---- end of %s ----\n' "$f" >&2
    fi
  done
}

# run_step <what> <logfile> <cmd...>: runs a command with its output appended to logfile.
# On failure it prints the exact command, its exit code and the log tail, then exits.
run_step() {
  local what=$1 logf=$2
  shift 2
  local rc=0
  log "$what"
  mkdir -p "$(dirname "$logf")"
  printf '\n=== %s: %s\n' "$(date -u +%FT%TZ)" "$(printf '%q ' "$@")" >>"$logf"
  "$@" >>"$logf" 2>&1 </dev/null || rc=$?
  if ((rc != 0)); then
    tail_logs "$logf"
    die "$what failed (exit $rc). Command: $(printf '%q ' "$@")
  Full output: $logf"
  fi
}

# as_root <cmd...>: runs a command as root (sudo when we are not root).
as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run: $(printf '%q ' "$@") (and sudo is not installed)"
  fi
}

APT_UPDATED=0

# apt_install <pkg...>: installs Debian packages without prompts. Runs `apt-get update` only
# when the package lists are missing or the first install attempt fails.
apt_install() {
  local logf=$RIG/logs/apt.log
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: cannot install $* (Debian/Ubuntu only)"
  mkdir -p "$RIG/logs"
  export DEBIAN_FRONTEND=noninteractive
  local install=(as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q
    --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@")
  if ((APT_UPDATED == 0)) && ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
    run_step "apt-get update" "$logf" as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    APT_UPDATED=1
  fi
  log "apt-get install $* (output: $logf)"
  printf '\n=== %s: %s\n' "$(date -u +%FT%TZ)" "${install[*]}" >>"$logf"
  if "${install[@]}" >>"$logf" 2>&1 </dev/null; then
    return 0
  fi
  if ((APT_UPDATED == 0)); then
    run_step "apt-get update (install failed, retrying with fresh package lists)" "$logf" \
      as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    APT_UPDATED=1
  fi
  run_step "apt-get install $*" "$logf" "${install[@]}"
}

# tcp_open <host> <port>: true when something accepts TCP connections there.
tcp_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# pid_alive <pidfile> <text>: true when the pid in the file runs a command line containing
# text (so that a recycled pid is never mistaken for our server).
pid_alive() {
  local pidf=$1 text=$2 pid cmdline
  [[ -s $pidf ]] || return 1
  pid=$(<"$pidf")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$text"* ]]
}

# start_daemon <pidfile> <logfile> <cmd...>: starts a detached server (own session, stdin
# closed, output appended to logfile) and writes its pid.
start_daemon() {
  local pidf=$1 logf=$2
  shift 2
  mkdir -p "$(dirname "$pidf")" "$(dirname "$logf")"
  rm -f "$pidf"
  printf '\n=== %s: starting %s\n' "$(date -u +%FT%TZ)" "$(printf '%q ' "$@")" >>"$logf"
  # setsid puts the server in its own session so that it outlives this script and its job
  # control; `exec` keeps the pid that we record. It must not inherit fd 9, the lock that
  # services.sh holds during up/down, or the next `up` would wait for the server to exit.
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" >>"$logf" 2>&1 </dev/null 9>&- &
  local _
  for _ in {1..50}; do
    [[ -s $pidf ]] && return 0
    sleep 0.1
  done
  die "could not start $1 (no pid written). Log: $logf"
}

# stop_daemon <name> <pidfile> <pattern> [signal]: stops a server we started (the signal,
# TERM by default, then KILL after 30s).
stop_daemon() {
  local name=$1 pidf=$2 pattern=$3 signal=${4:-TERM} pid _
  if ! pid_alive "$pidf" "$pattern"; then
    rm -f "$pidf"
    log "$name: not running (no live pid file)"
    return 0
  fi
  pid=$(<"$pidf")
  log "$name: stopping pid $pid"
  kill -"$signal" "$pid" 2>/dev/null || true
  for _ in {1..300}; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name: still running after 30s, sending KILL to pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidf"
}

# wait_tcp <name> <host> <port> <timeout_s> <pidfile|-> <pattern> <logs...>: waits until the
# port accepts connections. Fails early (with the log tail) if the process exits meanwhile.
wait_tcp() {
  local name=$1 host=$2 port=$3 timeout_s=$4 pidf=$5 pattern=$6
  shift 6
  local deadline=$((SECONDS + timeout_s))
  while ! tcp_open "$host" "$port"; do
    if [[ $pidf != - ]] && ! pid_alive "$pidf" "$pattern"; then
      tail_logs "$@"
      die "$name exited during start-up before listening on $host:$port. Logs: $*"
    fi
    if ((SECONDS >= deadline)); then
      tail_logs "$@"
      die "$name did not listen on $host:$port within ${timeout_s}s. Logs: $*"
    fi
    sleep 0.3
  done
}

# drivers_available: true when node and the project's drivers are installed (npm ci done).
drivers_available() {
  command -v node >/dev/null 2>&1 &&
    [[ -d $ROOT/node_modules/ioredis && -d $ROOT/node_modules/@clickhouse/client &&
      -d $ROOT/node_modules/kafkajs && -d $ROOT/node_modules/mongodb ]]
}

# probe <service> <address> <timeout_s>: checks the server with the project's own driver,
# retrying until the deadline. Prints a one-line summary (e.g. the server version).
# The outer timeout guards against a peer that accepts connections but never answers.
probe() {
  local rc=0
  timeout $(($3 + 20)) node "$SERVICES_DIR/probe.mjs" "$@" || rc=$?
  ((rc != 124)) || echo "$1 at $2 did not answer within $(($3 + 20))s" >&2
  return "$rc"
}
