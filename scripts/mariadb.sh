#!/usr/bin/env bash
# A private MariaDB for the integration tests, from Debian's mariadb-server package (no systemd, no Docker).
#   scripts/mariadb.sh start   initialise (first time) and start; idempotent; waits until ready (bounded)
#   scripts/mariadb.sh stop    shut it down (bounded), keep the data
#   scripts/mariadb.sh env     print IM_TEST_MYSQL='…' (use: eval "export $(scripts/mariadb.sh env)")
# State lives in ${IM_TEST_STATE:-/tmp/imsignalr-test}/mariadb; port ${IM_TEST_MYSQL_PORT:-3307}.
# Database imsignalr_test and user im/im (rights on imsignalr_test and imsignalr_test_* so tests can
# create scratch databases). Grants stay on: no skip-grant-tables.
set -euo pipefail

STATE_DIR="${IM_TEST_STATE:-/tmp/imsignalr-test}/mariadb"
PORT="${IM_TEST_MYSQL_PORT:-3307}"
DATA_DIR="$STATE_DIR/data"
SOCKET="$STATE_DIR/mysqld.sock"
PID_FILE="$STATE_DIR/mysqld.pid"
LOG_FILE="$STATE_DIR/mysqld.log"
READY_TIMEOUT_SECONDS="${IM_TEST_MYSQL_READY_TIMEOUT:-60}"
DATABASE="imsignalr_test"
RUN_AS="$(id -un)"

find_bin() {
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    if [[ -x "/usr/sbin/$name" ]]; then echo "/usr/sbin/$name"; return 0; fi
    if [[ -x "/usr/bin/$name" ]]; then echo "/usr/bin/$name"; return 0; fi
  done
  echo "mariadb.sh: none of '$*' found; install Debian's mariadb-server (apt-get install -y mariadb-server)" >&2
  return 1
}

server_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

root_sql() {
  "$CLIENT" --no-defaults --protocol=socket --socket="$SOCKET" -uroot "$@"
}

ping_server() {
  "$ADMIN" --no-defaults --protocol=socket --socket="$SOCKET" -uroot --connect-timeout=2 ping >/dev/null 2>&1
}

wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
  until ping_server; do
    if (( SECONDS >= deadline )); then
      echo "mariadb.sh: not ready after ${READY_TIMEOUT_SECONDS}s; last log lines:" >&2
      tail -n 30 "$LOG_FILE" >&2 || true
      return 1
    fi
    if ! server_pid >/dev/null && [[ -f "$PID_FILE" || $SECONDS -gt $((deadline - READY_TIMEOUT_SECONDS + 10)) ]] && ! pgrep -f -- "--socket=$SOCKET" >/dev/null; then
      echo "mariadb.sh: the server exited during start; last log lines:" >&2
      tail -n 30 "$LOG_FILE" >&2 || true
      return 1
    fi
    sleep 0.3
  done
}

start() {
  MARIADBD="$(find_bin mariadbd mysqld)"
  INSTALL_DB="$(find_bin mariadb-install-db mysql_install_db)"
  mkdir -p "$STATE_DIR"
  if server_pid >/dev/null && ping_server; then
    echo "mariadb.sh: already running on port $PORT (pid $(server_pid))"
    bootstrap
    return 0
  fi
  if [[ ! -d "$DATA_DIR/mysql" ]]; then
    rm -rf "$DATA_DIR"
    mkdir -p "$DATA_DIR"
    "$INSTALL_DB" --no-defaults --user="$RUN_AS" --datadir="$DATA_DIR" --auth-root-authentication-method=socket \
      --skip-test-db >"$STATE_DIR/install.log" 2>&1 \
      || { echo "mariadb.sh: mariadb-install-db failed:" >&2; tail -n 30 "$STATE_DIR/install.log" >&2; exit 1; }
  fi
  rm -f "$SOCKET" "$PID_FILE"
  # setsid + nohup: the server outlives this script and the shell that ran it.
  setsid nohup "$MARIADBD" --no-defaults --user="$RUN_AS" --datadir="$DATA_DIR" \
    --port="$PORT" --bind-address=127.0.0.1 --socket="$SOCKET" --pid-file="$PID_FILE" --log-error="$LOG_FILE" \
    --skip-name-resolve --innodb-buffer-pool-size=128M --innodb-log-file-size=64M --max-connections=300 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin --max-allowed-packet=64M \
    </dev/null >/dev/null 2>&1 &
  wait_ready
  bootstrap
  echo "mariadb.sh: ready on 127.0.0.1:$PORT (pid $(server_pid || echo '?'))"
}

bootstrap() {
  root_sql <<SQL
CREATE DATABASE IF NOT EXISTS \`$DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS 'im'@'127.0.0.1' IDENTIFIED BY 'im';
CREATE USER IF NOT EXISTS 'im'@'localhost' IDENTIFIED BY 'im';
GRANT ALL PRIVILEGES ON \`imsignalr\\_test%\`.* TO 'im'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`imsignalr\\_test%\`.* TO 'im'@'localhost';
FLUSH PRIVILEGES;
SQL
}

stop() {
  local pid
  if ! pid="$(server_pid)"; then
    echo "mariadb.sh: not running"
    return 0
  fi
  "$ADMIN" --no-defaults --protocol=socket --socket="$SOCKET" -uroot shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      echo "mariadb.sh: pid $pid did not stop in 30s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE" "$SOCKET"
  echo "mariadb.sh: stopped"
}

print_env() {
  echo "IM_TEST_MYSQL='Server=127.0.0.1;Port=$PORT;Database=$DATABASE;Uid=im;Pwd=im;SslMode=None;Connection Timeout=5;Default Command Timeout=30'"
}

CLIENT="$(find_bin mariadb mysql)"
ADMIN="$(find_bin mariadb-admin mysqladmin)"

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
