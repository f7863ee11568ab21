#!/usr/bin/env bash
# Runs the benchmark suite and prints what a person wants to read: per stage,
# time and throughput (MB/s of input, thousands of samples per second), then
# the whole `gaitline analyze` process on a 1-hour 100 Hz CSV and .glb and
# the peak memory of a 10-hour CSV, and last every figure of issue #16 next
# to its target. Wall clock on a busy machine is noisy: read the p50 column,
# and run again when another build is running.
#   scripts/bench.sh [benchmark-filter]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift package --package-path Benchmarks benchmark --filter "${1:-.*}" --time-units milliseconds 2>&1 | tee "$work/bench.txt"
# Release binaries link the Swift runtime and Foundation statically
# (--static-swift-stdlib): start-up 40 M -> 13 M instructions (issue #16).
swift build -c release --static-swift-stdlib --product gaitline 2>&1 | grep -E "error|warning: " || true
bin=.build/release/gaitline
"$bin" simulate --out "$work/hour1.csv" --seconds 3600 --rate 100 >/dev/null
"$bin" simulate --out "$work/hour10.csv" --seconds 36000 --rate 100 >/dev/null
"$bin" convert "$work/hour1.csv" "$work/hour1.glb" >/dev/null

# The p50 of metric row `$2` (a prefix of its label) of benchmark `$1`, in
# the metric's own unit: the table prints large values scaled, with (K) or
# (M) in the label (an analysis at 11 000 k samples/s shows as "11" in a
# "kSamplesPerS (K)" row), so the scale is multiplied back.
p50() {
  awk -v name="$1" -v row="$2" -F'│' '
    $0 == name { inside = 1; next }
    inside && /^[A-Za-z]/ { inside = 0 }
    inside && index($2, row) > 0 {
      v = $5; gsub(/ /, "", v)
      if ($2 ~ /\(K\)/) v = v * 1000; else if ($2 ~ /\(M\)/) v = v * 1000000
      print v; exit
    }' "$work/bench.txt"
}

# The mean of a hyperfine run, in ms.
mean_ms() {
  hyperfine --warmup 2 --runs "${2:-10}" --export-json "$work/h.json" "$1" >&2
  python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["mean"] * 1000))' "$work/h.json"
}

echo "== Whole process: gaitline analyze on a 1-hour 100 Hz CSV ($(du -h "$work/hour1.csv" | cut -f1))"
if command -v hyperfine >/dev/null; then
  csv_ms=$(mean_ms "$bin analyze $work/hour1.csv --json $work/r.json -q")
  glb_ms=$(mean_ms "$bin analyze $work/hour1.glb --json $work/r.json -q")
  version_ms=$(mean_ms "$bin --version" 20)
else
  csv_ms="n/a (install hyperfine)"; glb_ms="n/a"; version_ms="n/a"
fi
echo "== Whole process: 10-hour 100 Hz CSV --json, one and two analysis threads"
if command -v hyperfine >/dev/null; then
  ten1_ms=$(mean_ms "$bin analyze $work/hour10.csv --json $work/r.json -q --threads 1" 5)
  ten2_ms=$(mean_ms "$bin analyze $work/hour10.csv --json $work/r.json -q --threads 2" 5)
  ten_ratio=$(python3 -c 'import sys; print("%.2f" % (float(sys.argv[2]) / float(sys.argv[1])))' "$ten1_ms" "$ten2_ms")
else
  ten1_ms="n/a"; ten2_ms="n/a"; ten_ratio="n/a"
fi
# Counts that do not depend on the machine's load: the instructions of the
# whole process (callgrind, debug info stripped as bench-check.sh does) and
# its minor page faults (fresh memory touched, and binary pages mapped in).
echo "== Whole process, 1 hour: instructions (callgrind) and minor page faults"
csv_ir="n/a"; glb_ir="n/a"
if command -v valgrind >/dev/null; then
  objcopy --strip-debug "$bin" "$work/gaitline-stripped"
  ir() {
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$work/gaitline-stripped" "$@" 2> "$work/vg.log" >/dev/null
    awk '/Collected :/ { printf "%.1f M", $4 / 1e6 }' "$work/vg.log"
  }
  csv_ir=$(ir analyze "$work/hour1.csv" --json "$work/r.json" -q)
  glb_ir=$(ir analyze "$work/hour1.glb" --json "$work/r.json" -q)
fi
faults() {
  /usr/bin/time -f "%R" -o "$work/faults" "$bin" analyze "$1" --json "$work/r.json" -q
  tail -1 "$work/faults"
}
csv_faults=$(faults "$work/hour1.csv")
glb_faults=$(faults "$work/hour1.glb")
echo "== Peak memory: gaitline analyze on a 10-hour 100 Hz CSV ($(du -h "$work/hour10.csv" | cut -f1))"
/usr/bin/time -f "%M" -o "$work/rss" "$bin" analyze "$work/hour10.csv" --json "$work/r10.json" --html "$work/r10.html" -q
rss_kib=$(tail -1 "$work/rss")
/usr/bin/time -f "%M" -o "$work/rss" "$bin" analyze "$work/hour10.csv" --json "$work/r10.json" -q
rss_json_kib=$(tail -1 "$work/rss")

echo "== Peer: scikit-digital-health on the same hour (scripts/peer.sh)"
peer_ms="n/a"; peer_s="n/a"; peer_x="n/a"
if scripts/peer.sh --runs 3 > "$work/peer.txt" 2>&1; then
  cat "$work/peer.txt"
  peer_ms=$(awk '/^peer: gaitline [0-9]/ { print $3 }' "$work/peer.txt")
  peer_s=$(awk '/^peer: skdh/ { print $4 }' "$work/peer.txt")
  peer_x=$(awk '/^peer: gaitline is/ { print $4 }' "$work/peer.txt")
else
  echo "peer not measured: $(tail -1 "$work/peer.txt")"
fi

row() { printf "  %-52s %14s   target %s\n" "$1" "$2" "$3"; }
echo
echo "== Issue #16 figures (release build; benchmark figures are p50)"
row "whole process, 1-h CSV --json (ms)" "$csv_ms" "<= 50"
row "whole process, 1-h .glb --json (ms)" "$glb_ms" "<= 35"
row "whole process, 1-h CSV --json (instructions)" "$csv_ir" "(callgrind; stable under load)"
row "whole process, 1-h .glb --json (instructions)" "$glb_ir" "(callgrind; stable under load)"
row "whole process, 1-h CSV / .glb (minor page faults)" "$csv_faults / $glb_faults" ""
row "whole process, 10-h CSV --json, 1 / 2 threads (ms)" "$ten1_ms / $ten2_ms" ""
row "whole process, 10 h: 2 threads / 1 thread" "$ten_ratio" "<= 0.6"
row "start-up, gaitline --version (ms)" "$version_ms" "(#16: 9.3 -> 5.0 with a static stdlib; built so)"
row "CSV reader, time + 3 columns (MB/s)" "$(p50 CSV.parse.hour1.100Hz MBps)" ">= 500"
row "CSV reader, time + 6 columns (MB/s)" "$(p50 CSV.parse.gyro.hour1.100Hz MBps)" ">= 500"
row "JSON report of an hour, all of it (ms)" "$(p50 Report.json.hour1.100Hz 'Time (wall clock)')" "<= 8 for its steps"
row "HTML report of an hour, streamed (ms)" "$(p50 Report.html.hour1.100Hz 'Time (wall clock)')" "(no target)"
row "steps of an hour written, steps CSV (ms)" "$(p50 Report.stepsCSV.hour1.100Hz 'Time (wall clock)')" "(no target)"
row "analysis, 1 h at 100 Hz (k samples/s)" "$(p50 Analysis.hour1.100Hz kSamplesPerS)" ">= 25000"
row "analysis, 10 h at 100 Hz, 1 thread (ms)" "$(p50 Analysis.hour10.100Hz 'Time (wall clock)')" ""
row "analysis, 10 h at 100 Hz, 2 threads (ms)" "$(p50 Analysis.hour10.100Hz.threads2 'Time (wall clock)')" "<= 0.6 x the 1-thread time"
row "gaitBouts, 80 000 alternating steps (ms)" "$(p50 Bouts.alternating.steps80k 'Time (wall clock)')" "<= 50"
row "peak RSS, 10 h --json --html (MiB)" "$((rss_kib / 1024))" "<= 48"
row "peak RSS, 10 h --json (MiB)" "$((rss_json_kib / 1024))" "(gate: Thresholds)"
row "cohort hashing, SHA-256 (MB/s)" "$(p50 SHA256.file.256MiB MBps)" ">= 1000"
row "peer: gaitline whole process, same run (ms)" "$peer_ms" ""
row "peer: skdh GaitLumbar, CSV load + predict (s)" "$peer_s" ""
row "peer: gaitline faster than skdh by" "$peer_x" ">= 35x"
