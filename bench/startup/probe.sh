#!/usr/bin/env bash
# Starts Mingcha from a published build, waits for the first successful request (GET /health → 200),
# then stops it. The whole command's time is what hyperfine reports.
#   probe.sh PUBLISH_DIR DATA_DIR [PORT]
set -euo pipefail
pub=$1; data=$2; port=${3:-5190}
cd "$pub"
dotnet Mingcha.Web.dll --Mingcha:DataFolder="$data" --Mingcha:RunJobs=false --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 3000); do
  if curl -fs -o /dev/null "http://127.0.0.1:$port/health"; then exit 0; fi
  sleep 0.01
done
echo "no answer within 30 s" >&2
exit 1
