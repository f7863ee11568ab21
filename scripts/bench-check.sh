#!/usr/bin/env bash
# CI's performance gates, on what is stable on a shared machine:
#  1. allocation counts of every benchmark (ordo-one/benchmark static thresholds,
#     Benchmarks/Thresholds/6.3, 1 % slack; 10 % for the analyses, whose
#     count varies from machine to machine, see GaitBenchmarks.swift), and
#  2. instruction counts (valgrind callgrind) of the whole `gaitline analyze`
#     process on a simulated 10-minute 100 Hz run, without outputs and with
#     --json --html --steps-csv, and of a 10-hour run without outputs
#     (Benchmarks/Thresholds/6.3/instructions.*.txt, +3 %), and
#  3. peak memory (maximum RSS) of `analyze` of a simulated 10-hour run with
#     --json (Benchmarks/Thresholds/6.3/peakrss.*.txt, +10 %).
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
# The release binary as documented (README): Swift runtime and Foundation linked statically.
swift build -c release --static-swift-stdlib --product gaitline 2>&1 | grep -E "error|warning: " || true
bin=.build/release/gaitline
work=$(mktemp -d)
"$bin" simulate --out "$work/min10.csv" --seconds 600 --rate 100
# gate FILE VALUE UNIT SLACK: compares VALUE with the threshold in FILE
# (records it with --update or when there is none).
gate() {
  local file=$1 value=$2 what=$3 slack=$4
  if [ "$update" = "--update" ] || [ ! -f "$file" ]; then
    echo "$value" > "$file"
    echo "recorded in $file"
    return
  fi
  local limit pct
  limit=$(cat "$file")
  pct=$(awk -v a="$value" -v b="$limit" 'BEGIN { printf "%.2f", (a - b) / b * 100 }')
  echo "threshold $limit ($pct %)"
  if awk -v a="$value" -v b="$limit" -v s="$slack" 'BEGIN { exit !(a > b * (1 + s / 100)) }'; then
    echo "$what: REGRESSION of more than $slack %"; status=1
  elif awk -v a="$value" -v b="$limit" -v s="$slack" 'BEGIN { exit !(a < b * (1 - s / 100)) }'; then
    echo "$what: improved by more than $slack %; record it with scripts/bench-check.sh --update"
  fi
}

# valgrind 3.19 gives up on the debug info of a release build that links
# swift-crypto's BoringSSL; instruction counts do not depend on it.
objcopy --strip-debug "$bin" "$work/gaitline"
instructions() {
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" 2> "$work/vg.log" >/dev/null
  grep -E "^summary:|^totals:" "$work/cg.out" | head -1 | awk '{print $2}'
}

ir=$(instructions "$work/gaitline" analyze "$work/min10.csv" -q)
echo "gaitline analyze, 10 min at 100 Hz (60 000 samples, CSV): $ir instructions"
gate "$dir/instructions.analyze.min10.100Hz.txt" "$ir" "instruction count" 3

# The whole process with every output: the report writers are gated too.
ir=$(instructions "$work/gaitline" analyze "$work/min10.csv" --json "$work/r.json" --html "$work/r.html" --steps-csv "$work/s.csv" -q)
echo "gaitline analyze --json --html --steps-csv, 10 min at 100 Hz: $ir instructions"
gate "$dir/instructions.analyze-reports.min10.100Hz.txt" "$ir" "instruction count with reports" 3

"$bin" simulate --out "$work/hour10.csv" --seconds 36000 --rate 100 >/dev/null
# The 10-hour run (3.6 M samples): catches a cost that grows faster than the
# input (a quadratic merge, a buffer that is never trimmed). One analysis
# thread, so the count does not depend on how the threads interleave.
ir=$(instructions "$work/gaitline" analyze "$work/hour10.csv" --threads 1 -q)
echo "gaitline analyze --threads 1, 10 h at 100 Hz (3.6 M samples, CSV): $ir instructions"
gate "$dir/instructions.analyze.hour10.100Hz.txt" "$ir" "instruction count, 10 h" 3

echo "== Peak memory"
/usr/bin/time -f "%M" -o "$work/rss" "$bin" analyze "$work/hour10.csv" --json "$work/r10.json" -q
rss=$(tail -1 "$work/rss")
echo "gaitline analyze --json, 10 h at 100 Hz (3.6 M samples, CSV): max RSS $rss KiB"
gate "$dir/peakrss.analyze-json.hour10.100Hz.kib.txt" "$rss" "peak memory" 10
rm -rf "$work"
exit $status
