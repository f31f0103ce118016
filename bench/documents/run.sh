#!/usr/bin/env bash
# Rendering benchmark of official documents (decision 009): a round report of about 20 pages with 30 photos, to DOCX
# (OpenXML) and to PDF (HTML printed by headless Chromium). Makes 30 JPEG photos with ffmpeg (1280×720), builds the
# bench in Release and runs the Stopwatch rounds (--quick, the default) or BenchmarkDotNet (./run.sh bdn).
# Outputs go to bench/results/documents/ (the DOCX, PDF and HTML, to look at).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
OUT=../results/documents
PHOTOS=$OUT/photos
mkdir -p "$PHOTOS"
if [ "$(ls "$PHOTOS"/*.jpg 2>/dev/null | wc -l)" -lt 30 ]; then
  ffmpeg -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=1 -frames:v 30 -q:v 4 "$PHOTOS/photo%02d.jpg"
fi
dotnet build Mingcha.Bench.Documents -c Release -nologo -v quiet
BIN=Mingcha.Bench.Documents/bin/Release/net10.0/Mingcha.Bench.Documents
if [ "${1:-quick}" = bdn ]; then
  "$BIN" "$PHOTOS" --filter '*' --artifacts "$OUT/bdn"
else
  "$BIN" "$PHOTOS" --quick --out "$OUT"
  pdfinfo "$OUT/round-report.pdf" | grep -E '^(Pages|Page size)'
  echo "DOCX $(stat -c %s "$OUT/round-report.docx") bytes, PDF $(stat -c %s "$OUT/round-report.pdf") bytes in $OUT"
fi
