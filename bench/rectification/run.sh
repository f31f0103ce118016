#!/usr/bin/env bash
# The nightly escalation (RCT-4) over 100,000 open notices on SQLite, and a notice's DOCX and PDF (issue 5's targets:
# escalation < 10 s, DOCX < 200 ms, PDF < 2 s). Usage: ./run.sh [open-notices] [due-notices]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
OUT=../results/rectification.tmp
dotnet build Mingcha.Bench.Rectification -c Release -nologo -v quiet
Mingcha.Bench.Rectification/bin/Release/net10.0/Mingcha.Bench.Rectification "$OUT" "${1:-100000}" "${2:-1000}"
