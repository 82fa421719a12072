# shellcheck shell=bash
# Native ClickHouse for scripts/services.sh: Debian's clickhouse-server (18.16), run by us with
# the config templates beside this file, data and logs under .rig/clickhouse. Sourced; uses lib.sh.
# 18.16 runs fine as root; newer versions only insist that the data dir belongs to the user
# running the server, which holds here because we create it.

CH_HTTP_PORT=${VANE_RIG_CLICKHOUSE_PORT:-18123}
CH_TCP_PORT=${VANE_RIG_CLICKHOUSE_TCP_PORT:-19000}
CH_INTERSERVER_PORT=${VANE_RIG_CLICKHOUSE_INTERSERVER_PORT:-19009}
CH_DIR=$RIG/clickhouse
CH_PID=$CH_DIR/clickhouse.pid
CH_OUT=$CH_DIR/log/stdout.log
CH_LOGS=("$CH_DIR/log/clickhouse-server.err.log" "$CH_DIR/log/clickhouse-server.log" "$CH_OUT")
CH_PATTERN=clickhouse-server

clickhouse_native_address() { echo "http://127.0.0.1:$CH_HTTP_PORT"; }

clickhouse_binary() {
  if command -v clickhouse-server >/dev/null 2>&1; then
    command -v clickhouse-server
  elif [[ -x /usr/sbin/clickhouse-server ]]; then
    echo /usr/sbin/clickhouse-server
  else
    return 1
  fi
}

clickhouse_native_install() {
  clickhouse_binary >/dev/null && return 0
  apt_install clickhouse-server
  clickhouse_binary >/dev/null ||
    die "clickhouse-server still missing after apt-get install clickhouse-server"
}

# Renders a template: replaces the @NAME@ placeholders with this rig's paths and ports.
clickhouse_render() {
  local text
  text=$(<"$1")
  text=${text//@CH_DIR@/$CH_DIR}
  text=${text//@HTTP_PORT@/$CH_HTTP_PORT}
  text=${text//@TCP_PORT@/$CH_TCP_PORT}
  text=${text//@INTERSERVER_PORT@/$CH_INTERSERVER_PORT}
  printf '%s\n' "$text" >"$2"
}

clickhouse_native_start() {
  local bin
  bin=$(clickhouse_binary)
  mkdir -p "$CH_DIR/etc" "$CH_DIR/log" "$CH_DIR/data"
  clickhouse_render "$SERVICES_DIR/clickhouse/config.xml" "$CH_DIR/etc/config.xml"
  clickhouse_render "$SERVICES_DIR/clickhouse/users.xml" "$CH_DIR/etc/users.xml"
  start_daemon "$CH_PID" "$CH_OUT" "$bin" --config-file="$CH_DIR/etc/config.xml"
  wait_tcp ClickHouse 127.0.0.1 "$CH_HTTP_PORT" 60 "$CH_PID" "$CH_PATTERN" "${CH_LOGS[@]}"
}

clickhouse_native_stop() { stop_daemon ClickHouse "$CH_PID" "$CH_PATTERN"; }
