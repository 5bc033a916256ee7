#!/usr/bin/env bash
# The cost of a default `plateau run` at every machine size, computed by the simulator (the real
# plan, calibration, per-count batches, adaptive rounds and decision on a machine model; only the
# executor and the clock simulated), as the markdown table README.md shows.
# Usage: scripts/cost-table.sh [RUNS]   (seeds per machine, default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/binary.sh
runs=${1:-20}
cargo build --release --quiet --example simulate
sim="$(plateau_target_dir)/release/examples/simulate"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Noise like a 2-vCPU cloud VM: about 1.5% a batch, slow phases of seconds, rare outliers.
noise='"noise": {"sigma": 0.015, "phase_share": 0.05, "phase_slowdown": 1.0, "phase_s": 3, "outlier_rate": 0.01, "outlier_factor": 1.5}'
echo '| CPUs | counts | tasks per worker | one round | default budget | rounds (median) | a default run (median, longest) | right answer |'
echo '|---|---|---|---|---|---|---|---|'
for spec in '2:1' '16:2' '64:2' '192:2'; do
    cpus=${spec%%:*} tpc=${spec##*:}
    echo "{\"logical_cpus\": $cpus, \"threads_per_core\": $tpc, \"smt_gain\": 0.25, $noise}" >"$tmp/m.json"
    "$sim" --machine "$tmp/m.json" --runs "$runs" --seed 1 >"$tmp/out.json"
    python3 - "$tmp/out.json" "$cpus" <<'PY'
import json, statistics, sys
runs = json.load(open(sys.argv[1]))["runs"]
cpus = int(sys.argv[2])
r0 = runs[0]
counts = len(r0["workers"])
per_worker = r0["tasks"]["1"]
rounds = statistics.median(r["rounds"] for r in runs)
sim = sorted(r["simulated_s"] for r in runs)
right = sum(r["recommended"] == r["truth"] for r in runs)
per_round = statistics.median(r["simulated_s"] / max(r["rounds"], 1) for r in runs)
budget = statistics.median(r["budget_s"] for r in runs)
print(f"| {cpus} | {counts} | {per_worker} | {per_round:.1f} s | {budget:.0f} s | {rounds:.0f} | {statistics.median(sim):.0f} s, {sim[-1]:.0f} s | {right}/{len(runs)} |")
PY
done
