#!/usr/bin/env bash
# Measures two plateau builds (or two settings) in the same job with their rounds interleaved,
# so that whatever the machine does meanwhile (noisy neighbours, thermal state, frequency)
# hits both sides alike. Round i runs one `plateau run --repetitions 1` of each side, in the
# order A B on odd rounds and B A on even ones (which also cancels a linear drift); each
# side's runs are then merged into one results.json (scripts/merge-runs.py) for
# `plateau compare`.
#
# Usage: scripts/interleave-runs.sh [--baseline-bin BIN] [--candidate-bin BIN] [--rounds N]
#          [--out DIR] [--baseline-args "ARGS"] [--candidate-args "ARGS"] [-- RUN ARGS...]
#   --baseline-bin/--candidate-bin  the plateau binaries (default: the release build in
#                                   $CARGO_TARGET_DIR when set, else target/)
#   --rounds N                      interleaved rounds = samples per worker count (default 5)
#   --out DIR                       where baseline.json and candidate.json go (default .plateau)
#   --baseline-args/--candidate-args  extra `plateau run` flags for one side only
#   RUN ARGS                        `plateau run` flags for both sides, e.g. --workers 1,2
# Writes DIR/baseline.json and DIR/candidate.json; exits with the first failing run's code.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib/binary.sh"
base_bin=""
cand_bin=""
rounds=5
out=.plateau
base_args=""
cand_args=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --baseline-bin) base_bin="$2"; shift 2 ;;
        --candidate-bin) cand_bin="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --baseline-args) base_args="$2"; shift 2 ;;
        --candidate-args) cand_args="$2"; shift 2 ;;
        --) shift; break ;;
        *) break ;;
    esac
done
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: --rounds must be a positive whole number, not '$rounds'" >&2
    exit 2
fi
if [[ -z "$base_bin" || -z "$cand_bin" ]]; then
    release=$(cd "$here/.." && plateau_target_dir)/release/plateau
    base_bin=${base_bin:-$release}
    cand_bin=${cand_bin:-$release}
fi
for bin in "$base_bin" "$cand_bin"; do
    if [[ ! -x "$bin" ]]; then
        echo "error: plateau binary $bin not found or not executable; build it first (cargo build --release)" >&2
        exit 2
    fi
done
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

one_run() { # side bin extra-args round
    local side="$1" bin="$2" extra="$3" round="$4"
    # shellcheck disable=SC2086 # the extra args are meant to split into flags
    "$bin" run --quiet --repetitions 1 --seed "$round" --out "$work/$side-$round" $extra "${run_args[@]}"
}
run_args=("$@")
base_files=()
cand_files=()
for ((i = 1; i <= rounds; i++)); do
    if ((i % 2 == 1)); then
        one_run baseline "$base_bin" "$base_args" "$i"
        one_run candidate "$cand_bin" "$cand_args" "$i"
    else
        one_run candidate "$cand_bin" "$cand_args" "$i"
        one_run baseline "$base_bin" "$base_args" "$i"
    fi
    base_files+=("$work/baseline-$i/results.json")
    cand_files+=("$work/candidate-$i/results.json")
done
python3 "$here/merge-runs.py" "$out/baseline.json" "${base_files[@]}"
python3 "$here/merge-runs.py" "$out/candidate.json" "${cand_files[@]}"
echo "wrote $out/baseline.json and $out/candidate.json ($rounds interleaved rounds)" >&2
