#!/usr/bin/env bash
# Shank (tibia) placement against the bundled force-belt contacts
# (SampleData/bach-shank-subject-b, one participant): prints a markdown table
# with one row per trial, from `gaitline evaluate --json`. Walking trials are
# matched within 60 ms, running within 40 ms (issue 14's targets).
# Usage: scripts/validate-shank.sh [analysis options, e.g. --shank-ic purcell]   (needs a built gaitline: swift build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${GAITLINE_BIN:-.build/debug/gaitline}
[ -x "$bin" ] || swift build --product gaitline
data=SampleData/bach-shank-subject-b
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One "key value" pair per line of the JSON object (flat, numbers, no jq needed).
field() { sed -n "s/^ *\"$1\": *\\[\\{0,1\\}\\([^],]*\\).*/\\1/p" <<<"$2" | head -1; }
loa() { tr -d '\n ' <<<"$1" | sed -n 's/.*"contact_loa_ms":\[\([^]]*\)\].*/\1/p' | sed 's/,/ … /'; }
echo "| trial | gait | tol ms | recall | precision | IC bias ± SD ms | contact bias ms | contact RMSE ms | contact LoA ms | cadence error % | placement | running / steps |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for trial in 5 6 7 8 9; do
  file=$(printf "%s/trial_%02d.csv" "$data" "$trial")
  if [ "$trial" -le 6 ]; then gait=walking; tol=60; else gait=running; tol=40; fi
  json=$("$bin" evaluate "$file" --truth "$data/ground_truth_contacts.csv" --truth-where "trial=$trial" \
    --tolerance-ms "$tol" --json "$@")
  "$bin" analyze "$file" -q --json "$tmp/report.json" "$@"
  report=$(cat "$tmp/report.json")
  rm -f "$tmp/report.json"
  placement=$(sed -n 's/.*"placement": *"\([a-z]*\)".*/\1/p' <<<"$report" | head -1)
  running=$(sed -n 's/^ *"running_steps": *\([0-9]*\).*/\1/p' <<<"$report" | head -1)
  steps=$(sed -n 's/^ *"steps": *\([0-9]*\),*$/\1/p' <<<"$report" | head -1)
  echo "| $trial | $gait | $tol | $(field recall "$json") | $(field precision "$json") |" \
    "$(field ic_bias_ms "$json") ± $(field ic_sd_ms "$json") | $(field contact_bias_ms "$json") |" \
    "$(field contact_rmse_ms "$json") | $(loa "$json") | $(field cadence_error_pct "$json") | ${placement:-?} | ${running:-?} / ${steps:-?} |"
done
