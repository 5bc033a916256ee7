#!/usr/bin/env bash
# The shapes the workloads exist to show, on this machine: `io` keeps scaling past the
# effective CPUs; `contended` does not scale (throughput falls or stays flat as workers are
# added), in threads and processes mode. Prints each curve with its speedups.
# Usage: scripts/check-workloads.sh [repetitions]   (default 5). Not a test: a measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-5}"
. scripts/measure-env.sh
echo "effective CPUs: $eff; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
common=(--repetitions "$reps" --warmup 1 --quiet --seed 1)
"$bin" run --workload io --workers "1,2,4,8,16" --tasks 64 "${common[@]}" --out "$tmp/io-threads"
"$bin" run --workload io --mode processes --workers "1,2,4,8,16" --tasks 64 "${common[@]}" --out "$tmp/io-processes"
"$bin" run --workload contended --workers "1..$((2 * eff))" --tasks 48 "${common[@]}" --out "$tmp/contended-threads"
"$bin" run --workload contended --mode processes --workers "1..$((2 * eff))" --tasks 48 "${common[@]}" --out "$tmp/contended-processes"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
for name in ["io-threads", "io-processes", "contended-threads", "contended-processes"]:
    r = json.load(open(os.path.join(tmp, name, "results.json")))
    print(f"\n{name}: {r['config']['workload']}")
    for p in r["points"]:
        s = p["summary"]
        inv = sum(x["involuntary_ctx_switches"] for x in p["samples"]) // len(p["samples"])
        print(f"  workers {p['workers']:>3}: {s['tasks_per_sec']:10.1f} tasks/s  speedup {s['speedup']:5.2f}  cv {s['cv']*100:5.1f}%  involuntary switches/batch {inv}")
PY
