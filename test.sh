#!/usr/bin/env bash
# Runs every test suite of Mingcha. Usage:
#
#   ./test.sh                 # all suites
#   ./test.sh unit            # only the named suites: unit, integration, postgres, s3, postgres-s3, browser
#   ./test.sh integration postgres
#
# The evidence tests run once more against S3-compatible storage (s3rver from npm on loopback): suite s3 on
# SQLite, suite postgres-s3 on PostgreSQL; the other integration suites use the local evidence folder.
#
# Installs the Debian packages the suites need when they are missing, builds the solution once
# (Release), runs each suite with --no-build, writes one TRX per suite into
# ${MINGCHA_TEST_ROOT:-/tmp/mingcha-test}/results and prints the totals on the last line as
# `N passed, N failed`. Exits non-zero if a test failed, a suite produced no TRX, or nothing passed.
#
# Environment: MINGCHA_TEST_ROOT (scratch dir), MINGCHA_TEST_PG_PORT (default 55432),
# MINGCHA_TEST_S3_PORT (default 54568), MINGCHA_CHROMIUM (default /usr/bin/chromium),
# MINGCHA_TEST_SUITE_TIMEOUT (seconds per suite, default 900).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
REPO=$(pwd)

export MINGCHA_TEST_ROOT=${MINGCHA_TEST_ROOT:-/tmp/mingcha-test}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
RESULTS="$MINGCHA_TEST_ROOT/results"
SUITE_TIMEOUT=${MINGCHA_TEST_SUITE_TIMEOUT:-900}
CHROMIUM=${MINGCHA_CHROMIUM:-/usr/bin/chromium}
PG_SCRIPT="$REPO/scripts/test-postgres.sh"
S3_SCRIPT="$REPO/scripts/test-s3.sh"

ALL_SUITES=(unit integration postgres s3 postgres-s3 browser)

# ---------------------------------------------------------------- arguments
SUITES=()
if [ $# -eq 0 ]; then
  SUITES=("${ALL_SUITES[@]}")
else
  for arg in "$@"; do
    case "$arg" in
      unit|integration|postgres|s3|postgres-s3|browser) SUITES+=("$arg") ;;
      all) SUITES=("${ALL_SUITES[@]}") ;;
      -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) echo "test.sh: unknown suite '$arg' (expected: unit integration postgres s3 postgres-s3 browser)" >&2; exit 2 ;;
    esac
  done
fi
wants() { local s; for s in "${SUITES[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

log() { echo "==> $*"; }

# ---------------------------------------------------------------- a. Debian packages
APT_PACKAGES=(postgresql-15 chromium fonts-noto-cjk ffmpeg poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui nodejs curl)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# Debian's nodejs comes without npm (NodeSource's includes it).
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else SUDO=(none); fi
  fi
  if [ "${SUDO[*]:-}" = none ]; then
    echo "test.sh: missing Debian packages and no sudo; as root run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "test.sh: carrying on; suites that need them will fail." >&2
  else
    log "installing Debian packages: ${missing[*]}"
    apt_log="$(mktemp)"
    if "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq update >"$apt_log" 2>&1 &&
       "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq install --no-install-recommends \
         "${missing[@]}" >>"$apt_log" 2>&1; then
      rm -f "$apt_log"
    else
      echo "test.sh: apt-get failed; its output:" >&2
      cat "$apt_log" >&2
      rm -f "$apt_log"
      echo "test.sh: carrying on; suites that need these packages will fail." >&2
    fi
  fi
fi

# ---------------------------------------------------------------- b. PostgreSQL
PG_STARTED_HERE=0
stop_postgres() {
  if [ "$PG_STARTED_HERE" -eq 1 ]; then
    PG_STARTED_HERE=0
    "$PG_SCRIPT" stop >/dev/null 2>&1 || true
  fi
}
S3_STARTED=0
stop_s3() {
  if [ "$S3_STARTED" -eq 1 ]; then
    S3_STARTED=0
    "$S3_SCRIPT" stop >/dev/null 2>&1 || true
  fi
}
trap 'stop_postgres; stop_s3' EXIT
trap 'exit 130' INT TERM

mkdir -p "$MINGCHA_TEST_ROOT"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# ---------------------------------------------------------------- npm packages the tests drive
# tus-js-client (the evidence upload tests' third-party client) and s3rver, pinned by tests/node/package-lock.json.
if wants integration || wants postgres || wants s3 || wants postgres-s3; then
  if [ ! -d tests/node/node_modules/tus-js-client ] || [ ! -d tests/node/node_modules/s3rver ]; then
    log "npm ci (tests/node: tus-js-client, s3rver)"
    (cd tests/node && npm ci --no-audit --no-fund --loglevel=error) || echo "test.sh: npm ci failed; the evidence upload tests will fail." >&2
  fi
fi

# ---------------------------------------------------------------- c. build once
BUILD_ARGS=(-c Release -nologo -v minimal)
# In CI leave no MSBuild node or compiler server running after the script ends.
if [ "${CI:-}" = true ]; then BUILD_ARGS+=(--disable-build-servers); fi

START=$SECONDS
log "dotnet build Mingcha.sln -c Release"
BUILD_OK=1
dotnet build Mingcha.sln "${BUILD_ARGS[@]}" || BUILD_OK=0

# suite name -> project, TRX name
declare -A PROJECT=(
  [unit]=tests/Mingcha.UnitTests
  [integration]=tests/Mingcha.IntegrationTests
  [postgres]=tests/Mingcha.IntegrationTests
  [s3]=tests/Mingcha.IntegrationTests
  [postgres-s3]=tests/Mingcha.IntegrationTests
  [browser]=tests/Mingcha.BrowserTests
)
# Suites that run only part of a project.
declare -A FILTER=(
  [s3]="FullyQualifiedName~Mingcha.IntegrationTests.Evidence"
  [postgres-s3]="FullyQualifiedName~Mingcha.IntegrationTests.Evidence"
)
declare -A TRX=(
  [unit]=unit
  [integration]=integration-sqlite
  [postgres]=integration-postgres
  [s3]=evidence-s3-sqlite
  [postgres-s3]=evidence-s3-postgres
  [browser]=browser
)
declare -A EXIT_CODE=()
declare -A NOTE=()

run_suite() { # suite, then env assignments for dotnet test
  local suite=$1; shift
  local name=${TRX[$suite]}
  log "$suite: dotnet test ${PROJECT[$suite]} -> $name.trx"
  local rc=0
  local filter=()
  if [ -n "${FILTER[$suite]:-}" ]; then filter=(--filter "${FILTER[$suite]}"); fi
  # The console output goes to the terminal and to $name.log, so that a crash can be explained in the summary.
  set +e
  env "$@" timeout --kill-after=30 "$SUITE_TIMEOUT" \
    dotnet test "${PROJECT[$suite]}" --no-build -c Release --nologo "${filter[@]}" \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
      --results-directory "$RESULTS" \
      --blame-hang-timeout 5m --blame-hang-dump-type none </dev/null 2>&1 | tee "$RESULTS/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  EXIT_CODE[$suite]=$rc
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then NOTE[$suite]="killed after ${SUITE_TIMEOUT}s"; fi
}

if [ "$BUILD_OK" -eq 1 ]; then
  wants unit && run_suite unit -u MINGCHA_TEST_POSTGRES -u MINGCHA_TEST_S3
  wants integration && run_suite integration -u MINGCHA_TEST_POSTGRES -u MINGCHA_TEST_S3
  S3_URL=""
  if wants s3 || wants postgres-s3; then
    if ! curl -s -o /dev/null "$("$S3_SCRIPT" url)/" 2>/dev/null; then S3_STARTED=1; fi
    log "starting s3rver (scripts/test-s3.sh start)"
    if "$S3_SCRIPT" start; then
      S3_URL=$("$S3_SCRIPT" url)
    else
      NOTE[s3]="s3rver did not start"; NOTE[postgres-s3]="s3rver did not start"
    fi
  fi
  if wants s3; then
    if [ -n "$S3_URL" ]; then run_suite s3 -u MINGCHA_TEST_POSTGRES MINGCHA_TEST_S3="$S3_URL"; else EXIT_CODE[s3]=1; fi
  fi
  if wants postgres || wants postgres-s3; then
    PG_URL=""
    if ! /usr/lib/postgresql/15/bin/pg_isready -q -h 127.0.0.1 -p "${MINGCHA_TEST_PG_PORT:-55432}" >/dev/null 2>&1; then
      PG_STARTED_HERE=1  # not running before us: we stop it at the end
    fi
    log "starting PostgreSQL (scripts/test-postgres.sh start)"
    if "$PG_SCRIPT" start; then
      PG_URL=$("$PG_SCRIPT" url)
      wants postgres && run_suite postgres -u MINGCHA_TEST_S3 MINGCHA_TEST_POSTGRES="$PG_URL"
      if wants postgres-s3; then
        if [ -n "$S3_URL" ]; then run_suite postgres-s3 MINGCHA_TEST_S3="$S3_URL" MINGCHA_TEST_POSTGRES="$PG_URL"; else EXIT_CODE[postgres-s3]=1; fi
      fi
    else
      EXIT_CODE[postgres]=1; EXIT_CODE[postgres-s3]=1
      NOTE[postgres]="PostgreSQL did not start"; NOTE[postgres-s3]="PostgreSQL did not start"
    fi
    log "stopping PostgreSQL"
    stop_postgres
  fi
  stop_s3
  wants browser && run_suite browser -u MINGCHA_TEST_POSTGRES -u MINGCHA_TEST_S3 MINGCHA_CHROMIUM="$CHROMIUM"
else
  echo "test.sh: the build failed; no suite was run." >&2
fi

# ---------------------------------------------------------------- summary (grep/sed/awk only)
# The blame collector leaves empty per-run folders behind.
find "$RESULTS" -mindepth 1 -type d -empty -delete 2>/dev/null || true

counter() { # file attribute -> number (0 if absent)
  local v
  v=$(grep -o '<Counters [^>]*>' "$1" | head -n 1 | sed -n "s/.* $2=\"\([0-9]*\)\".*/\1/p")
  echo "${v:-0}"
}

explain_crash() { # suite: what the test platform said about a run that ended badly (its errors in the TRX and log)
  local name=${TRX[$1]}
  if [ -s "$RESULTS/$name.trx" ]; then
    awk '/<RunInfo [^>]*outcome="Error"/{on=1} on{print "      | " $0} /<\/RunInfo>/{on=0}' "$RESULTS/$name.trx" | head -n 40
  fi
  if [ -s "$RESULTS/$name.log" ]; then
    grep -n -i -E -A 12 'test run aborted|host process crashed|testhost.*exit|unhandled exception|exited with error|fatal error' \
      "$RESULTS/$name.log" | head -n 40 | sed 's/^/      | /'
  fi
}

# A crashed suite (no TRX, or a non-zero exit with no failed test in its TRX) and a failed build
# each count as one failure in the totals, so the closing line agrees with the exit code.
TOTAL_PASSED=0
TOTAL_FAILED=0
BAD=0
echo
echo "Test results in $RESULTS ($((SECONDS - START))s from the start of the build):"
if [ "$BUILD_OK" -ne 1 ]; then
  echo "  build                FAILED (counted as 1 failed; no suite was run)"
  TOTAL_FAILED=1
fi
for suite in "${SUITES[@]}"; do
  file="$RESULTS/${TRX[$suite]}.trx"
  label=$(printf '%-20s' "$suite")
  [ "$BUILD_OK" -eq 1 ] || continue
  if [ ! -s "$file" ]; then
    why=${NOTE[$suite]:-"dotnet test exited ${EXIT_CODE[$suite]:-?}"}
    echo "  $label CRASHED: no ${TRX[$suite]}.trx ($why; counted as 1 failed)"
    explain_crash "$suite"
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    continue
  fi
  p=$(counter "$file" passed)
  f=$(counter "$file" failed)
  e=$(counter "$file" error)
  t=$(counter "$file" timeout)
  a=$(counter "$file" aborted)
  total=$(counter "$file" total)
  executed=$(counter "$file" executed)
  f=$((f + e + t + a))
  rc=${EXIT_CODE[$suite]:-0}
  extra=""
  if [ "$f" -eq 0 ] && [ "$rc" -ne 0 ]; then
    extra="  CRASHED: dotnet test exited $rc${NOTE[$suite]:+, ${NOTE[$suite]}}; counted as 1 failed"
    f=1
  fi
  echo "  $label passed $p  failed $f  skipped $((total - executed))  total $total  [${TRX[$suite]}.trx]$extra"
  if [ -n "$extra" ]; then explain_crash "$suite"; fi
  TOTAL_PASSED=$((TOTAL_PASSED + p))
  TOTAL_FAILED=$((TOTAL_FAILED + f))
done
if [ "$TOTAL_PASSED" -eq 0 ]; then
  echo "  no test passed at all: that counts as a failed run"
  BAD=1
fi
[ "$TOTAL_FAILED" -eq 0 ] || BAD=1
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit "$BAD"
