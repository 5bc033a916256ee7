#!/usr/bin/env bash
# --persistent through the Python adapter (python/plateau_bench/worker.py), on this machine:
#  1. the seed's cpu_intensive_task (its pure-Python loop, iterations reduced so one task takes
#     10-50 ms) over 1..2E workers, E the effective CPUs: speedup at 2 workers (target >= 1.85)
#     and the recommendation (target: 2 on a 2-CPU machine); Python's start-up is in startup_s,
#     not wall_s (wall_s at 1 worker / tasks is compared with the task's own time, in-process);
#  2. dispatch overhead per no-op task at 2 workers: the adapter with --chunk 1 and with
#     adaptive chunks, plateau's --mode processes with --chunk 1 and adaptive, against Python's
#     own multiprocessing.Pool.map with chunksize=1 and default chunking, in this same run.
# Usage: scripts/check-persistent.sh [repetitions] (default 5). A measurement, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-5}"
. scripts/measure-env.sh
iterations="${ITERATIONS:-400000}"
max=$((2 * eff))
tasks=$((12 * max))
noop_tasks="${NOOP_TASKS:-20000}"
export PYTHONPATH="$PWD/python"
cat > "$tmp/mymod.py" <<PY
"""The seed's task, with its loop shortened so one task takes 10-50 ms."""

ITERATIONS = $iterations


def cpu_intensive_task(n):
    result = 0
    for i in range(ITERATIONS):
        result += i * n
    return result


def noop(n):
    return n
PY
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
task_s=$(cd "$tmp" && python3 -c 'import timeit, mymod; print(min(timeit.repeat("mymod.cpu_intensive_task(7)", globals=globals(), number=5, repeat=5)) / 5)')
run() { (cd "$tmp" && "$bin" run --quiet --seed 1 --warmup 1 --repetitions "$reps" "$@"); }
run --persistent --workers "1..$max" --tasks "$tasks" --out "$tmp/cpu" \
  -- python3 -m plateau_bench.worker mymod:cpu_intensive_task
run --persistent --workers 2 --tasks "$noop_tasks" --chunk 1 --out "$tmp/ad1" \
  -- python3 -m plateau_bench.worker mymod:noop
run --persistent --workers 2 --tasks "$noop_tasks" --out "$tmp/adg" \
  -- python3 -m plateau_bench.worker mymod:noop
run --mode processes --workload tiny --work-ns 0 --workers 2 --tasks "$noop_tasks" --chunk 1 --out "$tmp/pr1"
run --mode processes --workload tiny --work-ns 0 --workers 2 --tasks "$noop_tasks" --out "$tmp/prg"
python3 scripts/pool_bench.py --max-workers 0 --overhead-workers 2 --reps "$reps" \
  --noop-tasks-chunk1 "$noop_tasks" --noop-tasks-default "$noop_tasks" > "$tmp/pool.json"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$tmp" "$task_s" <<'PY'
import json, os, statistics, sys
tmp, task_s = sys.argv[1], float(sys.argv[2])
def load(name):
    return json.load(open(os.path.join(tmp, name, "results.json")))
cpu = load("cpu")
pts = {p["workers"]: p for p in cpu["points"]}
print(f"\ncpu_intensive_task through the adapter: {cpu['config']['tasks']} tasks per batch, "
      f"{cpu['machine']['effective_cpus']} effective CPUs; one task in-process: {task_s * 1e3:.1f} ms")
print(f"{'workers':>7} {'tasks/s':>9} {'speedup':>8} {'median wall_s':>14} {'median startup_s':>17}")
for w, p in sorted(pts.items()):
    s = p["summary"]
    st = statistics.median(x["startup_s"] for x in p["samples"])
    print(f"{w:>7} {s['tasks_per_sec']:>9.2f} {s['speedup']:>8.3f} {s['median_s']:>14.3f} {st:>17.3f}")
a = cpu["analysis"]
print(f"speedup at 2 workers: {pts[2]['summary']['speedup']:.3f} (target >= 1.85); "
      f"recommended: {a['recommended_workers']} (target 2)")
per_task_1 = pts[1]["summary"]["median_s"] / cpu["config"]["tasks"]
print(f"wall_s per task at 1 worker: {per_task_1 * 1e3:.2f} ms, in-process task {task_s * 1e3:.2f} ms "
      f"(ratio {per_task_1 / task_s:.3f}); Python start-up per batch (startup_s at 1 worker): "
      f"{statistics.median(x['startup_s'] for x in pts[1]['samples']) * 1e3:.0f} ms, outside wall_s")
print("verdict:", a["verdict"])
def per_task_us(name):
    r = load(name)
    p = next(p for p in r["points"] if p["workers"] == 2)
    return p["summary"]["median_s"] / r["config"]["tasks"] * 1e6
pool = json.load(open(os.path.join(tmp, "pool.json")))["overhead"]
c1, dflt = pool["chunksize1_us_per_task"], pool["default_chunking_us_per_task"]
print(f"\nper no-op task at 2 workers (microseconds; lower is better)")
print(f"  Pool.map chunksize=1            {c1:8.2f}")
print(f"  Pool.map default chunking       {dflt:8.2f}")
for label, name in [("adapter --persistent --chunk 1", "ad1"), ("adapter --persistent adaptive", "adg"),
                    ("--mode processes --chunk 1", "pr1"), ("--mode processes adaptive", "prg")]:
    us = per_task_us(name)
    print(f"  {label:<31} {us:8.2f}   / chunksize=1: {us / c1:.3f}   / default: {us / dflt:.3f}")
PY
