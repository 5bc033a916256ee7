#!/usr/bin/env bash
# The figures of `plateau run --sizes` on this machine (root, for the cgroup; it needs 2 CPUs):
#   1. --sizes 1,2 --price-per-vcpu-hour 0.05: each size's recommendation and throughput,
#      the throughput ratio of size 2 to size 1, both costs per million tasks, the wall time;
#   2. --sizes 0.5,1,1.5: each throughput against its size (the ratios), and the
#      recommendations;
#   3. two real "sizes" under taskset (1 and 2 CPUs) beside the emulated 1 and 2;
#   4. cleanup: a Ctrl-C and a kill -9 mid-run, and the cgroups left after each.
# Usage: scripts/check-sizes.sh [run flags for every run, e.g. --iterations 2000000]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/measure-env.sh

# Prints, per size folder under $1: size, recommendation, stability, tasks/s there, cost.
sizes_table() {
    python3 - "$1" <<'PY'
import json, pathlib, sys
top = pathlib.Path(sys.argv[1])
rows = []
for f in sorted(top.glob("size-*/results.json"), key=lambda p: float(p.parent.name[5:])):
    r = json.load(open(f))
    a = r["analysis"] or {}
    rec = a.get("recommended_workers")
    pt = next((p for p in r["points"] if p["workers"] == rec and p["summary"]), None)
    x = pt["summary"]["tasks_per_sec"] if pt else float("nan")
    price = r["run"]["price_per_hour"]
    cost = price / (x * 3600) * 1e6 if price else None
    stab = (a.get("decision") or {}).get("stability")
    v = r["machine"]["emulated"]["vcpus"]
    rows.append((v, rec, stab, x, cost, r["machine"]["emulated"]["method"]))
    print(f"  size {v:g}: {rec} workers (stability {stab}), {x:.1f} tasks/s, {x / v:.1f} per vCPU, "
          f"cost {'-' if cost is None else f'${cost:.4f}'} per million tasks, by {rows[-1][5]}")
base = rows[0]
for v, rec, stab, x, cost, _ in rows[1:]:
    print(f"  size {v:g} / size {base[0]:g}: throughput x{x / base[3]:.2f} (sizes x{v / base[0]:.2f})"
          + (f", cost x{cost / base[4]:.2f}" if cost and base[4] else ""))
PY
}

groups() { find /sys/fs/cgroup -maxdepth 3 -name 'plateau-size-*' 2>/dev/null | sort; }

echo "== 1. --sizes 1,2 --price-per-vcpu-hour 0.05"
start=$(date +%s.%N)
"$bin" run --sizes 1,2 --price-per-vcpu-hour 0.05 --out "$tmp/one-two" --quiet "$@"
end=$(date +%s.%N)
sizes_table "$tmp/one-two"
python3 -c "print(f'  wall time: {$end - $start:.0f} s')"
echo "  the verdict: $(sed -n 5p "$tmp/one-two/summary.md")"

echo "== 2. --sizes 0.5,1,1.5"
"$bin" run --sizes 0.5,1,1.5 --out "$tmp/fractions" --quiet "$@"
sizes_table "$tmp/fractions"

echo "== 3. taskset: real 1- and 2-CPU runs beside the emulated sizes of section 1"
for cpus in 0 0,1; do
    n=$(( $(echo "$cpus" | tr ',' '\n' | wc -l) ))
    taskset -c "$cpus" "$bin" run --out "$tmp/taskset-$n" --label "taskset $n" --quiet "$@"
done
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
def at_rec(path):
    r = json.load(open(path))
    rec = r["analysis"]["recommended_workers"]
    pt = next(p for p in r["points"] if p["workers"] == rec)
    return rec, pt["summary"]["tasks_per_sec"]
for n in (1, 2):
    rr, rx = at_rec(f"{tmp}/taskset-{n}/results.json")
    er, ex = at_rec(f"{tmp}/one-two/size-{n}/results.json")
    print(f"  {n} CPU(s): taskset {rr} workers, {rx:.1f} tasks/s; emulated {er} workers, "
          f"{ex:.1f} tasks/s; emulated / taskset x{ex / rx:.3f}")
PY

echo "== 4. cleanup"
echo "  cgroups before: $(groups | wc -l)"
"$bin" run --sizes 1 --workers 1,2 -r 1000 --out "$tmp/ctrl-c" --quiet "$@" &
pid=$!
for _ in $(seq 200); do [ -n "$(groups | grep "plateau-size-$pid$")" ] && break; sleep 0.05; done
echo "  during the run: $(groups | grep -c "plateau-size-$pid$") group(s) of pid $pid"
sleep 2; kill -INT "$pid"; wait "$pid" || echo "  Ctrl-C: exit $?"
echo "  after Ctrl-C: $(groups | grep -c "plateau-size-$pid$") group(s) of pid $pid"
"$bin" run --sizes 1 --workers 1,2 -r 1000 --out "$tmp/kill-9" --quiet "$@" &
pid=$!
for _ in $(seq 200); do [ -n "$(groups | grep "plateau-size-$pid$")" ] && break; sleep 0.05; done
sleep 2; kill -KILL "$pid"; wait "$pid" || true
echo "  after kill -9: $(groups | grep -c "plateau-size-$pid$") group(s) of pid $pid (left for the next run)"
"$bin" run --sizes 1 --workers 1 -r 1 --warmup 0 --tasks 2 --out "$tmp/next" --quiet "$@"
echo "  after the next run: $(groups | grep -c "plateau-size-$pid$") group(s) of pid $pid; all plateau groups: $(groups | wc -l)"
