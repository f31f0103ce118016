#!/usr/bin/env bash
# Start-up benchmark (issue 2): first start (migrate + demo load) and warm start (demo already loaded).
# Needs hyperfine and curl (apt-get install hyperfine curl).
set -euo pipefail
cd "$(dirname "$0")/../.."
pub=${PUBLISH_DIR:-/tmp/mingcha-bench-publish}
data=${DATA_DIR:-/tmp/mingcha-bench-startup}
dotnet publish src/Mingcha.Web -c Release -o "$pub" --nologo -v quiet
hyperfine --runs 5 --prepare "rm -rf $data" --export-markdown bench/startup/first-start.md \
  -n "first start (migrate + demo)" "bench/startup/probe.sh $pub $data"
rm -rf "$data"; bench/startup/probe.sh "$pub" "$data"   # leave a loaded database behind
hyperfine --runs 10 --warmup 1 --export-markdown bench/startup/warm-start.md \
  -n "warm start (demo loaded)" "bench/startup/probe.sh $pub $data"
