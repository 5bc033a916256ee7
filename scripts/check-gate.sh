#!/usr/bin/env bash
# Measures the CI gate's two figures on this machine (not a test: a measurement):
#  1. false alarms: PAIRS pairs of runs of the same build and settings, each compared at the
#     default threshold (5%) and alpha (0.05): how many are flagged (should be 0);
#  2. detection: PAIRS pairs where the candidate does 10% more work per task (--iterations
#     3000000 -> 3300000, compared with --allow-config-change): how many are flagged (should
#     be all).
# Each figure is measured two ways: "interleaved" (scripts/interleave-runs.sh: the two sides'
# rounds alternate, the pattern docs/ci.md recommends) and "sequential" (one whole run, then
# the other: what a naive gate does).
#
# Usage: scripts/check-gate.sh [PAIRS] [interleaved|sequential|both] [REPS]   (default: 10 both 5)
#   REPS: samples per worker count (interleaved rounds, or --repetitions of a sequential run)
set -euo pipefail
cd "$(dirname "$0")/.."
pairs="${1:-10}"
modes="${2:-both}"
[[ "$modes" == both ]] && modes="interleaved sequential"
cargo build --release --quiet
bin=target/release/plateau
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
common=(--workers 1,2 --tasks 16)
base_iter=3000000
slow_iter=3300000
reps="${3:-5}"

load() { cut -d' ' -f1-3 /proc/loadavg; }

# Prints "flagged" or "pass" (or "error N") and the whole-curve ratio for one comparison.
judge() { # baseline.json candidate.json
    local code=0
    "$bin" compare "$1" "$2" --allow-config-change --json >"$tmp/verdict.json" 2>/dev/null || code=$?
    local ratio
    ratio=$(python3 - "$tmp/verdict.json" <<'PY' 2>/dev/null || echo "-"
import json, sys
w = json.load(open(sys.argv[1]))["whole_curve"]
print("%.3f" % w["evidence"]["ratio"]["ratio"] if w else "-")
PY
)
    case "$code" in
        0) echo "pass $ratio" ;;
        1) echo "flagged $ratio" ;;
        *) echo "error$code $ratio" ;;
    esac
}

measure_pair() { # mode candidate-iterations pair-index
    local mode="$1" cand_iter="$2" i="$3" dir="$tmp/$1-$2-$3"
    mkdir -p "$dir"
    if [[ "$mode" == interleaved ]]; then
        scripts/interleave-runs.sh --rounds "$reps" --out "$dir" \
            --baseline-args "--iterations $base_iter" --candidate-args "--iterations $cand_iter" \
            -- "${common[@]}" 2>/dev/null
    else
        "$bin" run --quiet --repetitions "$reps" --seed "$i" --iterations "$base_iter" --out "$dir/b" "${common[@]}"
        "$bin" run --quiet --repetitions "$reps" --seed "$i" --iterations "$cand_iter" --out "$dir/c" "${common[@]}"
        cp "$dir/b/results.json" "$dir/baseline.json"
        cp "$dir/c/results.json" "$dir/candidate.json"
    fi
    judge "$dir/baseline.json" "$dir/candidate.json"
}

echo "machine: $(nproc) CPUs; config: ${common[*]} --repetitions $reps, iterations $base_iter vs $slow_iter"
for mode in $modes; do
    for case in same slower; do
        iter=$base_iter
        [[ "$case" == slower ]] && iter=$slow_iter
        start_load=$(load)
        flagged=0
        ratios=()
        for ((i = 1; i <= pairs; i++)); do
            read -r verdict ratio < <(measure_pair "$mode" "$iter" "$i")
            if [[ "$verdict" == flagged ]]; then
                flagged=$((flagged + 1))
                ratio="$ratio*"
            fi
            ratios+=("$ratio")
        done
        echo "$mode, $case build: flagged $flagged of $pairs pairs (load average before: $start_load; after: $(load))"
        echo "  whole-curve throughput ratios (* = flagged): ${ratios[*]}"
    done
done
