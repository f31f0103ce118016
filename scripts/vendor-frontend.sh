#!/usr/bin/env bash
# Refreshes the vendored front-end libraries under src/Mingcha.Web/wwwroot/lib/.
# Fetches the exact versions below with `npm pack` into a temporary directory (no node_modules,
# no install scripts run) and copies only the built file and the licence texts.
#
#   scripts/vendor-frontend.sh                          # the pinned versions
#   ECHARTS_VERSION=6.1.0 TUS_VERSION=4.3.1 scripts/vendor-frontend.sh
#
# After a version change, update the table in src/Mingcha.Web/wwwroot/lib/README.md.
set -euo pipefail

ECHARTS_VERSION=${ECHARTS_VERSION:-6.1.0}
TUS_VERSION=${TUS_VERSION:-4.3.1}
# tus.min.js is a browserify bundle that embeds these packages; their licence texts go into
# tus-js-client/THIRD-PARTY-LICENSES.txt.
TUS_BUNDLED=(js-base64@3.7.7 url-parse@1.5.10 querystringify@2.2.0 requires-port@1.0.0
             buffer@5.7.1 base64-js@1.5.1 ieee754@1.2.1)

cd "$(dirname "${BASH_SOURCE[0]}")/.."
LIB=src/Mingcha.Web/wwwroot/lib
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fetch() { # name@version -> unpacked in $TMP/<name@version>/package, path printed
  local spec=$1
  mkdir -p "$TMP/$spec"
  (cd "$TMP/$spec" && npm pack --silent --ignore-scripts "$spec" >/dev/null 2>&1 && tar -xzf ./*.tgz)
  echo "$TMP/$spec/package"
}

licence_of() { # unpacked package dir -> its licence file
  find "$1" -maxdepth 1 -type f \( -iname 'LICENSE*' -o -iname 'LICENCE*' \) | head -n 1
}

# --- echarts
pkg=$(fetch "echarts@$ECHARTS_VERSION")
rm -rf "${LIB:?}/echarts" && mkdir -p "$LIB/echarts"
cp "$pkg/dist/echarts.min.js" "$pkg/LICENSE" "$LIB/echarts/"
[ -f "$pkg/NOTICE" ] && cp "$pkg/NOTICE" "$LIB/echarts/"
# LICENSE refers to licenses/LICENSE-d3 for the d3.js code ECharts embeds.
[ -d "$pkg/licenses" ] && cp -r "$pkg/licenses" "$LIB/echarts/"

# --- tus-js-client
pkg=$(fetch "tus-js-client@$TUS_VERSION")
rm -rf "${LIB:?}/tus-js-client" && mkdir -p "$LIB/tus-js-client"
cp "$pkg/dist/tus.min.js" "$pkg/LICENSE" "$LIB/tus-js-client/"
{
  echo "Licences of the packages bundled inside tus.min.js (tus-js-client $TUS_VERSION)."
  for spec in "${TUS_BUNDLED[@]}"; do
    dep=$(fetch "$spec")
    echo
    echo "========================================================================"
    echo "$spec"
    echo "========================================================================"
    cat "$(licence_of "$dep")"
  done
} >"$LIB/tus-js-client/THIRD-PARTY-LICENSES.txt"

echo "vendored: echarts $ECHARTS_VERSION, tus-js-client $TUS_VERSION into $LIB"
