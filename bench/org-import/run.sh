#!/usr/bin/env bash
# Times `import-org` of a generated organisation (5,000 units, 50,000 sections, 200,000 staff) end to end on
# SQLite: process start, schema, copy and hash of the file, parse, checks, one-transaction write, audit line.
#
#   bench/org-import/run.sh [runs]        # default 5 hyperfine runs, plus one /usr/bin/time -v run
#
# Scratch files go to bench/results/org-import.tmp/ (ignored by git). Needs hyperfine (apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
RUNS=${1:-5}
OUT=bench/results/org-import.tmp
APP=src/Mingcha.Web/bin/Release/net10.0/Mingcha.Web.dll
GEN=bench/org-import/bin/Release/net10.0/OrgImportBench.dll
mkdir -p "$OUT"

dotnet build src/Mingcha.Web -c Release -nologo -v q
dotnet build bench/org-import -c Release -nologo -v q
[ -f "$OUT/org-5000.xlsx" ] || dotnet "$GEN" "$OUT/org-5000.xlsx"
ls -l "$OUT/org-5000.xlsx"

IMPORT="dotnet $APP import-org $OUT/org-5000.xlsx --Mingcha:DataFolder=$OUT/data --Mingcha:LoadDemoData=false --Logging:LogLevel:Default=Warning"

echo "== one run under /usr/bin/time -v (into an empty database)"
rm -rf "$OUT/data"
/usr/bin/time -v $IMPORT 2>&1 | grep -E "导入|Elapsed|Maximum resident"

echo "== the same file again into the filled database (every row checked, all unchanged)"
/usr/bin/time -v $IMPORT 2>&1 | grep -E "Elapsed|Maximum resident"

if command -v hyperfine >/dev/null; then
  echo "== hyperfine, $RUNS runs, each into an empty database"
  hyperfine --runs "$RUNS" --prepare "rm -rf $OUT/data" "$IMPORT"
fi
