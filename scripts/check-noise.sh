#!/usr/bin/env bash
# Measures whether the default `plateau run` gives the right worker count on this (noisy)
# machine, and says plainly when it cannot yet. Not a test: a measurement of the machine and
# the harness. Needs root for the CPU-quota cases (a cgroup v2 `cpu.max` or v1
# `cpu.cfs_quota_us` folder is made and removed); without root those cases are skipped.
#  1. N default runs in a row (default 10): wall time, recommendation = effective CPUs, no
#     verdict blaming I/O, every point's CI within the target or named unconverged, the busy
#     warning absent on an idle machine, and serial fraction <= 0.03 wherever the 2-worker
#     speedup is >= 1.95;
#  2. a 1-CPU quota: recommends 1, and 2-8 workers measure within 5% of 1 worker;
#  3. a 1.5-CPU quota: recommends 2;
#  4. a CPU hog started a third of the way through a default run: disturbed batches in results.json and
#     the recommendation still the effective CPUs.
# Usage: scripts/check-noise.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
. scripts/measure-env.sh
echo "machine: $(nproc) CPUs, effective $eff; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"

# One default run into $tmp/$1, with its wall time and stderr kept beside it.
run_default() {
    local name=$1
    shift
    local t0 t1
    t0=$(date +%s.%N)
    "$@" "$bin" run --quiet --out "$tmp/$name" 2>"$tmp/$name.stderr" || true
    t1=$(date +%s.%N)
    python3 -c "print(f'{$t1 - $t0:.1f}')" >"$tmp/$name.wall"
}

# A cgroup with a CPU quota of $1 CPUs; prints its folder (empty when none can be made).
make_quota() {
    local cpus=$1 period=100000 quota dir
    quota=$(python3 -c "print(int($cpus * $period))")
    if [ -d /sys/fs/cgroup/cpu ] && [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
        dir=$(mktemp -d /sys/fs/cgroup/cpu/plateau-check-XXXX 2>/dev/null) || return 0
        echo "$period" >"$dir/cpu.cfs_period_us" && echo "$quota" >"$dir/cpu.cfs_quota_us" && echo "$dir"
    elif [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then
        echo +cpu >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
        dir=$(mktemp -d /sys/fs/cgroup/plateau-check-XXXX 2>/dev/null) || return 0
        echo "$quota $period" >"$dir/cpu.max" && echo "$dir"
    fi
}

# Runs the rest of its arguments inside cgroup folder $1.
in_cgroup() {
    local dir=$1
    shift
    local procs="$dir/cgroup.procs"
    [ -f "$dir/tasks" ] && procs="$dir/tasks"
    sh -c 'echo $$ > "$0"; exec "$@"' "$procs" "$@"
}

for i in $(seq 1 "$runs"); do
    run_default "default-$i"
done

quota_dirs=()
for q in 1 1.5; do
    dir=$(make_quota "$q")
    if [ -n "$dir" ]; then
        quota_dirs+=("$dir")
        run_default "quota-$q" in_cgroup "$dir"
    fi
done

# The hog starts a third of the way through the shortest default run (runs that stop early on
# their target take about half as long as those that use their budget, so a later start can
# miss the run) and runs to the end of the run.
start=$(python3 -c "import glob; print(round(max(2.0, min(float(open(f).read()) for f in glob.glob('$tmp/default-*.wall')) / 3), 1))")
echo "$start" >"$tmp/hog.start"
( sleep "$start"; exec sh -c 'while :; do :; done' ) &
hog=$!
run_default hog
kill "$hog" 2>/dev/null || true
for d in "${quota_dirs[@]}"; do rmdir "$d" 2>/dev/null || true; done

python3 - "$tmp" "$runs" "$eff" <<'PY'
import json, os, sys
tmp, runs, eff = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    p = os.path.join(tmp, name, "results.json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)
def text(name, ext):
    p = os.path.join(tmp, f"{name}.{ext}")
    return open(p).read().strip() if os.path.exists(p) else ""
def line(name, r):
    a = r["analysis"]; d = a.get("decision") or {}
    sp = {p["workers"]: p["summary"]["speedup"] for p in r["points"] if p.get("summary")}
    am = a.get("amdahl") or {}
    widths = ", ".join(f"{c['workers']}:±{c['ci_half_width']*100:.1f}%" for c in d.get("counts", []))
    return (f"{name:>11}: {text(name,'wall'):>5} s  recommended {a['recommended_workers']}"
            f"  stability {d.get('stability') or 0:.2f}  stop {r['run'].get('stop_reason')}"
            f"  tasks {r['config']['tasks']}  speedup(2) {sp.get(2, 0):.3f}"
            f"  serial {am.get('serial_fraction', float('nan')):.3f}"
            f"  unconverged {d.get('unconverged')}  disturbed {len(d.get('disturbed', []))}"
            f"\n{'':>13}CI half-widths {widths}")
ok = {"wall<=60": 0, "recommended=eff": 0, "no I/O": 0, "CIs named": 0, "no busy warning": 0}
serial_bad = []
for i in range(1, runs + 1):
    name = f"default-{i}"
    r = load(name)
    if r is None:
        print(f"{name}: no results ({text(name, 'stderr')[:200]})")
        continue
    print(line(name, r))
    a = r["analysis"]; d = a.get("decision") or {}
    ok["wall<=60"] += float(text(name, "wall") or 999) <= 60
    ok["recommended=eff"] += a["recommended_workers"] == eff
    ok["no I/O"] += "I/O" not in a["verdict"] and "waiting" not in a["verdict"]
    target = d.get("target_ci", 0.02)
    ok["CIs named"] += all(c["ci_half_width"] <= target or c["workers"] in d.get("unconverged", [])
                           for c in d.get("counts", []))
    ok["no busy warning"] += "machine is busy" not in text(name, "stderr")
    sp = {p["workers"]: p["summary"]["speedup"] for p in r["points"] if p.get("summary")}
    if sp.get(2, 0) >= 1.95 and (a.get("amdahl") or {}).get("serial_fraction", 1) > 0.03:
        serial_bad.append(name)
for k, v in ok.items():
    print(f"default runs, {k}: {v}/{runs}")
print(f"serial fraction <= 0.03 wherever speedup(2) >= 1.95: {'yes' if not serial_bad else 'no: ' + ', '.join(serial_bad)}")
for q, want in (("1", 1), ("1.5", 2)):
    r = load(f"quota-{q}")
    if r is None:
        print(f"quota {q}: not run (no cgroup could be made)")
        continue
    print(line(f"quota-{q}", r))
    a = r["analysis"]
    x = {p["workers"]: p["summary"]["tasks_per_sec"] for p in r["points"] if p.get("summary")}
    msg = f"quota {q} CPUs: recommended {a['recommended_workers']} (want {want}): {'PASS' if a['recommended_workers'] == want else 'FAIL'}"
    if want == 1:
        dev = {w: x[w] / x[1] - 1 for w in x if w > 1}
        msg += "; throughput vs 1 worker: " + ", ".join(f"{w}: {v*100:+.1f}%" for w, v in sorted(dev.items()))
        msg += f" (all within 5%: {all(abs(v) <= 0.05 for v in dev.values())})"
    print(msg)
r = load("hog")
if r is not None:
    print(line("hog", r))
    d = r["analysis"].get("decision") or {}
    rounds = sorted({b.get("round") for b in d.get("disturbed", [])} - {None})
    print(f"hog started after {text('hog', 'start')} s: {len(d.get('disturbed', []))} disturbed batches (rounds {rounds}); recommended {r['analysis']['recommended_workers']} (want {eff})")
PY
