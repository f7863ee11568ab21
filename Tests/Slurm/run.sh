#!/usr/bin/env bash
# A real Slurm cluster of one node for the cohort tests (issue #9):
# starts munged, slurmctld and slurmd from a generated slurm.conf in a
# temporary folder, runs a cohort of the sample recordings as a job array,
# kills one array task midway (SIGKILL, as a preemption or a node failure
# would), resubmits it, merges, and compares with the single-machine result.
# Stops the daemons it started (by process id) whatever happens.
#
# Needs root and Debian's slurm-wlm and munge (installed here when missing).
# Usage: Tests/Slurm/run.sh [--quoting-only]   (from anywhere; builds gaitline first)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
  else
    echo "Tests/Slurm/run.sh: needs slurm-wlm and munge (apt-get install slurm-wlm munge) and root" >&2
    exit 77
  fi
fi
[ "$(id -u)" = 0 ] || { echo "Tests/Slurm/run.sh: the daemons run as root (SlurmUser=root); run as root" >&2; exit 77; }

swift build --product gaitline 2>&1 | grep -E "error|warning: " | grep -v xcprivacy || true
gaitline="$(swift build --show-bin-path)/gaitline"

work=$(mktemp -d /tmp/gaitline-slurm.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ $rc -ne 0 ]; then
    echo "--- slurmctld.log (tail)"; tail -20 "$work/slurmctld.log" 2>/dev/null || true
    echo "--- slurmd.log (tail)"; tail -20 "$work/slurmd.log" 2>/dev/null || true
    echo "--- task logs"; tail -n 5 "$work"/out/logs/*.out 2>/dev/null || true
    echo "FAILED (work folder kept: $work)"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
node=$(hostname -s)
cpus=$(nproc)

# --- munge: a fresh key and socket of our own
mkdir -p "$work/munge" "$work/state" "$work/spool"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --foreground --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed" \
  > "$work/munge/munged.out" 2>&1 &
pids+=($!)

cat > "$work/slurm.conf" <<CONF
ClusterName=gaitline-test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
KillWait=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=2000 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done
slurmctld -D -i -f "$SLURM_CONF" > "$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$node" -f "$SLURM_CONF" > "$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  sinfo -h -o %T 2>/dev/null | grep -qE "^idle" && break
  sleep 0.2
done
sinfo
sinfo -h -o %T | grep -qE "^idle" || { echo "the node did not come up"; exit 1; }
echo "== single-node Slurm up ($node, $cpus CPUs)"

wait_job() {  # waits until no task of job $1 is queued or running
  for _ in $(seq 1200); do
    squeue -h -j "$1" 2>/dev/null | grep -q . || return 0
    sleep 0.5
  done
  echo "job $1 did not finish in 10 minutes"; squeue; exit 1
}

# --- the generated script quotes every value (issue #15): an --out-dir with
# spaces, quotes, $(), ; and % must reach Slurm and the task as it is, and
# run nothing; a newline in any value is refused before a script exists.
q="$work/quoting"
mkdir -p "$q/in"
cp SampleData/alcantara-sacrum-run/trial_00.csv "$q/in/"
"$gaitline" cohort plan "$q/in" --out "$q/manifest.json" > /dev/null
weird="$q/out dir 'single' \"double\" \$(touch $q/pwned) ; touch $q/pwned2 %j"
"$gaitline" cohort slurm "$q/manifest.json" --shards 1 --cpus 1 --mem 500M --time 00:05:00 \
  --out-dir "$weird" --script "$q/weird.sbatch" --sbatch-option="--comment=a b \$(touch $q/pwned3)"
sbatch --test-only "$q/weird.sbatch" 2>&1 | tee "$q/test-only.txt"
grep -q "to start at" "$q/test-only.txt" || { echo "sbatch --test-only rejected the script"; cat "$q/weird.sbatch"; exit 1; }
qjob=$(sbatch --parsable "$q/weird.sbatch")
wait_job "$qjob"
[ -f "$weird/logs/${qjob}_0.out" ] || { echo "the task log is not in the quoted --out-dir"; find "$q"; exit 1; }
grep -q "^shard 0/1: analysed 1" "$weird/logs/${qjob}_0.out" || { echo "the task did not analyse into the quoted --out-dir"; cat "$weird/logs/${qjob}_0.out"; exit 1; }
[ ! -e "$q/pwned" ] && [ ! -e "$q/pwned2" ] && [ ! -e "$q/pwned3" ] || { echo "a value of the script ran as a command"; exit 1; }
for opt in --out-dir --partition --mem --time --sbatch-option; do
  set +e
  msg=$("$gaitline" cohort slurm "$q/manifest.json" --shards 1 "$opt" "$(printf 'x\ntouch %s/pwned4' "$q")" \
        $([ "$opt" = --out-dir ] || echo "--out-dir $q/o2") --script "$q/bad.sbatch" 2>&1)
  rc=$?
  set -e
  [ $rc -eq 64 ] && echo "$msg" | grep -q "holds a control character" && [ ! -e "$q/bad.sbatch" ] \
    || { echo "a newline in $opt was not refused (exit $rc): $msg"; exit 1; }
done
echo "== PASS: quoted values reach Slurm as they are (sbatch --test-only and a real task), newlines refused"
if [ "${1:-}" = "--quoting-only" ]; then exit 0; fi

# --- the cohort: the bundled recordings, one bad file, and eight longer
# simulated runs (so that a task is still busy when it is killed); the long
# ones sort last, so each task does its small inputs first.
c="$work/cohort"
mkdir -p "$c/a-samples" "$c/z-long"
cp -r SampleData/alcantara-sacrum-run SampleData/pyshoe-foot-run SampleData/mobgap-lowerback-walk "$c/a-samples/"
printf 'time_s,ax,ay,az\n0.00,0,0,9.8\n0.01,0,nan,9.8\n0.02,0,0,9.8\n' > "$c/a-samples/bad-nan.csv"
for k in 1 2 3 4 5 6 7 8; do
  "$gaitline" simulate --out "$c/z-long/long-$k.csv" --seconds 900 --rate 200 --cadence $((160 + 2 * k)) > /dev/null
done
"$gaitline" cohort plan "$c" --out "$work/manifest.json"
out="$work/out"
"$gaitline" cohort slurm "$work/manifest.json" --shards 4 --cpus 1 --mem 500M --time 00:20:00 \
  --out-dir "$out" --script "$work/cohort.sbatch" --submit | tee "$work/submit.txt"
job=$(awk '/submitted job array/ {print $4}' "$work/submit.txt")
[ -n "$job" ] || { echo "no job id"; exit 1; }

# --- kill task 0 midway: once it has analysed an input, before it is done
log0="$out/logs/${job}_0.out"
for _ in $(seq 1200); do
  [ -f "$log0" ] && grep -q '^analysed' "$log0" && break
  sleep 0.1
done
grep -q '^analysed' "$log0" || { echo "task 0 never started"; exit 1; }
scancel --signal=KILL --full "${job}_0"
echo "== killed task ${job}_0 after $(grep -c '^analysed' "$log0") analysed inputs"
wait_job "$job"
if grep -q '^shard 0/4: analysed' "$log0"; then echo "task 0 finished before the kill; the test did not kill it midway"; exit 1; fi
set +e
"$gaitline" cohort status "$out" > "$work/status-killed.txt"
rc=$?
set -e
cat "$work/status-killed.txt" | head -3
[ $rc -eq 1 ] && grep -qE '[1-9][0-9]* missing' "$work/status-killed.txt" || { echo "after the kill, status should show missing inputs"; exit 1; }
tmpfiles=$(find "$out/reports" -name '.gl-*.tmp' | wc -l)
echo "== half-written temporary files left by the killed task: $tmpfiles (never read as reports)"

# --- resubmit the killed task alone; it skips what is done
job2=$(sbatch --parsable --array=0 "$work/cohort.sbatch")
wait_job "$job2"
grep -E '^shard 0/4: ' "$out/logs/${job2}_0.out"
grep -qE '^shard 0/4: analysed [0-9]+, skipped [1-9]' "$out/logs/${job2}_0.out" || { echo "the resubmitted task skipped nothing"; exit 1; }
"$gaitline" cohort status "$out"
"$gaitline" cohort merge "$out" --out "$work/cohort.csv"
grep -q 'bad-nan.csv,failed,nonFiniteValue,65' "$work/cohort-failures.csv" || { echo "the bad input is not in the failures table"; cat "$work/cohort-failures.csv"; exit 1; }
[ "$(tail -n +2 "$work/cohort-failures.csv" | wc -l)" -eq 1 ] || { echo "only the bad input should fail"; cat "$work/cohort-failures.csv"; exit 1; }

# --- the same cohort on one machine, two ways
"$gaitline" analyze --manifest "$work/manifest.json" --out-dir "$work/single" -q
"$gaitline" cohort merge "$work/single" --out "$work/single.csv" > /dev/null
diff "$work/cohort.csv" "$work/single.csv" || { echo "the Slurm result differs from the single-machine one"; exit 1; }
diff "$work/cohort-failures.csv" "$work/single-failures.csv"
inputs=$(python3 -c 'import json,sys; print("\n".join(i["path"] for i in json.load(open(sys.argv[1]))["inputs"]))' "$work/manifest.json")
set +e
"$gaitline" analyze $inputs --out-dir "$work/plain" -q 2> /dev/null
set -e
diff <(tail -n +2 "$work/cohort.csv" | cut -d, -f2,7-20) <(grep ',ok,' "$work/plain/summary.csv" | cut -d, -f1,5-18) \
  || { echo "the merged table differs from analyze's summary.csv"; exit 1; }
rows=$(($(wc -l < "$work/cohort.csv") - 1))
echo "== PASS: $rows rows merged from a killed-and-resubmitted Slurm array equal the single-machine analyze"
