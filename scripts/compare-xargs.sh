#!/usr/bin/env bash
# Command mode against `xargs -P W` on the same short commands: N runs of `true` (default
# 500) at W at a time (default: the effective CPUs).
#
# How each is timed: plateau's own batch wall_s (from the release of its W waiting worker
# threads to the end of the last command; the median of R batches). xargs: a Python
# perf_counter around `xargs -n 1 -P W true < list` (median of R runs), which also contains
# xargs's own start (exec, ~1 ms); that start is measured with an empty list and shown, and
# the ratio is given both raw and with it subtracted. Target: plateau / xargs <= 1.1.
# Usage: scripts/compare-xargs.sh [repetitions] [tasks] [workers]. Not a test: a measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-10}"
tasks="${2:-500}"
. scripts/measure-env.sh
workers="${3:-$eff}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" run --workers "$workers" --tasks "$tasks" --repetitions "$reps" --warmup 1 --quiet \
  --seed 1 --out "$tmp/plateau" -- true
python3 - "$tmp" "$reps" "$tasks" "$workers" <<'PY'
import json, os, statistics, subprocess, sys, time
tmp, reps, tasks, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
listing = os.path.join(tmp, "list")
with open(listing, "w") as f:
    f.write("".join(f"{i}\n" for i in range(tasks)))
def xargs(path):
    times = []
    for _ in range(reps + 1):  # the first is a warmup
        with open(path) as stdin:
            t = time.perf_counter()
            subprocess.run(["xargs", "-n", "1", "-P", str(workers), "true"], stdin=stdin, check=True)
            times.append(time.perf_counter() - t)
    return statistics.median(times[1:])
empty = os.path.join(tmp, "empty")
open(empty, "w").close()
x = xargs(listing)
x0 = xargs(empty)
r = json.load(open(os.path.join(tmp, "plateau", "results.json")))
p = next(pt for pt in r["points"] if pt["workers"] == workers)["summary"]["median_s"]
print(f"{tasks} x `true`, {workers} at a time, median of {reps}:")
print(f"  xargs -P {workers}: {x*1e3:8.2f} ms  (of which xargs's own start, empty list: {x0*1e3:.2f} ms)")
print(f"  plateau run:  {p*1e3:8.2f} ms  (batch wall_s)")
print(f"  ratio plateau / xargs: {p/x:.3f} raw, {p/max(x - x0, 1e-9):.3f} with xargs's start subtracted (target <= 1.1)")
PY
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
