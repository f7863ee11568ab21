#!/usr/bin/env bash
# Validation suite: runs `gaitline evaluate` on every bundled data set that has ground truth and on
# synthetic runs with exact truth, and writes docs/VALIDATION.md (n, bias, SD, 95 % limits of agreement,
# RMSE, recall/precision per data set and metric). Usage: scripts/validate.sh [gaitline binary]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -ge 1 ]]; then
  bin=$1
else
  scripts/setup.sh
  swift build --product gaitline 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
  bin=.build/debug/gaitline
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plan=$work/plan.csv
# Rows whose data is not bundled in the repository read it from GAITLINE_EXTERNAL_DATA, by default
# ../shared/data relative to the repository (the folder above this checkout), only when it is there;
# a row whose files are missing is skipped with a note on standard error.
external=${GAITLINE_EXTERNAL_DATA:-../shared/data}
skipped() { echo "validate.sh: skipped $1: $2 not found (set GAITLINE_EXTERNAL_DATA or the row's variable)" >&2; }
echo "dataset,recording,truth,truth_where,force_column,mode,standing,tolerance_ms,lean_deg" > "$plan"

# --- Sacrum on a force-plate treadmill (Alcantara 2022): contacts and centre-of-mass VO from the force.
sacrum=SampleData/alcantara-sacrum-run
for f in "$sacrum"/trial_*.csv; do
  n=$(basename "$f" .csv); n=$((10#${n#trial_}))
  echo "alcantara-sacrum-run (force plate),$f,$sacrum/ground_truth_contacts.csv,trial=$n,vgrf_bw,contacts,,40," >> "$plan"
done

# --- Lower-back walking (Mobilise-D/mobgap, stereophotogrammetry ICs): walking, no running flags expected.
walk=SampleData/mobgap-lowerback-walk
for f in "$walk"/*_lowerback.csv; do
  IFS=_ read -r cohort id test trial _ <<< "$(basename "$f")"
  echo "mobgap-lowerback-walk (walking),$f,$walk/ground_truth_initial_contacts.csv,cohort=$cohort;id=$id;test=$test;trial=$trial;reference=Stereophoto;event=IC,,contacts,,40," >> "$plan"
done

# --- Foot (PyShoe, motion-capture strides): stride time.
foot=SampleData/pyshoe-foot-run
for f in "$foot"/*_imu.csv; do
  t=$(basename "$f" _imu.csv)
  echo "pyshoe-foot-run (strides),$f,$foot/ground_truth_strides.csv,trial=$t,,strides,,," >> "$plan"
done

# PyShoe's two walking trials (slow shoe walking, peaks below 3.5 g) are not bundled: the original data's
# licence is unverified. Their rows appear only where a copy of the exported trials is present
# (GAITLINE_PYSHOE_WALK_DIR, default $external/pyshoe-foot-run/exported); otherwise they are skipped with a note.
shoe_walk=${GAITLINE_PYSHOE_WALK_DIR:-$external/pyshoe-foot-run/exported}
for t in 2017-11-22-11-22-03 2017-11-22-11-25-20; do
  if [[ -f $shoe_walk/${t}_imu.csv && -f $shoe_walk/ground_truth_strides.csv ]]; then
    echo "pyshoe-foot-walk (strides; not bundled),$shoe_walk/${t}_imu.csv,$shoe_walk/ground_truth_strides.csv,trial=$t,,strides,,," >> "$plan"
  else
    skipped "pyshoe-foot-walk trial $t" "$shoe_walk/${t}_imu.csv and ground_truth_strides.csv"
  fi
done

# --- Shank (tibia) on a force-belt treadmill (Bach 2022, one participant): contacts of the sensor leg,
# walking matched within 60 ms and running within 40 ms (issue 14). Rows with the same dataset name
# are pooled into one block of docs/VALIDATION.md. scripts/validate-shank.sh prints them per trial.
shank=SampleData/bach-shank-subject-b
for n in 5 6 7 8 9; do
  if [[ $n -le 6 ]]; then kind=walking; tol=60; else kind=running; tol=40; fi
  echo "bach-shank-subject-b ($kind; force belt),$shank/trial_0$n.csv,$shank/ground_truth_contacts.csv,trial=$n,,contacts,,$tol," >> "$plan"
done

# --- Synthetic runs with exact truth (gaitline simulate): name|rate|phases|extra options|standing spans
# Runs that start standing also report their trunk lean against the true lean (--lean-deg, default 0).
synthetic=(
  "steady 172 spm|100|stand:8,run:60:172:240,stand:8|--rotate 0,0,0|0-8;68-76"
  "rates 50 Hz|50|run:60:176:230|--rotate 30,12,-8|"
  "rates 1000 Hz|1000|run:30:168:250|--rotate 30,12,-8|"
  "duty factor high (148 spm; 300 ms)|200|run:60:148:300|--rotate 0,0,0|"
  "duty factor low (196 spm; 170 ms)|200|run:60:196:170|--rotate 0,0,0|"
  "belt clip near/far 1.5; double hump|200|run:60:170:260|--near-far-ratio 1.5 --impact-spike 1 --rotate 20,5,10|"
  "limp (step asymmetry 0.1)|100|run:60:176:220|--near-far-ratio 1.3 --step-asymmetry 0.1 --impact-spike 1|"
  "mount yaw 45|100|stand:6,run:40:172:240|--rotate 45,0,0 --lean-deg 6|0-6"
  "mount pitch -20 roll 20|100|stand:6,run:40:172:240|--rotate 0,-20,20 --lean-deg 6|0-6"
  "mount upside down|100|stand:6,run:40:172:240|--rotate 90,0,180 --lean-deg 6|0-6"
  "mount yaw -45 pitch 20 roll -20|100|stand:6,run:40:172:240|--rotate=-45,20,-20 --lean-deg 6|0-6"
  "clipping at 2.2 g|250|stand:5,run:40:178:230|--clip-g 2.2 --impact-spike 1 --near-far-ratio 1.4|0-5"
  "stops and walking|100|stand:10,walk:30:112,run:40:168:260,stand:15,run:30:180:220,walk:20:108,stand:10|--rotate 30,12,-8|0-10;80-95;145-155"
  "walk straight into a run 50 Hz|50|stand:5,walk:20:112,stand:4,walk:20:96,run:20:170:250,walk:15:120,stand:5|--rotate 30,12,-8|0-5;25-29;99-104"
  "walk straight into a run 200 Hz|200|stand:5,walk:20:112,stand:4,walk:20:96,run:20:170:250,walk:15:120,stand:5|--rotate 30,12,-8|0-5;25-29;99-104"
  "outdoor: step time CV 4 %; noise 0.05 g; belt clip 1.3|100|run:120:172:240|--step-variability 0.04 --noise-g 0.05 --near-far-ratio 1.3 --impact-spike 1 --rotate 20,10,-5|"
  "outdoor: pace changes; walk break; CV 3 %; noise 0.03 g|100|stand:5,run:60:165:250,run:60:178:230,walk:20:110,run:60:172:240,stand:5|--step-variability 0.03 --noise-g 0.03 --near-far-ratio 1.3 --impact-spike 1 --rotate 30,12,-8|0-5;205-210"
  "standing only|100|stand:60|--rotate 30,12,-8|0-60"
  # Outdoor messiness (issue 13's red-team): pace drift, belt bounce, a rotating belt, a weak far leg,
  # a cheap ±2 g sensor at 50 Hz, a shuffling runner (almost no flight), stops at traffic lights.
  "outdoor: pace drift 160 to 185 spm; CV 3 %; noise 0.03 g|100|run:300:160:260|--cadence-drift 25 --step-variability 0.03 --noise-g 0.03 --near-far-ratio 1.3 --impact-spike 1 --rotate 20,8,-5|"
  "outdoor: belt bounce 0.5 g at 15 Hz|100|run:120:172:240|--resonance-g 0.5 --resonance-hz 15 --near-far-ratio 1.3 --impact-spike 1 --rotate 20,8,-5|"
  "outdoor: belt rotating 20° (pitch drift)|100|run:300:172:240|--orientation-drift 20 --step-variability 0.02 --noise-g 0.03 --rotate 20,8,-5|"
  "outdoor: far leg 0.5x (near/far 2) 50 Hz|50|run:120:172:240|--near-far-ratio 2 --impact-spike 1 --step-variability 0.02 --noise-g 0.03 --rotate 20,8,-5|"
  "outdoor: ±2 g sensor at 50 Hz|50|run:120:172:240|--clip-g 2 --step-variability 0.02 --noise-g 0.03 --near-far-ratio 1.3 --impact-spike 1 --rotate 20,8,-5|"
  "outdoor: shuffle (170 spm; 340 ms contact); noise 0.05 g|100|run:120:170:340|--step-variability 0.03 --noise-g 0.05 --near-far-ratio 1.3 --rotate 20,8,-5|"
  "outdoor: stop and go at traffic lights|100|run:90:172:240,stand:25,run:90:175:235,stand:40,run:60:170:245|--step-variability 0.02 --noise-g 0.03 --rotate 20,8,-5|90-115;205-245"
)
for k in "${!synthetic[@]}"; do
  IFS='|' read -r name rate phases extra standing <<< "${synthetic[$k]}"
  # shellcheck disable=SC2086
  "$bin" simulate --out "$work/syn_$k.csv" --truth "$work/syn_${k}_truth.csv" --rate "$rate" --phases "$phases" $extra
  lean=
  if [[ -n $standing ]]; then
    lean=0
    if [[ $extra =~ --lean-deg\ ([-0-9.]+) ]]; then lean=${BASH_REMATCH[1]}; fi
  fi
  echo "synthetic: $name,$work/syn_$k.csv,$work/syn_${k}_truth.csv,,,contacts,$standing,20,$lean" >> "$plan"
done

# --- Synthetic shank (tibia) signals with exact contacts of the sensor leg (gaitline simulate --shank; with
# --gyro also a gyroscope, whose sagittal angular velocity then times the contacts; with --impact-rise-ms
# the impact builds over that time after contact, and with --radius-m 0 the swing's tangential acceleration,
# whose ~2.5 g step at contact is an unrealistically exact onset cue, is gone: less optimistic IC figures):
# name|rate|run or walk|extra options
shank_synthetic=(
  "shank running 142.857 Hz; ±8 g clipping|142.857|run|--clip-g 8 --rotate 0,0,0"
  "shank running 50 Hz|50|run|--rotate 30,12,-8"
  "shank running 500 Hz; rotated|500|run|--rotate 30,12,-8"
  "shank walking 100 Hz|100|walk|--rotate 0,0,0"
  "shank walking 200 Hz; rotated|200|walk|--rotate=-40,20,60"
  "shank running 100 Hz; gyroscope|100|run|--gyro --clip-g 8 --rotate 30,12,-8"
  "shank running 500 Hz; gyroscope; upside down|500|run|--gyro --rotate 90,0,180"
  "shank walking 50 Hz; gyroscope|50|walk|--gyro --rotate 30,12,-8"
  "shank walking 200 Hz; gyroscope; rotated|200|walk|--gyro --rotate=-40,20,60"
  "shank running 142.857 Hz; gradual impact 15 ms without tangential step; ±8 g clipping|142.857|run|--impact-rise-ms 15 --radius-m 0 --clip-g 8 --rotate 0,0,0"
  "shank running 142.857 Hz; gradual impact 30 ms without tangential step; ±8 g clipping|142.857|run|--impact-rise-ms 30 --radius-m 0 --clip-g 8 --rotate 0,0,0"
  "shank walking 100 Hz; gradual impact 15 ms without tangential step|100|walk|--impact-rise-ms 15 --radius-m 0 --rotate 0,0,0"
  "shank walking 100 Hz; gradual impact 30 ms without tangential step|100|walk|--impact-rise-ms 30 --radius-m 0 --rotate 0,0,0"
)
for k in "${!shank_synthetic[@]}"; do
  IFS='|' read -r name rate gait extra <<< "${shank_synthetic[$k]}"
  # shellcheck disable=SC2086
  "$bin" simulate --shank "$gait" --out "$work/shank_$k.csv" --truth "$work/shank_${k}_truth.csv" --rate "$rate" \
    --seconds 60 $extra
  echo "synthetic: $name,$work/shank_$k.csv,$work/shank_${k}_truth.csv,,,contacts,,20," >> "$plan"
done

"$bin" evaluate --plan "$plan" --markdown "$work/VALIDATION.md"
sed -e "s#$work/plan.csv#scripts/validate.sh's plan#" "$work/VALIDATION.md" > docs/VALIDATION.md.tmp
mv docs/VALIDATION.md.tmp docs/VALIDATION.md
echo "wrote docs/VALIDATION.md"
