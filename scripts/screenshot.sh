#!/usr/bin/env bash
# Renders the HTML report of a bundled run in headless Chromium to a PNG (the
# README's screenshot). Usage: scripts/screenshot.sh [RECORDING] [OUT.png]
# Needs chromium (apt-get install chromium) and a built gaitline (swift build).
set -euo pipefail
cd "$(dirname "$0")/.."
input=${1:-SampleData/alcantara-sacrum-run/sample_test_raw.csv}
out=${2:-docs/img/report.png}
bin=${GAITLINE_BIN:-.build/debug/gaitline}
[ -x "$bin" ] || swift build --product gaitline
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "screenshot.sh: needs chromium (apt-get install chromium)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" analyze "$input" --html "$tmp/report.html" -q
mkdir -p "$(dirname "$out")"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --user-data-dir="$tmp/profile" --window-size=1000,"${HEIGHT:-2300}" --screenshot="$tmp/shot.png" \
  "file://$tmp/report.html" >/dev/null 2>&1
# A palette PNG is a fifth of the size and looks the same (ImageMagick, if present).
if convert -version 2>/dev/null | grep -q ImageMagick; then
  convert "$tmp/shot.png" -trim +repage -bordercolor '#fbfbfa' -border 12 -colors 128 "PNG8:$tmp/small.png" && mv "$tmp/small.png" "$tmp/shot.png"
fi
mv "$tmp/shot.png" "$out"
echo "$out"
