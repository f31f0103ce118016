#!/usr/bin/env bash
# Durable rating ingestion on SQLite against a bare Kestrel POST endpoint, same run, same tool (wrk -t2 -c64).
# Usage: bench/ratings/run.sh [seconds]   (default 15). Prints both figures and the stored count.
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${D:-15}
WARM=${WARM:-15}   # a large app needs seconds of load before tiered compilation settles; the same warm-up for both
OUT=/tmp/mingcha-bench-ratings
if [ -z "${NO_PUBLISH:-}" ]; then   # NO_PUBLISH=1 reuses the last published builds
rm -rf "$OUT" && mkdir -p "$OUT"
dotnet publish src/Mingcha.Web -c Release -o "$OUT/app" -nologo -v q >/dev/null
dotnet publish bench/ratings/bare -c Release -o "$OUT/bare" -nologo -v q >/dev/null
fi

if [ -z "${SKIP_BARE:-}" ]; then
echo "== bare Kestrel"
ASPNETCORE_URLS=http://127.0.0.1:5091 dotnet "$OUT/bare/Bare.dll" >/dev/null 2>&1 & BARE=$!
sleep 2
printf '%s\n' "mct_x" > "$OUT/bare-tokens"
TOKENS="$OUT/bare-tokens" wrk -t2 -c64 -d${WARM}s -s bench/ratings/rate.lua http://127.0.0.1:5091 >/dev/null
BCPU0=$(awk '{print $14+$15}' /proc/$BARE/stat)
TOKENS="$OUT/bare-tokens" wrk -t2 -c64 -d${D}s --latency -s bench/ratings/rate.lua http://127.0.0.1:5091 | tee "$OUT/bare.txt"
BCPU1=$(awk '{print $14+$15}' /proc/$BARE/stat)
BREQ=$(awk '/requests in/{print $1}' "$OUT/bare.txt")
echo "bare CPU during the measured run: $(( (BCPU1 - BCPU0) * 1000 / $(getconf CLK_TCK) )) ms, $(( (BCPU1 - BCPU0) * 1000000 / $(getconf CLK_TCK) / (BREQ + 1) )) µs per request; load average $(cut -d' ' -f1-3 /proc/loadavg)"
kill $BARE; wait $BARE 2>/dev/null || true
fi

echo "== Mingcha, durable ratings on SQLite (synchronous=FULL, group commit)"
DATA="${DATA_DIR:-$OUT/data}"; rm -rf "$DATA"
export Mingcha__DataFolder="$DATA" Mingcha__RunJobs=false Mingcha__Ratings__DevicePermitsPerMinute=100000000 Mingcha__Ratings__DeviceBurst=100000000 Mingcha__Ratings__DetectManipulation=${DETECT:-false}
export Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production
[ -n "${PERF:-}" ] && export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
dotnet "${APP_DIR:-$OUT/app}/Mingcha.Web.dll" --urls http://127.0.0.1:5092 ${APP_ARGS:-} >"$OUT/app.log" 2>&1 & APP=$!
for i in $(seq 1 60); do curl -sf http://127.0.0.1:5092/health >/dev/null && break; sleep 1; done
SECTION=$(python3 bench/ratings/tokens.py "$DATA/mingcha.db" 1000 "$OUT/tokens")
export SECTION TOKENS="$OUT/tokens"
wrk -t2 -c64 -d${WARM}s -s bench/ratings/rate.lua http://127.0.0.1:5092 >/dev/null
BEFORE=$(python3 -c "import sqlite3;print(sqlite3.connect('$DATA/mingcha.db').execute('select count(*) from Ratings').fetchone()[0])")
cpu() { awk '{print $14+$15}' /proc/$APP/stat; }   # the app's user+system CPU in clock ticks
CPU0=$(cpu)
if [ -n "${PERF:-}" ]; then perf record -F 499 -g -p $APP -o "$OUT/perf.data" -- sleep "$D" >/dev/null 2>&1 & PERFPID=$!; fi
wrk -t2 -c64 -d${D}s --latency -s bench/ratings/rate.lua http://127.0.0.1:5092 | tee "$OUT/app.txt"
CPU1=$(cpu)
if [ -n "${PERF:-}" ]; then wait $PERFPID || true; fi
AFTER=$(python3 -c "import sqlite3;print(sqlite3.connect('$DATA/mingcha.db').execute('select count(*) from Ratings').fetchone()[0])")
echo "ratings stored during the measured run: $((AFTER - BEFORE))"
TICK=$(getconf CLK_TCK)
echo "app CPU during the measured run: $(( (CPU1 - CPU0) * 1000 / TICK )) ms, $(( (CPU1 - CPU0) * 1000000 / TICK / (AFTER - BEFORE + 1) )) µs per stored rating; load average $(cut -d' ' -f1-3 /proc/loadavg)"
kill $APP; wait $APP 2>/dev/null || true
