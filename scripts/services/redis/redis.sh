# shellcheck shell=bash
# Native Redis for scripts/services.sh: Debian's redis-server, run by us (not by systemd) on a
# loopback port of our own, without persistence. Sourced; uses lib.sh.

REDIS_PORT=${VANE_RIG_REDIS_PORT:-16379}
REDIS_DIR=$RIG/redis
REDIS_PID=$REDIS_DIR/redis.pid
REDIS_LOG=$REDIS_DIR/redis.log
REDIS_PATTERN=redis-server

redis_native_address() { echo "redis://127.0.0.1:$REDIS_PORT"; }

redis_native_install() {
  command -v redis-server >/dev/null 2>&1 && return 0
  apt_install redis-server
  command -v redis-server >/dev/null 2>&1 || die "redis-server still missing after apt-get install redis-server"
}

redis_native_start() {
  mkdir -p "$REDIS_DIR"
  start_daemon "$REDIS_PID" "$REDIS_LOG" redis-server \
    --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --daemonize no --dir "$REDIS_DIR" --save '' --appendonly no --logfile ''
  wait_tcp Redis 127.0.0.1 "$REDIS_PORT" 20 "$REDIS_PID" "$REDIS_PATTERN" "$REDIS_LOG"
}

redis_native_stop() { stop_daemon Redis "$REDIS_PID" "$REDIS_PATTERN"; }
