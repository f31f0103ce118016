#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for the test suites.
#
#   scripts/test-postgres.sh start   # initdb a fresh cluster and start it (no-op if already answering)
#   scripts/test-postgres.sh stop    # stop it (no-op if not running)
#   scripts/test-postgres.sh url     # print the Npgsql connection string
#
# Data dir: ${MINGCHA_TEST_ROOT:-/tmp/mingcha-test}/pg, port ${MINGCHA_TEST_PG_PORT:-55432},
# loopback only, trust auth, fsync off. Each start from cold makes a new cluster: nothing is kept.
# As root the server runs as the `postgres` user (runuser); otherwise as the calling user.
set -euo pipefail

PG_BIN=${MINGCHA_TEST_PG_BIN:-/usr/lib/postgresql/15/bin}
TEST_ROOT=${MINGCHA_TEST_ROOT:-/tmp/mingcha-test}
PORT=${MINGCHA_TEST_PG_PORT:-55432}
DATA="$TEST_ROOT/pg"
LOG="$TEST_ROOT/pg.log"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

is_up() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1
}

url() {
  echo "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres"
}

start() {
  if is_up; then
    return 0
  fi
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "test-postgres: $PG_BIN/initdb not found (install the Debian package postgresql-15)" >&2
    exit 1
  fi
  mkdir -p "$TEST_ROOT"
  # A stale cluster from an earlier run (crashed or killed): stop it if it still runs, then drop it.
  if [ -f "$DATA/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DATA"
  mkdir -p "$DATA"
  : >"$LOG"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$DATA" "$LOG"
  fi
  chmod 700 "$DATA"
  if ! as_owner "$PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust --no-sync -E UTF8 >>"$LOG" 2>&1; then
    echo "test-postgres: initdb failed, log follows ($LOG):" >&2
    cat "$LOG" >&2
    exit 1
  fi
  if ! as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w start \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c max_connections=300" >/dev/null 2>&1; then
    echo "test-postgres: server did not start, log follows ($LOG):" >&2
    cat "$LOG" >&2
    exit 1
  fi
  if ! is_up; then
    echo "test-postgres: server started but pg_isready gets no answer on 127.0.0.1:$PORT" >&2
    exit 1
  fi
}

stop() {
  if [ -f "$DATA/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || {
      echo "test-postgres: pg_ctl stop failed (see $LOG)" >&2
      return 1
    }
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
