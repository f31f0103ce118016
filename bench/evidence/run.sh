#!/usr/bin/env bash
# Evidence vault benchmark (issue 3): upload of a large file over loopback against `cp` of the same file on the
# same disk, server memory (VmHWM) throughout, and verification re-hash speed against `sha256sum`.
#
#   bench/evidence/run.sh [SIZE_MB]      # default 2048 (2 GiB); needs about 3 x SIZE free on the work disk
#
# Release build of the app, SQLite, local evidence store, all under ${BENCH_DIR:-/tmp/mingcha-bench-evidence}
# (deleted at the end unless KEEP=1). Prints one block of figures; copy them into bench/README.md.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIZE_MB=${1:-2048}
DIR=${BENCH_DIR:-/tmp/mingcha-bench-evidence}
PORT=${BENCH_PORT:-55990}
URL="http://127.0.0.1:$PORT"
rm -rf "$DIR"; mkdir -p "$DIR/data"
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "${POLL_PID:-}" ] && kill "$POLL_PID" 2>/dev/null || true
  if [ "${KEEP:-0}" != 1 ]; then chmod -R u+w "$DIR" 2>/dev/null || true; rm -rf "$DIR"; fi
}
trap cleanup EXIT

echo "== build (Release)"
dotnet build "$REPO/src/Mingcha.Web" -c Release -nologo -v quiet >/dev/null
DLL="$REPO/src/Mingcha.Web/bin/Release/net10.0/Mingcha.Web.dll"
SETTINGS=(--Mingcha:DataFolder="$DIR/data" --Mingcha:LoadDemoData=false --Mingcha:RunJobs=false)

echo "== test file: $SIZE_MB MiB of random bytes behind an MP4 'ftyp' box"
FILE="$DIR/visit.mp4"
{ printf '\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2'; head -c $((SIZE_MB * 1024 * 1024 - 24)) /dev/urandom; } >"$FILE"
BYTES=$(stat -c %s "$FILE")
sync

echo "== cp of the same file on the same disk (with sync, as the server fsyncs)"
CP_START=$(date +%s.%N)
cp "$FILE" "$DIR/copy.mp4"; sync
CP_END=$(date +%s.%N)
CP_S=$(echo "$CP_END - $CP_START" | bc -l)
rm -f "$DIR/copy.mp4"; sync

echo "== server"
PASSWORD=$(cd "$(dirname "$DLL")" && dotnet "$DLL" create-admin --user bench --role OfficeStaff "${SETTINGS[@]}" | sed -n 's/.*(shown once): //p')
(cd "$(dirname "$DLL")" && ASPNETCORE_ENVIRONMENT=Production exec dotnet "$DLL" --urls="$URL" "${SETTINGS[@]}" >"$DIR/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 300); do curl -sf "$URL/health" >/dev/null 2>&1 && break; sleep 0.1; done
# The real server process (the subshell execs dotnet).
APP_PID=$SERVER_PID
JAR="$DIR/cookies"
curl -sf -c "$JAR" -H 'Content-Type: application/json' -d "{\"userName\":\"bench\",\"password\":\"$PASSWORD\"}" "$URL/api/v1/auth/login" >/dev/null
CASE=$(curl -sf -b "$JAR" -H 'Content-Type: application/json' -d '{"kind":"CovertVisit","title":"bench"}' "$URL/api/v1/evidence/cases" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
RSS_IDLE=$(awk '/VmRSS/ {print $2}' /proc/$APP_PID/status)

# Memory: sample VmRSS every 100 ms; VmHWM is the kernel's own high-water mark.
(while kill -0 $APP_PID 2>/dev/null; do awk '/VmRSS|RssAnon|RssFile|RssShmem|Threads/ {printf "%s ", $2} END {print ""}' /proc/$APP_PID/status; sleep 0.1; done) >"$DIR/rss.txt" &
POLL_PID=$!

meta() { printf 'caseId %s,filename %s' "$(printf %s "$CASE" | base64 -w0)" "$(printf %s "$1" | base64 -w0)"; }

echo "== upload with curl: one tus PATCH of the whole file"
LOC=$(curl -sf -b "$JAR" -D - -o /dev/null -X POST -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $BYTES" \
  -H "Upload-Metadata: $(meta visit.mp4)" "$URL/api/v1/evidence/uploads" | tr -d '\r' | sed -n 's/^Location: //Ip')
UP_START=$(date +%s.%N)
curl -sf -b "$JAR" -o /dev/null -X PATCH -H 'Tus-Resumable: 1.0.0' -H 'Upload-Offset: 0' \
  -H 'Content-Type: application/offset+octet-stream' -H 'Expect:' -T "$FILE" "$URL$LOC"
UP_END=$(date +%s.%N)
UP_S=$(echo "$UP_END - $UP_START" | bc -l)

echo "== upload with tus-js-client (Node), 64 MiB chunks, same file content under another name"
( cd "$REPO/tests/node" && [ -d node_modules/tus-js-client ] || npm ci --no-audit --no-fund --loglevel=error )
# A different byte at the end so the content is new (not deduplicated).
cp "$FILE" "$DIR/visit2.mp4"; printf 'x' | dd of="$DIR/visit2.mp4" bs=1 seek=$((BYTES - 1)) conv=notrunc status=none; sync
COOKIE=$(awk '$6 == "mingcha.auth" {print $6 "=" $7}' "$JAR")
OPTS=$(printf '{"endpoint":"%s/api/v1/evidence/uploads","file":"%s","cookie":"%s","metadata":{"caseId":"%s","filename":"visit2.mp4"},"chunkSize":67108864}' \
  "$URL" "$DIR/visit2.mp4" "$COOKIE" "$CASE")
JS_START=$(date +%s.%N)
(cd "$REPO/tests/node" && node tus-upload.mjs "$OPTS" | tail -1)
JS_END=$(date +%s.%N)
JS_S=$(echo "$JS_END - $JS_START" | bc -l)

kill $POLL_PID 2>/dev/null || true; POLL_PID=
HWM=$(awk '/VmHWM/ {print $2}' /proc/$APP_PID/status)
RSS_MAX=$(awk '{print $1}' "$DIR/rss.txt" | sort -n | tail -1)
ANON_MAX=$(awk '{print $2}' "$DIR/rss.txt" | sort -n | tail -1)
FILE_MAX=$(awk '{print $3}' "$DIR/rss.txt" | sort -n | tail -1)
SHMEM_MAX=$(awk '{print $4}' "$DIR/rss.txt" | sort -n | tail -1)
kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true; SERVER_PID=

echo "== verification re-hash vs sha256sum (warm cache for both)"
STORED=$(find "$DIR/data/evidence/store" -type f | sort)
cat $STORED >/dev/null
SHA_START=$(date +%s.%N)
sha256sum $STORED >/dev/null
SHA_END=$(date +%s.%N)
SHA_S=$(echo "$SHA_END - $SHA_START" | bc -l)
VERIFY_OUT=$(cd "$(dirname "$DLL")" && dotnet "$DLL" verify-evidence "${SETTINGS[@]}")
VERIFY_MBS=$(echo "$VERIFY_OUT" | sed -n 's/.*bytes, \([0-9]*\) MB\/s.*/\1/p')
STORED_BYTES=$(cat $STORED | wc -c)
SHA_MBS=$(echo "$STORED_BYTES / 1048576 / $SHA_S" | bc -l)

mbs() { echo "$BYTES / 1048576 / $1" | bc -l; }
echo
echo "==================== evidence benchmark ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$REPO" rev-parse --short HEAD), $(nproc) cores)"
printf 'file                       %d MiB\n' "$SIZE_MB"
printf 'cp + sync                  %6.1f s  %7.1f MB/s\n' "$CP_S" "$(mbs "$CP_S")"
printf 'upload, curl (1 PATCH)     %6.1f s  %7.1f MB/s  = %3.0f%% of cp\n' "$UP_S" "$(mbs "$UP_S")" "$(echo "100 * $CP_S / $UP_S" | bc -l)"
printf 'upload, tus-js-client      %6.1f s  %7.1f MB/s  = %3.0f%% of cp\n' "$JS_S" "$(mbs "$JS_S")" "$(echo "100 * $CP_S / $JS_S" | bc -l)"
printf 'server RSS idle / max / VmHWM   %d / %d / %d MB  (max anon %d, file %d, shmem %d MB)\n' $((RSS_IDLE / 1024)) $((RSS_MAX / 1024)) $((HWM / 1024)) \
  $((ANON_MAX / 1024)) $((FILE_MAX / 1024)) $((SHMEM_MAX / 1024))
printf 'sha256sum                  %7.1f MB/s\n' "$SHA_MBS"
printf 'verify-evidence re-hash    %7.1f MB/s  = %3.0f%% of sha256sum\n' "$VERIFY_MBS" "$(echo "100 * $VERIFY_MBS / $SHA_MBS" | bc -l)"
echo "$VERIFY_OUT" | tail -1
