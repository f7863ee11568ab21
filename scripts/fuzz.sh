#!/usr/bin/env bash
# Fuzzes every decoder with libFuzzer (issue #8). One command:
#   scripts/fuzz.sh                 # every target for 60 s
#   scripts/fuzz.sh --seconds 3600 csv cwa    # chosen targets, longer
# Targets: csv glb stream-text stream-glb stream-witmotion cwa gt3x fit.
# Each target checks invariants (Tests/GaitFuzzChecks/FuzzChecks.swift), not
# only "no crash"; -malloc_limit_mb catches a decoder that allocates what a
# header declares. Seeds come from the bundled recordings and fixtures; the
# growing corpus and any crash reproducers stay in .build-fuzz/ (not
# committed). Turn a reproducer into a regression test by copying it to
# Tests/Fixtures/fuzz/TARGET/ (GaitIngestTests.FuzzRegression replays them).
# LeakSanitizer is off (-detect_leaks=0): it reports small one-off leaks in
# Foundation's file APIs on every input; memory over a long run is checked by
# the soak test (Tests/Soak/run.sh) instead.
# Exit status: 0 when no target found anything, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
seconds=60
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all=(csv glb stream-text stream-glb stream-witmotion cwa gt3x fit)
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
product() {
  case $1 in
    csv) echo FuzzCSV ;; glb) echo FuzzGLB ;; stream-text) echo FuzzStreamText ;; stream-glb) echo FuzzStreamGLB ;;
    stream-witmotion) echo FuzzStreamWitMotion ;; cwa) echo FuzzCWA ;; gt3x) echo FuzzGT3X ;; fit) echo FuzzFIT ;;
    *) echo "unknown target '$1'; targets: ${all[*]}" >&2; exit 64 ;;
  esac
}
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
for t in "${targets[@]}"; do
  p=$(product "$t")
  swift build --package-path Fuzz "${flags[@]}" --product "$p" 2>&1 | grep -E "error:" && { echo "build of $p failed"; exit 1; }
done
bin=$(swift build --package-path Fuzz "${flags[@]}" --show-bin-path)

# Seeds: small, real examples of each format.
work=$PWD/.build-fuzz
seeds=$work/seeds
rm -rf "$seeds"; mkdir -p "$seeds"
swift build --product gaitline 2>&1 | grep -E "error:" || true
g=$(swift build --show-bin-path)/gaitline
mkdir -p "$seeds"/{csv,glb,stream-text,stream-glb,stream-witmotion,cwa,gt3x,fit}
for f in SampleData/alcantara-sacrum-run/trial_00.csv SampleData/alcantara-sacrum-run/sample_test_raw.csv \
         SampleData/pyshoe-foot-run/2017-11-27-11-11-24_imu.csv SampleData/mobgap-lowerback-walk/HA_001_Test5_Trial1_lowerback.csv; do
  head -c 4000 "$f" > "$seeds/csv/$(basename "$f")"
done
"$g" simulate --out "$work/sim.csv" --seconds 12 --rate 100 > /dev/null
"$g" convert "$work/sim.csv" "$seeds/glb/sim.glb" > /dev/null
head -c 4000 "$seeds/glb/sim.glb" > "$seeds/stream-glb/sim-head.glb"
cp "$seeds/glb/sim.glb" "$seeds/stream-glb/"
head -c 3000 "$work/sim.csv" | tail -n +2 > "$seeds/stream-text/lines.txt"
printf 'boot v1.2\r\n1000,0.01,0.02,1.00\r\n1010,0.02,0.01,0.99\r\n' > "$seeds/stream-text/ms-lines.txt"
python3 - "$seeds" <<'PY'
import struct, sys, random
d = sys.argv[1]
def wit(t, v):
    f = bytes([0x55, t]) + struct.pack('<3h', *v) + b'\0\0'
    return f + bytes([sum(f) & 0xFF])
random.seed(1)
s = b''.join(wit(0x52, (random.randint(-300, 300),) * 3) + wit(0x51, (random.randint(-3000, 3000), 10, 2048)) for _ in range(60))
open(f'{d}/stream-witmotion/frames.bin', 'wb').write(s)
open(f'{d}/stream-witmotion/garbage-frames.bin', 'wb').write(b'\x55\x51\x00hello' + s[:220])
def rec(t, ts, payload):
    r = bytes([0x1E, t]) + struct.pack('<IH', ts, len(payload)) + payload
    x = 0
    for b in r: x ^= b
    return r + bytes([~x & 0xFF])
act2 = b''.join(struct.pack('<3h', k, 2, 255) for k in range(10))
log = b'\0\0\0' + rec(0x1A, 1567900000, act2) + rec(0x1A, 1567900001, act2) + rec(0x1A, 1567900005, act2)
open(f'{d}/gt3x/log-activity2.bin', 'wb').write(b'\x01' + log)
nib = []
for v in range(30): u = (v * 37) & 0xFFF; nib += [u >> 8, (u >> 4) & 15, u & 15]
act3 = bytes((nib[i] << 4) | nib[i + 1] for i in range(0, len(nib), 2))
open(f'{d}/gt3x/log-activity3.bin', 'wb').write(b'\x03' + rec(0x1B, 1567900000, act3) + rec(0x15, 1567900000, struct.pack('<HHI', 0, 55, 0)))
PY
for f in Tests/Fixtures/cwa/*.cwa; do head -c 8192 "$f" > "$seeds/cwa/$(basename "$f")"; done
cp Tests/Fixtures/fit/garmin-fenix-5-*.fit "$seeds/fit/"
head -c 6000 Tests/Fixtures/fit/developer-types-sample.fit > "$seeds/fit/developer-head.fit"
for t in "${all[@]}"; do
  [ -d "Tests/Fixtures/fuzz/$t" ] && cp Tests/Fixtures/fuzz/"$t"/* "$seeds/$t/" 2>/dev/null || true
done

status=0
summary=()
for t in "${targets[@]}"; do
  p=$(product "$t")
  corpus=$work/corpus/$t
  art=$work/crashes/$t/
  mkdir -p "$corpus" "$art"
  log=$work/$t.log
  stamp=$work/$t.start
  touch "$stamp"
  echo "== $t: ${seconds} s"
  set +e
  ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no "$bin/$p" "$corpus" "$seeds/$t" -max_total_time="$seconds" -max_len=16384 \
    -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$art" > "$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1 || true)
  cov=$(grep -E '#[0-9]+.*cov:' "$log" | tail -1 | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+).*/cov \1, features \2, corpus \3/' || true)
  found=$(find "$art" -maxdepth 1 -type f -newer "$stamp" | wc -l)
  line="$t: ${runs:-?} executions, ${cov:-no coverage line}, $found new reproducer(s)"
  [ $rc -eq 0 ] || line="$line, STOPPED (status $rc)"
  summary+=("$line")
  echo "$line"
  if [ $rc -ne 0 ] || [ "$found" -gt 0 ]; then
    status=1
    grep -aE "invariant broken|ERROR: |Fatal error" "$log" | head -3 || true
    echo "   log: $log; reproducers: $art"
  fi
done
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
