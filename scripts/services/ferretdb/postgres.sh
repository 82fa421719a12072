# shellcheck shell=bash
# PostgreSQL for FerretDB's postgresql backend (VANE_RIG_MONGO_BACKEND=postgresql): Debian's
# postgresql package, run by us (not by systemd or pg_ctlcluster) as an own cluster in
# .rig/postgres/, on a loopback port of its own. Sourced by ferretdb.sh; uses lib.sh.
#
# PostgreSQL refuses to run as root: when we are root, initdb and the server run as the
# unprivileged OS user VANE_RIG_POSTGRES_USER (default `postgres`, which the package creates).
# Clients authenticate with `trust`, which is safe only because the server listens on
# 127.0.0.1 and its Unix socket lives in .rig/postgres/run/ (mode 0700).
#
# It is a disposable test database: fsync and synchronous_commit are off (like the rig's Redis,
# which runs without persistence). A crash of the machine may lose or corrupt it; `rm -rf
# .rig/postgres` and the next start recreates it.

PG_PORT=${VANE_RIG_POSTGRES_PORT:-15432}
PG_OS_USER=${VANE_RIG_POSTGRES_USER:-postgres}
PG_DIR=$RIG/postgres
PG_DATA=$PG_DIR/data
PG_RUN=$PG_DIR/run
PG_PID=$PG_DIR/postgres.pid
PG_LOG=$PG_DIR/postgres.log
PG_PATTERN="-D $PG_DATA"
PG_SUPERUSER=postgres
PG_DATABASE=ferretdb
PG_BIN=

pg_url() { echo "postgres://$PG_SUPERUSER@127.0.0.1:$PG_PORT/$PG_DATABASE"; }

# Finds the newest installed server binaries (/usr/lib/postgresql/<major>/bin on Debian).
pg_find_bin() {
  local dir
  PG_BIN=
  for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V); do
    [[ -x $dir/initdb && -x $dir/postgres && -x $dir/psql ]] && PG_BIN=$dir
  done
  [[ -n $PG_BIN ]]
}

postgres_install() {
  pg_find_bin && return 0
  apt_install postgresql
  pg_find_bin || die "PostgreSQL: initdb/postgres still missing under /usr/lib/postgresql/*/bin after apt-get install postgresql"
}

# The prefix that runs a command as the cluster's owner: ourselves, or PG_OS_USER if root.
# setpriv execs (no intermediate process), so start_daemon records the server's own pid.
AS_PG_USER=()
((EUID != 0)) || AS_PG_USER=(setpriv --reuid="$PG_OS_USER" --regid="$PG_OS_USER" --init-groups --)

pg_prepare_dirs() {
  mkdir -p "$PG_DATA" "$PG_RUN"
  chmod 0700 "$PG_DATA" "$PG_RUN"
  ((EUID == 0)) || return 0
  id -u "$PG_OS_USER" >/dev/null 2>&1 ||
    die "PostgreSQL cannot run as root and the OS user '$PG_OS_USER' does not exist (set VANE_RIG_POSTGRES_USER to an unprivileged user)"
  [[ $(id -u "$PG_OS_USER") != 0 ]] || die "VANE_RIG_POSTGRES_USER=$PG_OS_USER is root; PostgreSQL refuses to run as root"
  chown "$PG_OS_USER:" "$PG_DIR" "$PG_DATA" "$PG_RUN"
  # The server needs to reach its data directory through every parent directory.
  "${AS_PG_USER[@]}" test -x "$PG_DATA" ||
    die "PostgreSQL: the user '$PG_OS_USER' cannot reach $PG_DATA (a parent directory lacks o+x)"
}

postgres_start() {
  pg_find_bin || die "PostgreSQL is not installed (postgres_install should have run)"
  if pid_alive "$PG_PID" "$PG_PATTERN"; then
    log "PostgreSQL: already running (pid $(<"$PG_PID")), reusing it"
  else
    pg_prepare_dirs
    # initdb and the server fail when their owner cannot read the current directory.
    local cwd=$PWD
    cd "$PG_DIR"
    if [[ ! -s $PG_DATA/PG_VERSION ]]; then
      run_step "PostgreSQL: initdb $PG_DATA" "$PG_DIR/initdb.log" \
        "${AS_PG_USER[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" -A trust -E UTF8 \
        --locale=C --no-instructions
    fi
    tcp_open 127.0.0.1 "$PG_PORT" &&
      die "PostgreSQL: port $PG_PORT is taken by something else (set VANE_RIG_POSTGRES_PORT, see \`ss -ltnp\`)"
    log "PostgreSQL: starting $(basename "$(dirname "$PG_BIN")") on 127.0.0.1:$PG_PORT"
    start_daemon "$PG_PID" "$PG_LOG" "${AS_PG_USER[@]}" "$PG_BIN/postgres" -D "$PG_DATA" \
      -c listen_addresses=127.0.0.1 -c port="$PG_PORT" -c unix_socket_directories="$PG_RUN" \
      -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200
    wait_tcp PostgreSQL 127.0.0.1 "$PG_PORT" 30 "$PG_PID" "$PG_PATTERN" "$PG_LOG"
    cd "$cwd"
  fi
  local psql=("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -tA)
  local _ exists=
  # The port opens a moment before the server accepts sessions ("the database system is
  # starting up"): retry for a few seconds.
  for _ in {1..50}; do
    exists=$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'" 2>/dev/null) && break
    exists=error
    sleep 0.2
  done
  [[ $exists != error ]] || {
    tail_logs "$PG_LOG"
    die "PostgreSQL on 127.0.0.1:$PG_PORT does not accept sessions. Log: $PG_LOG"
  }
  if [[ $exists != 1 ]]; then
    run_step "PostgreSQL: CREATE DATABASE $PG_DATABASE" "$PG_DIR/psql.log" \
      "${psql[@]}" -c "CREATE DATABASE $PG_DATABASE"
  fi
}

# Fast shutdown (SIGINT): SIGTERM would wait for every client session to end.
postgres_stop() { stop_daemon PostgreSQL "$PG_PID" "$PG_PATTERN" INT; }

postgres_running() { pid_alive "$PG_PID" "$PG_PATTERN"; }
