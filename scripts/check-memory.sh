#!/usr/bin/env bash
# The memory cap on a real pool: a Python function that holds about 300 MiB per worker (taken
# in its --init) and sleeps (I/O-like, so throughput alone scales past the cores), swept with
# --persistent over 1..8 workers twice:
#  1. inside a fresh cgroup limited to 1 GiB (cgroup v2 memory.max where the memory controller
#     is on the v2 hierarchy, else v1 memory.limit_in_bytes): the recommendation must be at
#     most 3 and the verdict must say memory binds; counts that would not fit are skipped;
#  2. without the limit: the recommendation follows throughput.
# Needs root (it creates and removes the cgroup). Usage: scripts/check-memory.sh [repetitions]
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-3}"
. scripts/measure-env.sh
export PYTHONPATH="$PWD/python"
limit=$((1 << 30))
cat > "$tmp/holder.py" <<'PY'
"""About 300 MiB per worker, held for the worker's life, and tasks that sleep like I/O."""
import time

held = []


def setup():
    held.append(b"x" * (300 << 20))  # written, so every page is resident


def task(n):
    time.sleep(0.02)
PY

# A fresh cgroup with the limit: v2 if its hierarchy has the memory controller, else v1.
cg=""
for root in /sys/fs/cgroup /sys/fs/cgroup/unified; do
  if grep -qw memory "$root/cgroup.controllers" 2>/dev/null; then
    echo +memory > "$root/cgroup.subtree_control" 2>/dev/null || true
    cg="$root/plateau-check-memory-$$"; mkdir "$cg"; echo "$limit" > "$cg/memory.max"
    kind="cgroup v2 memory.max"; break
  fi
done
if [ -z "$cg" ] && [ -d /sys/fs/cgroup/memory ]; then
  cg="/sys/fs/cgroup/memory/plateau-check-memory-$$"; mkdir "$cg"
  echo "$limit" > "$cg/memory.limit_in_bytes"; kind="cgroup v1 memory.limit_in_bytes"
fi
[ -n "$cg" ] || { echo "no cgroup memory controller found" >&2; exit 1; }
trap 'rmdir "$cg" 2>/dev/null || true; rm -rf "$tmp"' EXIT
echo "limit: 1 GiB via $kind"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Runs its arguments inside the limited cgroup.
limited() { sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"; }
sweep=(run --persistent --workers 1..8 --tasks 96 --warmup 1 --repetitions "$reps" --seed 1 --quiet
  -- python3 -m plateau_bench.worker holder:task --init holder:setup)
cd "$tmp"
limited "$bin" info | grep "memory limit"
limited "$bin" "${sweep[@]:0:12}" --out limited "${sweep[@]:12}"
"$bin" "${sweep[@]:0:12}" --out free "${sweep[@]:12}"
cd - > /dev/null
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$tmp" <<'PY'
import json, os, sys
for name in ("limited", "free"):
    r = json.load(open(os.path.join(sys.argv[1], name, "results.json")))
    a, m = r["analysis"], r["analysis"]["memory"]
    print(f"\n{name}: limit {m['limit_bytes'] / 2**30:.2f} GiB ({m['limit_binding']}), "
          f"per-worker peak RSS {m['worker_peak_rss_bytes'] / 2**20:.0f} MiB, plateau "
          f"{m['plateau_rss_bytes'] / 2**20:.0f} MiB, max workers that fit {m['max_workers']}")
    print("  tasks/s by workers:", {p["workers"]: round(p["summary"]["tasks_per_sec"], 1)
                                 for p in r["points"] if p["summary"]})
    print(f"  skipped: {m['skipped_workers']}; throughput alone: {m['throughput_recommended']}; "
          f"recommended: {a['recommended_workers']}; binds: {m['binds']}")
    print("  verdict:", a["verdict"])
PY
