#!/usr/bin/env bash
# Runs a real Slurm job array written by `plateau fleet slurm` on a one-node cluster started
# here, and checks what `plateau fleet collect` makes of it. Installs Debian's slurm-wlm and
# munge when they are missing (apt-get, needs root), starts munged, slurmctld and slurmd on
# this machine (one node offering the features `one` and `two`, all state in a temporary
# folder, ports on the loopback address), submits a two-element array whose elements run at
# --cpus-per-task=1 and --cpus-per-task=2, so the one node plays two machine sizes, waits for
# both, collects their .out files, and checks that the comparison recommends 1 worker for the
# 1-CPU element and 2 for the 2-CPU element. Every daemon it started is stopped by its pid.
# Needs a machine with at least 2 CPUs. Takes about 2 minutes once the packages are installed.
#
# Usage: scripts/check-slurm.sh          (.ci/run calls it)
#        PLATEAU_KEEP=DIR scripts/check-slurm.sh   keeps the .out files and the comparison in DIR
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
    echo "== installing Debian's slurm-wlm and munge"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq </dev/null
    $sudo apt-get install -y -qq slurm-wlm munge </dev/null >/dev/null
fi

. scripts/lib/binary.sh
plateau_build release
cpus=$(nproc)
if [ "$cpus" -lt 2 ]; then
    echo "check-slurm: needs 2 CPUs, this machine has $cpus" >&2
    exit 1
fi

work=$(mktemp -d)
chmod 700 "$work"
pids=()
stop() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [ -n "${PLATEAU_KEEP:-}" ]; then
        mkdir -p "$PLATEAU_KEEP"
        cp -r "$work/jobs" "$PLATEAU_KEEP/" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop EXIT

# munge: a fresh key, its own socket, every file in $work.
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/jobs"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.sock" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
    --seed-file="$work/munge/munged.seed"
for _ in $(seq 50); do [ -s "$work/munge/munged.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/munge/munged.pid")")

node=$(hostname -s)
cat >"$work/slurm.conf" <<EOF
ClusterName=plateaucheck
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MpiDefault=none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus Features=one,two State=UNKNOWN
PartitionName=check Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=EXCLUSIVE
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld -i
slurmd
for f in slurmctld slurmd; do
    for _ in $(seq 100); do [ -s "$work/$f.pid" ] && break; sleep 0.1; done
    if [ ! -s "$work/$f.pid" ]; then
        echo "check-slurm: $f did not start:" >&2
        tail -20 "$work/$f.log" >&2 || true
        exit 1
    fi
    pids+=("$(cat "$work/$f.pid")")
done
for _ in $(seq 100); do
    sinfo -h -o %T 2>/dev/null | grep -qE '^idle' && break
    sleep 0.2
done
echo "== one-node cluster up: $(sinfo -h -N -o '%N %c CPUs, features %f, %T')"

# The array: the same node twice, once as a 1-CPU machine and once as a 2-CPU one. Quick run
# flags so the check takes minutes: two worker counts, seven kept batches of about a second
# each, long enough that a short hiccup of the machine cannot pass for scaling.
cd "$work/jobs"
array_started=$SECONDS
"$bin" fleet slurm --fleet check --plateau "$bin" --time 10:00 \
    --machine one-cpu=one --machine two-cpus=two \
    --cpus-per-task one-cpu=1 --cpus-per-task two-cpus=2 \
    --workers 1,2 --tasks 16 --iterations 20000000 --repetitions 7 --warmup 1 >fleet.sh
bash fleet.sh
echo "== waiting for the array"
for _ in $(seq 600); do
    [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
    sleep 1
done
if [ -n "$(squeue -h -o %i)" ]; then
    echo "check-slurm: the array did not finish within 10 minutes" >&2
    squeue >&2
    exit 1
fi
ls -1 check-*.out

status=0
"$bin" fleet collect check-*.out --out comparison || status=$?
if [ "$status" -ne 0 ]; then
    echo "check-slurm: fleet collect exited $status" >&2
    tail -n 20 check-*.out >&2
    exit 1
fi
cat comparison/summary.md
python3 - comparison <<'EOF'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
got = {}
for f in sorted(out.glob("*/results.json")):
    r = json.loads(f.read_text())
    got[r["run"]["label"]] = (r["analysis"]["recommended_workers"], r["machine"]["effective_cpus"])
print("recommended workers, effective CPUs:", got)
want = {"one-cpu": 1, "two-cpus": 2}
bad = [f"{k}: recommended {got.get(k, ('none',))[0]}, expected {v}" for k, v in want.items()
       if got.get(k, (None,))[0] != v]
if bad:
    sys.exit("check-slurm: " + "; ".join(bad))
EOF
echo "== the array ran and was collected in $((SECONDS - array_started)) s"
echo "== check-slurm passed in $((SECONDS - started)) s"
