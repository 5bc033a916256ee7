#!/usr/bin/env bash
# Measures the main job's fidelity figures on this machine (run it on an idle machine):
#  1. speedup of the cpu workload at 2 workers (and at the effective CPU count);
#  2. linearity: doubling --iterations should double the 1-worker time (ratio near 2.00).
# Usage: scripts/check-scaling.sh [repetitions]   (default 10). Prints the figures; writes
# the runs under a temporary folder. Not a test: a benchmark of the machine and the harness.
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-10}"
. scripts/measure-env.sh

"$bin" run --workers "1,2,$eff" --repetitions "$reps" --quiet --seed 1 --out "$tmp/speedup"
"$bin" run --workers 1 --tasks 8 --iterations 10000000 --repetitions "$reps" --quiet --seed 1 --out "$tmp/it1"
"$bin" run --workers 1 --tasks 8 --iterations 20000000 --repetitions "$reps" --quiet --seed 1 --out "$tmp/it2"

python3 - "$tmp" <<'PY'
import json, sys, os
tmp = sys.argv[1]
def load(name):
    with open(os.path.join(tmp, name, "results.json")) as f:
        return json.load(f)
r = load("speedup")
print(f"machine: {r['machine']['cpu_brand']}, {r['machine']['effective_cpus']} effective CPUs, load {r['machine']['load_average_1m']:.2f}")
for p in r["points"]:
    s = p["summary"]
    print(f"  workers {p['workers']:>3}: median {s['median_s']:.4f} s  speedup {s['speedup']:.3f}  efficiency {s['efficiency']*100:.1f}%  cv {s['cv']*100:.1f}%")
a = load("it1")["points"][0]["summary"]["median_s"]
b = load("it2")["points"][0]["summary"]["median_s"]
print(f"linearity: 1 worker, 8 tasks: 10M iterations {a:.4f} s, 20M iterations {b:.4f} s, ratio {b/a:.3f} (ideal 2.000, within 5%: {abs(b/a-2)/2 <= 0.05})")
PY
