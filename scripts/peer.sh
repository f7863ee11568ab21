#!/usr/bin/env bash
# The peer comparison of issue #16 (not part of the test suite): times
# scikit-digital-health's lumbar gait pipeline (skdh.gait.GaitLumbar, from
# PyPI, in a venv under .build/peer) and the whole `gaitline analyze --json`
# process on the same simulated 1-hour 100 Hz CSV, in the same run, and
# prints both side by side. Machine load affects both: read the ratio.
#   scripts/peer.sh [--runs N]
# Prints `peer: skdh <version> <seconds> s` and `peer: gaitline <ms> ms` lines
# that scripts/bench.sh picks up.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
[ "${1:-}" = "--runs" ] && runs=$2
venv=.build/peer/venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import skdh" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q scikit-digital-health
fi
bin=.build/release/gaitline
[ -x "$bin" ] || swift build -c release --static-swift-stdlib --product gaitline 2>&1 | grep -E "error|warning: " || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" simulate --out "$work/hour1.csv" --seconds 3600 --rate 100 >/dev/null
echo "== Peer comparison on a simulated 1-hour 100 Hz CSV ($(du -h "$work/hour1.csv" | cut -f1)), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
# gaitline: the whole process, best of $runs (start-up, CSV, analysis, report).
best=""
for _ in $(seq "$runs"); do
  s=$(date +%s%N)
  "$bin" analyze "$work/hour1.csv" --json "$work/r.json" -q
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
# skdh: CSV load (numpy) + GaitLumbar.predict, best of $runs; Python start-up not counted.
json=$("$venv/bin/python" scripts/peer.py "$work/hour1.csv" --runs "$runs")
read -r version load predict steps < <(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["skdh"], d["load_s"], d["predict_s"], d["steps"])' "$json")
total=$(awk -v a="$load" -v b="$predict" 'BEGIN { printf "%.2f", a + b }')
gsteps=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["steps"]))' "$work/r.json" 2>/dev/null || echo "?")
echo "peer: gaitline $best ms (whole process, analyze --json; $gsteps steps)"
echo "peer: skdh $version $total s (CSV load $(printf %.2f "$load") s + GaitLumbar.predict $(printf %.2f "$predict") s; $steps initial contacts)"
awk -v g="$best" -v p="$total" 'BEGIN { printf "peer: gaitline is %.0fx faster (target >= 35x)\n", p * 1000 / g }'
