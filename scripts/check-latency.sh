#!/usr/bin/env bash
# The latency recording's figures on this machine:
#  1. the io workload (`--workload io --workers 1,2,4,8 -r 3`): p50 at 1 worker against --io-ms
#     (within 15%) and Little's law at every count (tasks in flight within 10% of the workers);
#  2. with --bench: the dispatch bench's latency_record group (a no-op task bare and timed);
#  3. with --against REF: the default cpu workload (240 tasks per batch, so the rounds merge) of
#     this build against REF's (a git commit before the recording), rounds interleaved
#     (scripts/interleave-runs.sh), then `plateau compare`.
# Usage: scripts/check-latency.sh [--io-ms MS] [--bench] [--against REF] [--rounds N]
# Not a test: a measurement. Exits 1 when a figure of 1 is off.
set -euo pipefail
cd "$(dirname "$0")/.."
io_ms=20; bench=0; against=""; rounds=6
while [[ $# -gt 0 ]]; do
    case "$1" in
        --io-ms) io_ms="$2"; shift 2 ;;
        --bench) bench=1; shift ;;
        --against) against="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        *) echo "check-latency: unknown argument $1" >&2; exit 2 ;;
    esac
done
. scripts/measure-env.sh

echo "== io workload, --io-ms $io_ms, workers 1,2,4,8, 3 repetitions"
"$bin" run --workload io --io-ms "$io_ms" --workers 1,2,4,8 -r 3 --quiet --seed 1 --out "$tmp/io"
python3 - "$tmp/io/results.json" "$io_ms" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
io_s = float(sys.argv[2]) / 1000
little = {c["workers"]: c for c in r["analysis"]["latency"]["little"]}
fails = []
for p in r["points"]:
    l = p["summary"]["latency"]
    c = little[p["workers"]]
    print(f"  {p['workers']:>2} workers: p50 {l['p50_s'] * 1e3:7.2f} ms  p99 {l['p99_s'] * 1e3:7.2f} ms"
          f"  mean {l['mean_s'] * 1e3:7.2f} ms  tasks/s {p['summary']['tasks_per_sec']:8.1f}"
          f"  in flight {c['in_flight']:5.2f} (x{c['ratio']:.3f})")
    if abs(c["ratio"] - 1) > 0.10:
        fails.append(f"Little's law off by more than 10% at {p['workers']} workers")
one = next(p for p in r["points"] if p["workers"] == 1)["summary"]["latency"]["p50_s"]
print(f"  p50 at 1 worker / --io-ms: {one / io_s:.3f}")
if abs(one / io_s - 1) > 0.15:
    fails.append("p50 at 1 worker is not within 15% of --io-ms")
if fails:
    print("check-latency FAILED: " + "; ".join(fails))
    sys.exit(1)
PY

if [ "$bench" = 1 ]; then
    echo "== cargo bench --bench dispatch -- latency_record"
    cargo bench --bench dispatch -- latency_record 2>/dev/null | grep -E "^latency_record|time:"
fi

if [ -n "$against" ]; then
    echo "== the default cpu run against $against, $rounds interleaved rounds"
    # An export of REF's files (no git worktree), built in its own target folder.
    mkdir -p "$tmp/base"
    git archive "$against" | tar -x -C "$tmp/base"
    (cd "$tmp/base" && cargo build --release --quiet)
    scripts/interleave-runs.sh --baseline-bin "$tmp/base/target/release/plateau" \
        --candidate-bin "$bin" --rounds "$rounds" --out "$tmp/gate" -- --workers "1..$eff" --tasks 240
    "$bin" compare "$tmp/gate/baseline.json" "$tmp/gate/candidate.json" || true
fi
