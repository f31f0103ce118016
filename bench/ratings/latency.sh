#!/usr/bin/env bash
# SAT-2: POST-to-stream latency with 500 viewers at 1,000 ratings/s (Release build, SQLite), driven by the compiled
# LatencyDriver (bench/ratings/LatencyDriver). Usage: bench/ratings/latency.sh [seconds]; env VIEWERS, RATE.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=/tmp/mingcha-bench-latency
rm -rf "$OUT" && mkdir -p "$OUT"
dotnet publish src/Mingcha.Web -c Release -o "$OUT/app" -nologo -v q >/dev/null
dotnet publish bench/ratings/LatencyDriver -c Release -o "$OUT/driver" -nologo -v q >/dev/null
export Mingcha__DataFolder="$OUT/data" Mingcha__RunJobs=false Mingcha__Ratings__DevicePermitsPerMinute=100000000 Mingcha__Ratings__DeviceBurst=100000000
export Mingcha__Ratings__DetectManipulation=false Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production
dotnet "$OUT/app/Mingcha.Web.dll" --urls http://127.0.0.1:5193 >"$OUT/app.log" 2>&1 & APP=$!
trap 'kill $APP 2>/dev/null || true' EXIT
for i in $(seq 1 60); do curl -sf http://127.0.0.1:5193/health >/dev/null && break; sleep 1; done
SECTION=$(python3 bench/ratings/tokens.py "$OUT/data/mingcha.db" 200 "$OUT/tokens")
PW=$(grep -a "user: leader" "$OUT/app.log" | sed 's/.*password: //' | tr -d '\r')
COOKIE=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d "{\"userName\":\"leader\",\"password\":$(python3 -c 'import json,sys;print(json.dumps(sys.argv[1]))' "$PW")}" \
  http://127.0.0.1:5193/api/v1/auth/login | grep -i '^set-cookie:' | sed 's/^[Ss]et-[Cc]ookie: //; s/;.*//' | tr -d '\r' | paste -sd';' -)
BASE=http://127.0.0.1:5193 COOKIE="$COOKIE" TOKENS="$OUT/tokens" SECTIONS="$SECTION" SECONDS="${1:-20}" VIEWERS="${VIEWERS:-500}" RATE="${RATE:-1000}" WATCHED=5 \
  dotnet "$OUT/driver/LatencyDriver.dll"
