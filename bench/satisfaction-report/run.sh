#!/usr/bin/env bash
# The satisfaction report (SAT-4) over a year of ratings: N synthetic device ratings (default 1,000,000) spread over
# the 365 days before today across the demo city's rated windows and staff, then the report for last month and for the
# 365 days, all units and one unit, the one unit's .xlsx, the leaders' overview of this year and the ratings list (评价明细)
# with its .xlsx, and the cases with their ratings (办件与评价: a service record for every rating and one unrated case in
# seven) with theirs, each timed with wrk
# (one connection, one request at a time) against a Release build.
# Past days are read from their counts (count-ratings, run after the seed); COUNT=0 skips it and reads every rating.
# Usage: [COUNT=0] [D=seconds] bench/satisfaction-report/run.sh [ratings]   (needs wrk, python3, curl)
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
# The ratings fill the 365 office days before today (Beijing time): none in the future, as none can be.
TODAY=$(TZ=Asia/Shanghai date +%F)
FIRST=$(date -d "$TODAY -365 days" +%F); LAST=$(date -d "$TODAY -1 day" +%F)
MONTH_FROM=$(date -d "$(date -d "$TODAY" +%Y-%m-01) -1 month" +%F); MONTH_TO=$(date -d "$(date -d "$TODAY" +%Y-%m-01) -1 day" +%F)
YEAR=${TODAY:0:4}
time python3 seed.py "$WORK/data/mingcha.db" "$N" "$FIRST"
USER_NAME=bench-office-$RANDOM
cd "$WORK/app" && PASSWORD=$(dotnet Mingcha.Web.dll create-admin --user $USER_NAME --role OfficeStaff --Mingcha:DataFolder="$WORK/data" | grep -oP '(?<=\(shown once\): )\S+'); cd - >/dev/null
# The days' counts (decision 043), as the hourly job makes them; COUNT=0 leaves them out, so every figure reads the ratings.
if [ "${COUNT:-1}" != 0 ]; then
  cd "$WORK/app" && time dotnet Mingcha.Web.dll count-ratings --Mingcha:DataFolder="$WORK/data" | tail -1; cd - >/dev/null
fi
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
run "last month, all units" "/api/v1/satisfaction/report?from=$MONTH_FROM&to=$MONTH_TO"
run "last month, one unit" "/api/v1/satisfaction/report?from=$MONTH_FROM&to=$MONTH_TO&unitId=$UNIT"
run "365 days, all units" "/api/v1/satisfaction/report?from=$FIRST&to=$LAST"
run "365 days, one unit" "/api/v1/satisfaction/report?from=$FIRST&to=$LAST&unitId=$UNIT"
run "365 days, one unit, page" "/Ratings/Report?from=$FIRST&to=$LAST&unit=$UNIT"
run "365 days, one unit, xlsx" "/Ratings/Report?from=$FIRST&to=$LAST&unit=$UNIT&handler=Xlsx"
run "the leaders' overview of this year" "/api/v1/scoring/overview/$YEAR"
# 评价明细: the ratings one by one (a count of the filter, then 50 rows), and every one of them as .xlsx.
run "last month, all units, ratings list, first page" "/Ratings/List?from=$MONTH_FROM&to=$MONTH_TO"
run "last month, all units, ratings list, page 1000" "/Ratings/List?from=$MONTH_FROM&to=$MONTH_TO&p=1000"
run "last month, one unit, ratings list, unsatisfied" "/Ratings/List?from=$MONTH_FROM&to=$MONTH_TO&unit=$UNIT&level=3"
run "last month, all units, ratings xlsx" "/Ratings/List?from=$MONTH_FROM&to=$MONTH_TO&handler=Xlsx"
# 办件与评价: the month's cases with their figures (评价率, 主动评价率: from the counted case days), 50 rows with theirs,
# the unrated ones, one case by its number, and all of them as .xlsx.
run "last month, all units, cases, first page" "/Ratings/Records?from=$MONTH_FROM&to=$MONTH_TO"
run "last month, one unit, cases, first page" "/Ratings/Records?from=$MONTH_FROM&to=$MONTH_TO&unit=$UNIT"
run "last month, all units, cases, unrated, page 100" "/Ratings/Records?from=$MONTH_FROM&to=$MONTH_TO&state=Unrated&p=100"
CASE=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT \"CaseNumber\" FROM \"ServiceRecords\" WHERE \"FinishedAt\" > ? ORDER BY \"FinishedAt\" LIMIT 1 OFFSET 1000', (sys.argv[2],)).fetchone()[0])" "$WORK/data/mingcha.db" "$MONTH_FROM")
run "last month, all units, one case by number" "/Ratings/Records?from=$MONTH_FROM&to=$MONTH_TO&case=$CASE"
run "last month, all units, cases xlsx" "/Ratings/Records?from=$MONTH_FROM&to=$MONTH_TO&handler=Xlsx"
# One service item's cases (the report's item line opens them): the unit's busiest item, its figures from the days
# counted by item; every unit's cases naming no item; and the item within one window, its figures from its cases.
ITEM=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT \"ServiceItemId\" FROM \"ServiceRecords\" WHERE lower(\"UnitId\") = ? AND \"ServiceItemId\" IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1', (sys.argv[2],)).fetchone()[0].lower())" "$WORK/data/mingcha.db" "$UNIT")
ITEM_WINDOW=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT \"SectionId\" FROM \"ServiceRecords\" WHERE lower(\"ServiceItemId\") = ? GROUP BY 1 ORDER BY count(*) DESC LIMIT 1', (sys.argv[2],)).fetchone()[0].lower())" "$WORK/data/mingcha.db" "$ITEM")
run "last month, one unit, one item's cases" "/Ratings/Records?from=$MONTH_FROM&to=$MONTH_TO&unit=$UNIT&item=$ITEM"
run "365 days, one unit, one item's cases" "/Ratings/Records?from=$FIRST&to=$LAST&unit=$UNIT&item=$ITEM"
run "365 days, all units, cases naming no item" "/Ratings/Records?from=$FIRST&to=$LAST&item=none"
run "365 days, one window, one item's cases" "/Ratings/Records?from=$FIRST&to=$LAST&unit=$UNIT&section=$ITEM_WINDOW&item=$ITEM"
# …and its ratings in 评价明细 (the rating's own item or its case's): all of them, and the unsatisfied.
run "last month, one unit, one item's ratings" "/Ratings/List?from=$MONTH_FROM&to=$MONTH_TO&unit=$UNIT&item=$ITEM"
run "365 days, one unit, one item's unsatisfied ratings" "/Ratings/List?from=$FIRST&to=$LAST&unit=$UNIT&item=$ITEM&level=3"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
stop
