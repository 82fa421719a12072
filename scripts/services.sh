#!/usr/bin/env bash
# Real servers for the integration tests: Redis, ClickHouse, Kafka and a MongoDB-compatible server.
#
# Usage: scripts/services.sh up|down|status|env|stop SERVER|start SERVER      (or: npm run services -- <command>)
#
# For each server `up` picks, in this order:
#   1. the address in VANE_REDIS_URL / VANE_CLICKHOUSE_URL / VANE_KAFKA_BROKERS / VANE_MONGO_URL,
#      used as is and only health-checked;
#   2. with a reachable Docker engine, `docker compose up -d <service>` from docker-compose.yml
#      (ports 6379, 8123, 9092, 27017 on localhost);
#   3. otherwise a native install, started by this script on loopback ports of its own: Redis
#      16379, ClickHouse 18123, Kafka 19092, FerretDB 27018. State, logs and pid files live in
#      .rig/. The first run installs (apt, Maven Central, Go module proxy); later runs reuse.
# Set VANE_RIG_MODE=native to skip Docker even when it is available.
# VANE_RIG_MONGO_BACKEND=sqlite|postgresql (default sqlite) picks the native FerretDB's backend:
# postgresql runs an own PostgreSQL cluster in .rig/postgres/ on 127.0.0.1:15432
# (VANE_RIG_POSTGRES_PORT), installed with apt when missing; `stop mongo` and `down` stop it too.
#
# `up` then writes .rig/env with VANE_TEST_REDIS_URL, VANE_TEST_CLICKHOUSE_URL,
# VANE_TEST_KAFKA_BROKERS and VANE_TEST_MONGO_URL: `source .rig/env` before the int tests.
# `down` stops the servers this script started natively and leaves the installs in place.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVICES_DIR=$ROOT/scripts/services
RIG=$ROOT/.rig
ENV_FILE=$RIG/env

# shellcheck source=services/lib.sh
source "$SERVICES_DIR/lib.sh"
# shellcheck source=services/redis/redis.sh
source "$SERVICES_DIR/redis/redis.sh"
# shellcheck source=services/clickhouse/clickhouse.sh
source "$SERVICES_DIR/clickhouse/clickhouse.sh"
# shellcheck source=services/kafka/kafka.sh
source "$SERVICES_DIR/kafka/kafka.sh"
# shellcheck source=services/ferretdb/ferretdb.sh
source "$SERVICES_DIR/ferretdb/ferretdb.sh"

SERVICES=(redis clickhouse kafka mongo)
declare -A NAME=([redis]=Redis [clickhouse]=ClickHouse [kafka]=Kafka [mongo]=MongoDB)
declare -A NATIVE_NAME=([redis]=Redis [clickhouse]=ClickHouse [kafka]=Kafka [mongo]=FerretDB)
declare -A SOURCE_VAR=([redis]=VANE_REDIS_URL [clickhouse]=VANE_CLICKHOUSE_URL
  [kafka]=VANE_KAFKA_BROKERS [mongo]=VANE_MONGO_URL)
declare -A TEST_VAR=([redis]=VANE_TEST_REDIS_URL [clickhouse]=VANE_TEST_CLICKHOUSE_URL
  [kafka]=VANE_TEST_KAFKA_BROKERS [mongo]=VANE_TEST_MONGO_URL)
declare -A DOCKER_ADDRESS=([redis]=redis://127.0.0.1:6379 [clickhouse]=http://127.0.0.1:8123
  [kafka]=127.0.0.1:9092 [mongo]=mongodb://127.0.0.1:27017/)
declare -A DEFAULT_PORT=([redis]=6379 [clickhouse]=8123 [kafka]=9092 [mongo]=27017)
# Seconds to wait for a server to become healthy after it was started.
declare -A TIMEOUT=([redis]=20 [clickhouse]=60 [kafka]=120 [mongo]=60)
declare -A PID_FILE=([redis]=$REDIS_PID [clickhouse]=$CH_PID [kafka]=$KAFKA_PID [mongo]=$FERRETDB_PID)
declare -A PID_PATTERN=([redis]=$REDIS_PATTERN [clickhouse]=$CH_PATTERN [kafka]=$KAFKA_PATTERN
  [mongo]=$FERRETDB_PATTERN)
declare -A MODE ADDRESS INSTALL_S START_S TOTAL_S DETAIL

native_logs() {
  case $1 in
    redis) echo "$REDIS_LOG" ;;
    clickhouse) echo "${CH_LOGS[*]}" ;;
    kafka) echo "${KAFKA_LOGS[*]}" ;;
    mongo) echo "$FERRETDB_LOG" ;;
  esac
}

DOCKER_OK=

docker_engine() {
  if [[ -z $DOCKER_OK ]]; then
    DOCKER_OK=no
    if command -v docker >/dev/null 2>&1 && timeout 15 docker info >/dev/null 2>&1; then
      DOCKER_OK=yes
    fi
  fi
  [[ $DOCKER_OK == yes ]]
}

# Decides how a server is provided: external (env var), docker or native.
mode_of() {
  local var=${SOURCE_VAR[$1]}
  if [[ -n ${!var:-} ]]; then
    echo external
  elif [[ ${VANE_RIG_MODE:-} != native ]] && docker_engine; then
    echo docker
  else
    echo native
  fi
}

address_of() {
  local var=${SOURCE_VAR[$1]}
  case $2 in
    external) echo "${!var}" ;;
    docker) echo "${DOCKER_ADDRESS[$1]}" ;;
    native) "$1_native_address" ;;
  esac
}

# Prints "host port" of the first server in an address (URL or Kafka broker list).
tcp_target() {
  local svc=$1 addr=$2 port=${DEFAULT_PORT[$1]}
  [[ $svc == clickhouse && $addr == https:* ]] && port=8443
  addr=${addr#*://}
  addr=${addr##*@}
  addr=${addr%%/*}
  addr=${addr%%\?*}
  addr=${addr%%,*}
  if [[ $addr =~ ^\[(.*)\]:([0-9]+)$ || $addr =~ ^([^:]+):([0-9]+)$ ]]; then
    echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
  else
    echo "${addr#[} $port" | tr -d ']'
  fi
}

# Health-checks a server: the driver probe when node_modules has the drivers, else TCP only.
check() {
  local svc=$1 addr=$2 timeout_s=$3 host port
  if drivers_available; then
    DETAIL[$svc]=$(probe "$svc" "$addr" "$timeout_s") || return 1
  else
    read -r host port < <(tcp_target "$svc" "$addr")
    warn "node_modules lacks the drivers (run \`npm ci\`): ${NAME[$svc]} checked at TCP level only"
    local deadline=$((SECONDS + timeout_s))
    until tcp_open "$host" "$port"; do
      if ((SECONDS >= deadline)); then
        echo "${NAME[$svc]} at $addr: nothing listens on $host:$port after ${timeout_s}s" >&2
        return 1
      fi
      sleep 0.5
    done
    DETAIL[$svc]="TCP $host:$port open"
  fi
}

native_up() {
  local svc=$1 name=${NATIVE_NAME[$1]} addr host port t
  addr=$("${svc}_native_address")
  read -r host port < <(tcp_target "$svc" "$addr")
  local logs
  logs=$(native_logs "$svc")
  if tcp_open "$host" "$port"; then
    if check "$svc" "$addr" 20; then
      [[ $svc != mongo ]] || mongo_native_check_reuse
      log "$name: already running at $addr, reusing it"
      INSTALL_S[$svc]=-
      START_S[$svc]=reused
      return 0
    fi
    die "$name: port $port is taken by something that is not a healthy $name (see \`ss -ltnp\`). Logs: $logs"
  fi
  if pid_alive "${PID_FILE[$svc]}" "${PID_PATTERN[$svc]}"; then
    warn "$name: our earlier process is alive but not listening; restarting it"
    "${svc}_native_stop"
  fi

  if [[ $svc == mongo && -n $PREBUILD_PID ]]; then
    wait "$PREBUILD_PID" || die "FerretDB: the background build failed (see its error above)"
    PREBUILD_PID=
    "${svc}_native_install" # what the backend needs besides the build (apt, not in parallel)
    INSTALL_S[$svc]="$(elapsed_since "$PREBUILD_T0")s bg"
  else
    t=$(now_ms)
    "${svc}_native_install"
    INSTALL_S[$svc]="$(elapsed_since "$t")s"
  fi

  t=$(now_ms)
  log "$name: starting on $addr"
  "${svc}_native_start"
  if ! check "$svc" "$addr" "${TIMEOUT[$svc]}"; then
    # shellcheck disable=SC2086 # logs is a space-separated list of paths
    tail_logs $logs
    die "$name started but is not healthy at $addr. Logs: $logs"
  fi
  START_S[$svc]="$(elapsed_since "$t")s"
}

# Backend details of a native server for the summaries (only FerretDB has any).
native_describe() {
  [[ $1 != mongo ]] || echo ", $(mongo_native_describe)"
}

# Client tools the integration tests drive: grpcurl (a real gRPC reflection client) and
# Debian's Chromium (a real browser, driven by playwright-core).
GRPCURL_VERSION=v1.9.3
GRPCURL=$RIG/bin/grpcurl
CHROMIUM=${VANE_CHROMIUM:-}

install_tools() {
  if [[ ! -x $GRPCURL ]]; then
    command -v go >/dev/null || die "grpcurl: Go is needed to install it (go install from the Go module proxy)"
    run_step "grpcurl: go install github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION" \
      "$RIG/logs/grpcurl-install.log" \
      env GOBIN="$RIG/bin" go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
  fi
  if [[ -z $CHROMIUM ]]; then
    CHROMIUM=$(command -v chromium || true)
    if [[ -z $CHROMIUM ]]; then
      apt_install chromium
      CHROMIUM=$(command -v chromium || true)
      [[ -n $CHROMIUM ]] || die "chromium still missing after apt-get install chromium"
    fi
  fi
}

write_env() {
  local svc var tmp=$ENV_FILE.tmp
  {
    echo "# Written by scripts/services.sh up on $(date -u +%FT%TZ). Use: source .rig/env"
    for svc in "${SERVICES[@]}"; do
      var=${TEST_VAR[$svc]}
      printf 'export %s=%q\n' "$var" "${ADDRESS[$svc]}"
    done
    printf 'export VANE_TEST_GRPCURL=%q\n' "$GRPCURL"
    printf 'export VANE_TEST_CHROMIUM=%q\n' "$CHROMIUM"
  } >"$tmp"
  mv "$tmp" "$ENV_FILE"
}

PREBUILD_PID=
PREBUILD_T0=

# FerretDB's first build needs minutes of CPU, while the other installs mostly wait on the
# network: start it at once in the background; native_up collects it when its turn comes.
start_prebuild() {
  [[ ${MODE[mongo]} == native ]] || return 0
  ferretdb_installed && return 0
  tcp_open 127.0.0.1 "$FERRETDB_PORT" && return 0
  log "FerretDB: building in the background while the other servers install"
  PREBUILD_T0=$(now_ms)
  ferretdb_build 9>&- &
  PREBUILD_PID=$!
  trap '[[ -z $PREBUILD_PID ]] || kill "$PREBUILD_PID" 2>/dev/null || true' EXIT
}

cmd_up() {
  local svc t_all t docker_svcs=()
  t_all=$(now_ms)
  for svc in "${SERVICES[@]}"; do
    MODE[$svc]=$(mode_of "$svc")
    ADDRESS[$svc]=$(address_of "$svc" "${MODE[$svc]}")
    [[ ${MODE[$svc]} == docker ]] && docker_svcs+=("$svc")
  done

  if ((${#docker_svcs[@]})); then
    [[ -f $ROOT/docker-compose.yml ]] ||
      die "Docker is available but $ROOT/docker-compose.yml is missing (set VANE_RIG_MODE=native to install natively)"
    run_step "docker compose up -d ${docker_svcs[*]}" "$RIG/logs/docker.log" \
      docker compose -f "$ROOT/docker-compose.yml" up -d "${docker_svcs[@]}"
  fi
  start_prebuild

  for svc in "${SERVICES[@]}"; do
    t=$(now_ms)
    INSTALL_S[$svc]=-
    START_S[$svc]=-
    case ${MODE[$svc]} in
      external)
        log "${NAME[$svc]}: using ${SOURCE_VAR[$svc]}=${ADDRESS[$svc]}"
        check "$svc" "${ADDRESS[$svc]}" 30 ||
          die "${NAME[$svc]} from ${SOURCE_VAR[$svc]} is not healthy at ${ADDRESS[$svc]}"
        ;;
      docker)
        log "${NAME[$svc]}: waiting for the docker compose service '$svc' at ${ADDRESS[$svc]}"
        check "$svc" "${ADDRESS[$svc]}" "${TIMEOUT[$svc]}" ||
          die "${NAME[$svc]} (docker compose service '$svc') is not healthy at ${ADDRESS[$svc]}. Logs: docker compose -f docker-compose.yml logs $svc"
        ;;
      native)
        native_up "$svc"
        DETAIL[$svc]+=$(native_describe "$svc")
        ;;
    esac
    TOTAL_S[$svc]="$(elapsed_since "$t")s"
    log "${NAME[$svc]}: up at ${ADDRESS[$svc]} (${DETAIL[$svc]:-})"
  done

  install_tools
  write_env
  log "all servers up in $(elapsed_since "$t_all")s; addresses in .rig/env:"
  printf '  %-11s %-9s %-28s %-9s %-9s %-8s %s\n' server mode address install start total health >&2
  for svc in "${SERVICES[@]}"; do
    printf '  %-11s %-9s %-28s %-9s %-9s %-8s %s\n' "${NAME[$svc]}" "${MODE[$svc]}" \
      "${ADDRESS[$svc]}" "${INSTALL_S[$svc]}" "${START_S[$svc]}" "${TOTAL_S[$svc]}" \
      "${DETAIL[$svc]:-}" >&2
  done
  cat "$ENV_FILE"
}

cmd_down() {
  local svc
  # Stop all four at once: Kafka alone takes a few seconds to shut down cleanly.
  for svc in "${SERVICES[@]}"; do
    "${svc}_native_stop" &
  done
  wait
  for svc in "${SERVICES[@]}"; do
    if [[ $(mode_of "$svc") == docker ]]; then
      log "Docker services are left running; stop them with: docker compose -f docker-compose.yml down"
      break
    fi
  done
}

cmd_status() {
  local svc mode addr state pid all_up=0
  printf '%-11s %-5s %-9s %-28s %s\n' server state mode address details
  for svc in "${SERVICES[@]}"; do
    mode=$(mode_of "$svc")
    addr=$(address_of "$svc" "$mode")
    pid=
    if [[ $mode == native ]] && pid_alive "${PID_FILE[$svc]}" "${PID_PATTERN[$svc]}"; then
      pid="pid $(<"${PID_FILE[$svc]}"), "
    fi
    if check "$svc" "$addr" 0 2>/dev/null; then
      state=up
    else
      state=down
      DETAIL[$svc]="not answering"
      all_up=1
    fi
    [[ $mode != native ]] || DETAIL[$svc]+=$(native_describe "$svc")
    printf '%-11s %-5s %-9s %-28s %s\n' "${NAME[$svc]}" "$state" "$mode" "$addr" "$pid${DETAIL[$svc]}"
  done
  return "$all_up"
}

# Fault tests stop and restart one server while a test runs (native servers only).
one_service() {
  local svc=${1:-}
  [[ " ${SERVICES[*]} " == *" $svc "* ]] || die "unknown server '$svc' (one of: ${SERVICES[*]})"
  [[ $(mode_of "$svc") == native ]] ||
    die "${NAME[$svc]}: stop/start only manages servers this script installed natively"
}

# Fault tests rely on `stop`: it fails when the server still answers afterwards (e.g. one this
# rig did not start, reused from another checkout), so a fault test can never pass without the
# fault.
declare -A NATIVE_PORT=([redis]=$REDIS_PORT [clickhouse]=$CH_HTTP_PORT [kafka]=$KAFKA_PORT
  [mongo]=$FERRETDB_PORT)

cmd_stop() {
  one_service "$1"
  "${1}_native_stop"
  if tcp_open 127.0.0.1 "${NATIVE_PORT[$1]}"; then
    die "${NAME[$1]} still answers on port ${NATIVE_PORT[$1]}: this rig did not start it (no live pid file in $RIG), so it cannot stop it"
  fi
  log "${NAME[$1]}: stopped"
}

cmd_start() {
  one_service "$1"
  MODE[$1]=native
  ADDRESS[$1]=$(address_of "$1" native)
  native_up "$1"
  log "${NAME[$1]}: up at ${ADDRESS[$1]} (${DETAIL[$1]:-}$(native_describe "$1"))"
}

cmd_env() {
  [[ -f $ENV_FILE ]] || die "$ENV_FILE does not exist: run \`npm run services up\` first"
  cat "$ENV_FILE"
}

usage() {
  echo "usage: scripts/services.sh up|down|status|env|stop SERVER|start SERVER" >&2
  exit 2
}

main() {
  (($# >= 1)) || usage
  mkdir -p "$RIG/logs"
  # Ask Docker once, here: mode_of runs in subshells, which cannot fill the cache.
  [[ ${VANE_RIG_MODE:-} == native ]] || docker_engine || true
  case $1 in
    up | down)
      # One up/down at a time: parallel runs would race on installs and ports.
      exec 9>"$RIG/.lock"
      flock 9
      "cmd_$1"
      ;;
    stop | start)
      (($# == 2)) || usage
      exec 9>"$RIG/.lock"
      flock 9
      "cmd_$1" "$2"
      ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) usage ;;
  esac
}

main "$@"
