#!/usr/bin/env bash
# Complaints at scale (issue 6): 1,000,000 complaints in SQLite; public intake with duplicate detection (target p95 < 50 ms)
# and the Office's filtered list with 32 concurrent users (target p95 < 200 ms), wrk on loopback against a Release build.
# Usage: bench/complaints/run.sh [complaints]   (needs wrk, python3, curl)
#   SEED_ONLY=1  publish, migrate and seed, then stop (seeding 1,000,000 takes 10 to 30 minutes);
#   REUSE=1      keep an earlier seeded folder of the same size (the app applies newer migrations to it at start);
#   NO_PUBLISH=1 with REUSE=1, keep the last published build too; LIST_ONLY=1 skip the intake runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
N=${1:-1000000}
WORK=${BENCH_DIR:-/tmp/mingcha-bench/complaints}
PORT=${BENCH_PORT:-5091}
SEEDED="$WORK/data/.seeded-$N"
if [[ ${REUSE:-0} == 1 && -f $SEEDED ]]; then FRESH=0; [[ ${NO_PUBLISH:-0} == 1 ]] || rm -rf "$WORK/app"; else FRESH=1; rm -rf "$WORK" && mkdir -p "$WORK/data"; fi
[[ -f "$WORK/app/Mingcha.Web.dll" ]] || dotnet publish ../../src/Mingcha.Web -c Release -o "$WORK/app" -nologo -v quiet
APP=(dotnet "$WORK/app/Mingcha.Web.dll" --Mingcha:DataFolder="$WORK/data" --Mingcha:LoadDemoData=true --Mingcha:RunJobs=false
     --Mingcha:Complaints:PublicPermitsPerHour=100000000 --urls "http://127.0.0.1:$PORT")
start() { ASPNETCORE_ENVIRONMENT=Production "${APP[@]}" > "$WORK/app.log" 2>&1 & PID=$!; for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && return; sleep 1; done; echo "app did not start"; exit 1; }
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; }

start; stop                                   # migrate, load the demo city and the official calendar
if [[ $FRESH == 1 ]]; then time python3 seed.py "$WORK/data/mingcha.db" "$N"; touch "$SEEDED"; fi
[[ ${SEED_ONLY:-0} == 1 ]] && exit 0
USER_NAME=bench-office-$RANDOM
cd "$WORK/app" && PASSWORD=$(dotnet Mingcha.Web.dll create-admin --user $USER_NAME --role OfficeStaff --Mingcha:DataFolder="$WORK/data" | grep -oP '(?<=\(shown once\): )\S+'); cd - >/dev/null
start
UNITS=$(python3 -c "import sqlite3,sys; print(','.join(r[0].lower() for r in sqlite3.connect(sys.argv[1]).execute('SELECT \"Id\" FROM \"Units\"')))" "$WORK/data/mingcha.db")
COOKIE=$(curl -s -c - -H 'Content-Type: application/json' -d "{\"userName\":\"$USER_NAME\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$PORT/api/v1/auth/login" \
  | awk '$6 ~ /^mingcha/ {printf "%s=%s; ", $6, $7}')
export UNITS COOKIE
echo "== warm-up"; wrk -t2 -c32 -d5s -s list.lua "http://127.0.0.1:$PORT" >/dev/null
cpu() { awk '{print $14+$15}' /proc/$PID/stat; }   # the app's user+system CPU in clock ticks
echo "== office list, 32 users"; C0=$(cpu); wrk -t2 -c32 -d20s -s list.lua "http://127.0.0.1:$PORT" | tee "$WORK/list.txt"; C1=$(cpu)
N_REQ=$(awk '/requests in/{print $1}' "$WORK/list.txt")
echo "app CPU during the list run: $(( (C1 - C0) * 1000000 / $(getconf CLK_TCK) / (N_REQ + 1) )) µs per request; load average $(cut -d' ' -f1-3 /proc/loadavg)"
[[ ${LIST_ONLY:-0} == 1 ]] && { stop; exit 0; }
echo "== public intake, 4 connections"; wrk -t1 -c4 -d20s -s intake.lua "http://127.0.0.1:$PORT"
echo "== public intake, 1 connection"; wrk -t1 -c1 -d20s -s intake.lua "http://127.0.0.1:$PORT"
stop
