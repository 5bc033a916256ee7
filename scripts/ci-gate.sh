#!/usr/bin/env bash
# CI performance gate: runs a sweep, compares it with a stored baseline, exits with
# `plateau compare`'s code (0 pass, 1 regression, 2 bad input or nothing decidable,
# 4 inconclusive: a slowdown beyond the threshold that the files cannot tell from noise).
#
# Usage: scripts/ci-gate.sh [--baseline FILE] [--update-baseline] [--plateau BIN]
#          [--compare-args "ARGS"] [--out DIR] [-- RUN ARGS...]
#   --baseline FILE      the stored baseline (default .plateau/baseline.json)
#   --update-baseline    run the sweep and store it as the new baseline; no comparison
#   --plateau BIN        the plateau binary (default: a release build, in $CARGO_TARGET_DIR when set)
#   --compare-args ARGS  extra `plateau compare` flags, e.g. "--threshold 10% --json"
#   --out DIR            where the current run and compare.md go (default .plateau/current)
#   RUN ARGS             `plateau run` flags, e.g. --workers 1,2,4 --repetitions 10
# The markdown table is written to DIR/compare.md and, under GitHub Actions, appended to the
# job's step summary. A stored baseline from another machine compares machines as well as
# code: prefer the interleaved pattern of docs/ci.md when runners vary.
set -euo pipefail
baseline=.plateau/baseline.json
update=0
bin=""
compare_args=""
out=.plateau/current
while [[ $# -gt 0 ]]; do
    case "$1" in
        --baseline) baseline="$2"; shift 2 ;;
        --update-baseline) update=1; shift ;;
        --plateau) bin="$2"; shift 2 ;;
        --compare-args) compare_args="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --) shift; break ;;
        *) break ;;
    esac
done
if [[ -z "$bin" ]]; then
    . "$(dirname "$0")/lib/binary.sh"
    plateau_build release
fi
if [[ "$update" == 0 && ! -f "$baseline" ]]; then
    echo "error: no baseline at $baseline; create it with: $0 --update-baseline [-- RUN ARGS]" >&2
    exit 2
fi
rm -rf "$out"
"$bin" run --quiet --out "$out" "$@"
if [[ "$update" == 1 ]]; then
    mkdir -p "$(dirname "$baseline")"
    cp "$out/results.json" "$baseline"
    echo "baseline updated: $baseline" >&2
    exit 0
fi
status=0
# shellcheck disable=SC2086 # compare_args is meant to split into flags
"$bin" compare "$baseline" "$out/results.json" --markdown "$out/compare.md" $compare_args || status=$?
exit "$status"
