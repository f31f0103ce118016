#!/usr/bin/env bash
# The satisfaction report (SAT-4) over a year of ratings: N synthetic device ratings (default 1,000,000) spread over
# 2026 across the demo city's rated windows and staff, then the report for a month and for the year, all units and one
# unit, and the one unit's .xlsx, each timed with wrk (one connection, one request at a time) against a Release build.
# Usage: bench/satisfaction-report/run.sh [ratings]   (needs wrk, python3, curl)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
N=${1:-1000000}
D=${D:-10}
WORK=${BENCH_DIR:-/tmp/mingcha-bench/satisfaction-report}
PORT=${BENCH_PORT:-5093}
rm -rf "$WORK" && mkdir -p "$WORK/data"
dotnet publish ../../src/Mingcha.Web -c Release -o "$WORK/app" -nologo -v quiet
APP=(dotnet "$WORK/app/Mingcha.Web.dll" --Mingcha:DataFolder="$WORK/data" --Mingcha:LoadDemoData=true --Mingcha:RunJobs=false --urls "http://127.0.0.1:$PORT")
start() { ASPNETCORE_ENVIRONMENT=Production "${APP[@]}" > "$WORK/app.log" 2>&1 & PID=$!; for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && return; sleep 1; done; echo "app did not start"; exit 1; }
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; }

start; stop                                   # migrate, load the demo city and the official calendar
time python3 seed.py "$WORK/data/mingcha.db" "$N"
USER_NAME=bench-office-$RANDOM
cd "$WORK/app" && PASSWORD=$(dotnet Mingcha.Web.dll create-admin --user $USER_NAME --role OfficeStaff --Mingcha:DataFolder="$WORK/data" | grep -oP '(?<=\(shown once\): )\S+'); cd - >/dev/null
start
UNIT=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT \"UnitId\" FROM \"Ratings\" GROUP BY 1 ORDER BY count(*) DESC LIMIT 1').fetchone()[0].lower())" "$WORK/data/mingcha.db")
COOKIE=$(curl -s -c - -H 'Content-Type: application/json' -d "{\"userName\":\"$USER_NAME\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$PORT/api/v1/auth/login" \
  | awk '$6 ~ /^mingcha/ {printf "%s=%s; ", $6, $7}')
run() {
  local name=$1 path=$2
  curl -sf -o /dev/null -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$path" || { echo "$name: request failed"; stop; exit 1; }
  echo "== $name: $path"
  wrk -t1 -c1 -d"${D}s" --timeout 60s --latency -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$path" | grep -E "^\s+(50|90|99)%|requests in|Non-2xx" || true
}
run "a month, all units" "/api/v1/satisfaction/report?from=2026-11-01&to=2026-11-30"
run "a month, one unit" "/api/v1/satisfaction/report?from=2026-11-01&to=2026-11-30&unitId=$UNIT"
run "the year, all units" "/api/v1/satisfaction/report?from=2026-01-01&to=2026-12-31"
run "the year, one unit" "/api/v1/satisfaction/report?from=2026-01-01&to=2026-12-31&unitId=$UNIT"
run "the year, one unit, page" "/Ratings/Report?from=2026-01-01&to=2026-12-31&unit=$UNIT"
run "the year, one unit, xlsx" "/Ratings/Report?from=2026-01-01&to=2026-12-31&unit=$UNIT&handler=Xlsx"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
stop
