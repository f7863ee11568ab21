#!/usr/bin/env bash
# CI's performance gates, on what is stable on a shared machine:
#  1. allocation counts of every benchmark (ordo-one/benchmark static thresholds,
#     Benchmarks/Thresholds/6.3, 1 % slack), and
#  2. instruction count (valgrind callgrind) of `gaitline analyze` on a simulated
#     10-minute 100 Hz run (Benchmarks/Thresholds/6.3/instructions.*.txt, +3 %).
# Wall-clock numbers are printed, not gated.
# Update thresholds deliberately: scripts/bench-check.sh --update
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
update=${1:-}
dir=Benchmarks/Thresholds/6.3
status=0

echo "== Benchmarks (allocation gates)"
if [ "$update" = "--update" ]; then
  swift package --package-path Benchmarks --allow-writing-to-package-directory benchmark thresholds update \
    --path "$PWD/$dir" --metric mallocCountTotal
else
  set +e
  swift package --package-path Benchmarks benchmark thresholds check --path "$PWD/$dir" --metric mallocCountTotal \
    2>&1 | tee /tmp/gaitline-bench-check.$$
  rc=${PIPESTATUS[0]}
  set -e
  # An improvement also exits non-zero; it is not a failure.
  if [ $rc -ne 0 ] && grep -q "is BETTER than the defined thresholds" /tmp/gaitline-bench-check.$$ \
     && ! grep -q "is WORSE than" /tmp/gaitline-bench-check.$$; then
    rc=4
  fi
  rm -f /tmp/gaitline-bench-check.$$
  case $rc in
    0) echo "allocation counts: equal to the thresholds" ;;
    4) echo "allocation counts: improved; record them with scripts/bench-check.sh --update" ;;
    *) echo "allocation counts: REGRESSION (rc=$rc)"; status=1 ;;
  esac
fi

echo "== Instruction count (callgrind)"
swift build -c release --product gaitline 2>&1 | grep -E "error|warning: " || true
bin=.build/release/gaitline
work=$(mktemp -d)
"$bin" simulate --out "$work/min10.csv" --seconds 600 --rate 100
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$bin" analyze "$work/min10.csv" -q 2> "$work/vg.log"
ir=$(grep -E "^summary:|^totals:" "$work/cg.out" | head -1 | awk '{print $2}')
file="$dir/instructions.analyze.min10.100Hz.txt"
echo "gaitline analyze, 10 min at 100 Hz (60 000 samples, CSV): $ir instructions"
if [ "$update" = "--update" ] || [ ! -f "$file" ]; then
  echo "$ir" > "$file"
  echo "recorded in $file"
else
  limit=$(cat "$file")
  pct=$(awk -v a="$ir" -v b="$limit" 'BEGIN { printf "%.2f", (a - b) / b * 100 }')
  echo "threshold $limit ($pct %)"
  if awk -v a="$ir" -v b="$limit" 'BEGIN { exit !(a > b * 1.03) }'; then
    echo "instruction count: REGRESSION of more than 3 %"; status=1
  elif awk -v a="$ir" -v b="$limit" 'BEGIN { exit !(a < b * 0.97) }'; then
    echo "instruction count: improved by more than 3 %; record it with scripts/bench-check.sh --update"
  fi
fi
rm -rf "$work"
exit $status
