#!/usr/bin/env bash
# Throwaway S3-compatible server (s3rver, from npm) for the evidence tests' S3 backend.
#
#   scripts/test-s3.sh start   # install s3rver (tests/node, pinned by package-lock.json) and start it (no-op if running)
#   scripts/test-s3.sh stop    # stop it (no-op if not running)
#   scripts/test-s3.sh url     # print the endpoint URL (access key and secret are both S3RVER)
#
# Data dir: ${MINGCHA_TEST_ROOT:-/tmp/mingcha-test}/s3, port ${MINGCHA_TEST_S3_PORT:-54568}, loopback only.
# Each start from cold begins with an empty data dir.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_DIR="$REPO/tests/node"
TEST_ROOT=${MINGCHA_TEST_ROOT:-/tmp/mingcha-test}
PORT=${MINGCHA_TEST_S3_PORT:-54568}
DATA="$TEST_ROOT/s3"
PIDFILE="$TEST_ROOT/s3rver.pid"
LOG="$TEST_ROOT/s3rver.log"

url() { echo "http://127.0.0.1:$PORT"; }

is_up() { curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; }

install() {
  if [ ! -x "$NODE_DIR/node_modules/.bin/s3rver" ] || [ ! -d "$NODE_DIR/node_modules/tus-js-client" ]; then
    (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
}

start() {
  if is_up; then return 0; fi
  install
  mkdir -p "$TEST_ROOT"
  rm -rf "$DATA"
  mkdir -p "$DATA"
  nohup "$NODE_DIR/node_modules/.bin/s3rver" -d "$DATA" -a 127.0.0.1 -p "$PORT" --silent >"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 100); do
    if is_up; then return 0; fi
    sleep 0.1
  done
  echo "test-s3: s3rver did not answer on 127.0.0.1:$PORT; log follows ($LOG):" >&2
  cat "$LOG" >&2
  exit 1
}

stop() {
  if [ -f "$PIDFILE" ]; then
    kill "$(cat "$PIDFILE")" 2>/dev/null || true
    rm -f "$PIDFILE"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
