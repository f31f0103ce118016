#!/usr/bin/env bash
# A campaign of 10,000 sections and 1,000,000 evaluations on SQLite (issue 8's targets: full computation < 2 s and at most
# 3× one aggregate scan of the evaluations, measured in the same run; the ranking page < 200 ms).
# Usage: ./run.sh [sections] [evaluations] [page-requests]   (env: SKIP_BUILD=1, REUSE=1 keeps the seeded database, RUNS=5, TIMINGS=1 prints the phases)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
OUT=../results/scoring.tmp
[ "${SKIP_BUILD:-}" = 1 ] || dotnet build Mingcha.Bench.Scoring -c Release -nologo -v quiet
Mingcha.Bench.Scoring/bin/Release/net10.0/Mingcha.Bench.Scoring "$OUT" "${1:-10000}" "${2:-1000000}"
# The ranking page over HTTP: the app on the benchmark's database, the published campaign's public ranking (one category).
APP=../../src/Mingcha.Web/bin/Release/net10.0/Mingcha.Web.dll
PORT=5193
dotnet "$APP" --urls "http://127.0.0.1:$PORT" --Mingcha:DataFolder="$OUT" --Mingcha:RunJobs=false --Logging:LogLevel:Default=Warning >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 1; done
URL="http://127.0.0.1:$PORT$(cat "$OUT/ranking-path.txt")"
curl -s -o /dev/null "$URL"; curl -s -o /dev/null "$URL"   # warm-up
for _ in $(seq 1 "${3:-20}"); do curl -s -o /dev/null -w '%{time_total}\n' "$URL"; done | sort -n | awk '{a[NR]=$1} END {printf "ranking page (%s), %d requests: median %.0f ms, max %.0f ms\n", "'"$(cat "$OUT/ranking-path.txt")"'", NR, a[int((NR+1)/2)]*1000, a[NR]*1000}'
curl -s "$URL" | wc -c | awk '{printf "page size %d bytes\n", $1}'
