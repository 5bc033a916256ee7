#!/usr/bin/env bash
# Command mode against `xargs -P W` and GNU parallel on the same short commands: N runs of
# `true` (default 500) at W at a time (default 2), measured alternately in pairs (plateau,
# xargs, parallel; then again), P pairs (default 10), so drift on a noisy machine hits all
# three alike. Reports the ratio of medians. Target: plateau / xargs <= 1.05.
#
# How each is timed: plateau's own batch wall_s at W workers (from the release of its W
# waiting worker threads to the end of the last command; one `plateau run --workers W
# --repetitions 1 --warmup 0` per pair, which also measures 1 worker, not used here). xargs
# and parallel: a Python perf_counter around `xargs -n 1 -P W true < list` and
# `parallel -j W true < list`, which also contains their own start (exec, and perl's start for
# parallel); that start is measured with an empty list and the ratios are given raw and with
# it subtracted. GNU parallel is installed with apt-get when missing (Debian's `parallel`).
# Usage: scripts/compare-xargs.sh [pairs] [tasks] [workers]. Not a test: a measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs="${1:-10}"
tasks="${2:-500}"
workers="${3:-2}"
if ! parallel --version 2>/dev/null | grep -q "GNU parallel"; then
  echo "installing GNU parallel (Debian package 'parallel')" >&2
  sudo_=""
  [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get install -y -qq parallel >/dev/null || {
    $sudo_ apt-get update -qq >/dev/null && $sudo_ apt-get install -y -qq parallel >/dev/null
  }
fi
. scripts/measure-env.sh
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$bin" "$tmp" "$pairs" "$tasks" "$workers" <<'PY'
import json, os, statistics, subprocess, sys, time
bin_, tmp, pairs, tasks, workers = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
listing = os.path.join(tmp, "list")
with open(listing, "w") as f:
    f.write("".join(f"{i}\n" for i in range(tasks)))
empty = os.path.join(tmp, "empty")
open(empty, "w").close()

def timed(argv, path):
    with open(path) as stdin:
        t = time.perf_counter()
        subprocess.run(argv, stdin=stdin, stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - t

xargs = ["xargs", "-n", "1", "-P", str(workers), "true"]
parallel = ["parallel", "--will-cite", "-j", str(workers), "true"]

def plateau(i):
    out = os.path.join(tmp, f"p{i}")
    subprocess.run([bin_, "run", "--workers", str(workers), "--tasks", str(tasks),
                    "--repetitions", "1", "--warmup", "0", "--seed", str(i + 10), "--quiet",
                    "--out", out, "--", "true"], check=True, stderr=subprocess.DEVNULL)
    r = json.load(open(os.path.join(out, "results.json")))
    return next(p for p in r["points"] if p["workers"] == workers)["samples"][0]["wall_s"]

# One untimed round of each first: page cache, binaries, perl modules.
plateau(-1); timed(xargs, listing); timed(parallel, listing)
p, x, g, x0, g0 = [], [], [], [], []
for i in range(pairs):
    p.append(plateau(i))
    x.append(timed(xargs, listing))
    g.append(timed(parallel, listing))
    x0.append(timed(xargs, empty))
    g0.append(timed(parallel, empty))
med = statistics.median
mp, mx, mg, mx0, mg0 = med(p), med(x), med(g), med(x0), med(g0)
ms = lambda v: " ".join(f"{t*1e3:.0f}" for t in v)
print(f"{tasks} x `true`, {workers} at a time, {pairs} alternating pairs (ms per batch):")
print(f"  plateau run (batch wall_s): median {mp*1e3:8.2f}  [{ms(p)}]")
print(f"  xargs -P {workers}:              median {mx*1e3:8.2f}  [{ms(x)}]  own start (empty list) {mx0*1e3:.2f}")
print(f"  parallel -j {workers}:           median {mg*1e3:8.2f}  [{ms(g)}]  own start (empty list) {mg0*1e3:.2f}")
print(f"  plateau / xargs:    {mp/mx:.3f} raw, {mp/max(mx - mx0, 1e-9):.3f} with xargs's start subtracted (target <= 1.05)")
print(f"  plateau / parallel: {mp/mg:.3f} raw, {mp/max(mg - mg0, 1e-9):.3f} with parallel's start subtracted")
PY
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
