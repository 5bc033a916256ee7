#!/usr/bin/env bash
# plateau's processes mode beside Python's multiprocessing.Pool.map, on the same machine:
#  1. the CPU task (sum of i*n for i in range(iterations), checked) over 1..2E workers, E the
#     effective CPUs: both speedup curves and where each plateaus (they should agree);
#  2. dispatch overhead per no-op task: Pool.map chunksize=1 and default chunking vs plateau's
#     processes mode (`--workload tiny --work-ns 0`, adaptive chunks, and --chunk 1).
# Iterations differ (Python ~300k, plateau 10M) so one task takes about as long in both
# (~10-20 ms): the curves compare scaling, not the languages' speed.
# Usage: scripts/compare-python.sh [repetitions]   (default 5). Start-up is excluded on both
# sides: Pool is created and warmed before timing; plateau's wall_s starts when every worker
# process is ready. Not a test: a measurement; run it on an idle machine for clean figures.
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-5}"
. scripts/measure-env.sh
max=$((2 * eff))
tasks=$((12 * max))
py_iter="${PY_ITERATIONS:-300000}"
rs_iter="${RS_ITERATIONS:-10000000}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 scripts/pool_bench.py --max-workers "$max" --tasks "$tasks" --iterations "$py_iter" \
  --reps "$reps" --overhead-workers "$eff" > "$tmp/python.json"
"$bin" run --mode processes --workload cpu --iterations "$rs_iter" --tasks "$tasks" \
  --workers "1..$max" --repetitions "$reps" --warmup 1 --quiet --seed 1 --out "$tmp/cpu"
"$bin" run --mode processes --workload tiny --work-ns 0 --tasks 200000 --workers "$eff" \
  --repetitions "$reps" --warmup 1 --quiet --seed 1 --out "$tmp/noop"
"$bin" run --mode processes --workload tiny --work-ns 0 --tasks 20000 --chunk 1 \
  --workers "$eff" --repetitions "$reps" --warmup 1 --quiet --seed 1 --out "$tmp/noop1"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
py = json.load(open(os.path.join(tmp, "python.json")))
def load(name):
    return json.load(open(os.path.join(tmp, name, "results.json")))
cpu = load("cpu")
rs = {p["workers"]: p["summary"]["tasks_per_sec"] for p in cpu["points"]}
pyc = {p["workers"]: p["tasks_per_sec"] for p in py["cpu"]["points"]}
def plateau_from(curve):
    peak = max(curve.values())
    return min(w for w, x in curve.items() if x >= 0.95 * peak)
print(f"\nCPU task, {cpu['config']['tasks']} tasks per batch, {cpu['machine']['effective_cpus']} effective CPUs")
print(f"{'workers':>7}  {'Pool.map tasks/s':>16} {'speedup':>7}  {'plateau tasks/s':>15} {'speedup':>7}")
for w in sorted(rs):
    print(f"{w:>7}  {pyc[w]:>16.2f} {pyc[w]/pyc[1]:>7.2f}  {rs[w]:>15.2f} {rs[w]/rs[1]:>7.2f}")
print(f"plateau (first count within 5% of the peak): Pool.map {plateau_from(pyc)}, plateau {plateau_from(rs)}")
def per_task_us(name):
    r = load(name)
    return r["points"][0]["summary"]["median_s"] / r["config"]["tasks"] * 1e6
ours, ours1 = per_task_us("noop"), per_task_us("noop1")
c1, dflt = py["overhead"]["chunksize1_us_per_task"], py["overhead"]["default_chunking_us_per_task"]
print(f"\ndispatch overhead per no-op task at {py['overhead']['workers']} workers (microseconds)")
print(f"  Pool.map chunksize=1        {c1:10.3f}")
print(f"  Pool.map default chunking   {dflt:10.3f}")
print(f"  plateau adaptive chunks     {ours:10.3f}   ratio to chunksize=1: {ours/c1:.4f} (target <= 0.2); to default: {ours/dflt:.3f} (target <= 1)")
print(f"  plateau --chunk 1           {ours1:10.3f}   ratio to chunksize=1: {ours1/c1:.3f}")
PY
