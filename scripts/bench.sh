#!/usr/bin/env bash
# Runs the benchmark suite and prints what a person wants to read: per stage,
# time and throughput (MB/s of input, thousands of samples per second), then
# the whole `gaitline analyze` process on a 1-hour 100 Hz CSV and the peak
# memory of a 10-hour CSV.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift package --package-path Benchmarks benchmark --filter "${1:-.*}" --time-units milliseconds
swift build -c release --product gaitline 2>&1 | grep -E "error|warning: " || true
bin=.build/release/gaitline
work=$(mktemp -d)
"$bin" simulate --out "$work/hour1.csv" --seconds 3600 --rate 100
"$bin" simulate --out "$work/hour10.csv" --seconds 36000 --rate 100
echo "== Whole process: gaitline analyze on a 1-hour 100 Hz CSV ($(du -h "$work/hour1.csv" | cut -f1))"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs 10 "$bin analyze $work/hour1.csv -q"
else
  for i in 1 2 3; do /usr/bin/time -f "%e s" "$bin" analyze "$work/hour1.csv" -q; done
fi
echo "== Peak memory: gaitline analyze on a 10-hour 100 Hz CSV ($(du -h "$work/hour10.csv" | cut -f1))"
/usr/bin/time -f "max resident %M KiB, %e s" "$bin" analyze "$work/hour10.csv" -q
rm -rf "$work"
