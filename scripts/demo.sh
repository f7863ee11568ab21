#!/usr/bin/env bash
# Quick start: builds gaitline and analyses the bundled sample recordings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Progress lines hidden; a failed build stops here with the compiler's status.
set +e
swift build -c release --static-swift-stdlib --product gaitline 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]'
build=${PIPESTATUS[0]}
set -e
if [ "$build" -ne 0 ]; then
  echo "demo: the release build failed (swift build exit $build); see the messages above" >&2
  exit "$build"
fi
bin=.build/release/gaitline
echo "== One raw 3-axis sacrum recording (512 Hz, m/s²): summary, JSON report, per-step CSV"
"$bin" analyze SampleData/alcantara-sacrum-run/sample_test_raw.csv \
  --json gaitline-reports/sample_test_raw.json --steps-csv gaitline-reports/sample_test_raw.steps.csv
echo
echo "== Batch: 31 treadmill trials (sacrum, force-plate ground truth) and 5 foot-sensor runs, in parallel"
"$bin" analyze SampleData/alcantara-sacrum-run/trial_*.csv SampleData/pyshoe-foot-run/*_imu.csv --out-dir gaitline-reports
echo
echo "== Accuracy against the force plate for one trial"
"$bin" evaluate SampleData/alcantara-sacrum-run/trial_04.csv \
  --truth SampleData/alcantara-sacrum-run/ground_truth_contacts.csv --truth-where trial=4
