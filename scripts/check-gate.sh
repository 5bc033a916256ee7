#!/usr/bin/env bash
# Measures the CI gate on this machine (not a test: a measurement). For each form and case it
# runs PAIRS independent gates and reports how many were flagged (exit 1), how many passed
# (exit 0), how many were inconclusive (exit 4), the median and longest time to a decision,
# and the whole-curve throughput ratios.
#
# Forms:
#   gate    the interleaved gate on the cpu workload: plateau compare --baseline-args
#           '--iterations 3000000' --candidate-args '--iterations N' --workers 1,2
#   cmd     the interleaved gate on a CPU-bound shell loop: --baseline-cmd/--candidate-cmd
#           "sh -c 'i=0; while [ $i -lt 20000 ]; ...'" against 20000 (same) or 22000 (10%)
#   stored  the stored-file form: two sequential `plateau run --repetitions 5` (cpu, --workers
#           1,2 --tasks 16), then plateau compare BASE.json CURRENT.json
# Cases: same (identical settings: every flag is a false alarm), slower10 (10% more work per
# task: every pass is a miss), slower5 (5% more work; the cmd form skips it).
#
# Usage: scripts/check-gate.sh [PAIRS] [FORMS] [CASES]
#   default: 10 "gate cmd stored" "same slower10 slower5"
set -euo pipefail
cd "$(dirname "$0")/.."
pairs="${1:-10}"
forms="${2:-gate cmd stored}"
cases="${3:-same slower10 slower5}"
. scripts/lib/binary.sh
plateau_build release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base_iter=3000000
loop_cmd() { echo "sh -c 'i=0; while [ \$i -lt $1 ]; do i=\$((i+1)); done'"; }

load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }

# Prints "CODE SECONDS RATIO ROUNDS" for one gate or comparison.
one() { # form case index
    local form="$1" case="$2" i="$3" dir="$tmp/$1-$2-$3" code=0 start end
    mkdir -p "$dir"
    local factor
    case "$case" in
        same) factor=100 ;;
        slower10) factor=110 ;;
        slower5) factor=105 ;;
    esac
    start=$(now)
    case "$form" in
        gate)
            "$bin" compare --quiet --json --out "$dir/g" --workers 1,2 --seed "$i" \
                --baseline-args "--iterations $base_iter" \
                --candidate-args "--iterations $((base_iter * factor / 100))" \
                >"$dir/verdict.json" 2>/dev/null || code=$?
            ;;
        cmd)
            "$bin" compare --quiet --json --out "$dir/g" --workers 1,2 --seed "$i" \
                --baseline-cmd "$(loop_cmd 20000)" \
                --candidate-cmd "$(loop_cmd $((20000 * factor / 100)))" \
                >"$dir/verdict.json" 2>/dev/null || code=$?
            ;;
        stored)
            local common=(--quiet --workers 1,2 --tasks 16 --repetitions 5 --seed "$i")
            "$bin" run "${common[@]}" --iterations "$base_iter" --out "$dir/b" 2>/dev/null
            "$bin" run "${common[@]}" --iterations "$((base_iter * factor / 100))" --out "$dir/c" 2>/dev/null
            "$bin" compare "$dir/b/results.json" "$dir/c/results.json" --allow-config-change \
                --json >"$dir/verdict.json" 2>/dev/null || code=$?
            ;;
    esac
    end=$(now)
    python3 - "$dir/verdict.json" "$code" "$start" "$end" <<'PY'
import json, sys
path, code, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
ratio, rounds = "-", "-"
try:
    v = json.load(open(path))
    w = v.get("whole_curve")
    if w:
        r = w["ratio"] if "ratio" in w and isinstance(w["ratio"], float) else w["evidence"]["ratio"]["ratio"]
        ratio = "%.3f" % r
    rounds = str(v.get("rounds", "-"))
except Exception:
    pass
print(code, "%.1f" % (end - start), ratio, rounds)
PY
}

echo "machine: $(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%M:%SZ); plateau $("$bin" --version | cut -d' ' -f2)"
for form in $forms; do
    for case in $cases; do
        [[ "$form" == cmd && "$case" == slower5 ]] && continue
        start_load=$(load)
        flagged=0 passed=0 inconclusive=0 other=0
        times=() ratios=()
        for ((i = 1; i <= pairs; i++)); do
            read -r code secs ratio rounds < <(one "$form" "$case" "$i")
            case "$code" in
                0) passed=$((passed + 1)) ;;
                1) flagged=$((flagged + 1)); ratio="$ratio*" ;;
                4) inconclusive=$((inconclusive + 1)); ratio="$ratio?" ;;
                *) other=$((other + 1)); ratio="$ratio!$code" ;;
            esac
            times+=("$secs")
            [[ "$rounds" != "-" ]] && ratio="$ratio/${rounds}r"
            ratios+=("$ratio")
        done
        stats=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %.0f s, longest %.0f s", m, a[NR]}')
        echo "$form, $case: flagged $flagged, passed $passed, inconclusive $inconclusive, errors $other of $pairs; time to decision $stats (load average before: $start_load; after: $(load))"
        echo "  whole-curve throughput ratios (* flagged, ? inconclusive, /Nr rounds): ${ratios[*]}"
    done
done
