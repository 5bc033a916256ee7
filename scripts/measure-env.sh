# Sourced (not run) by the measurement scripts, from the repository root: builds plateau in
# release (through lib/binary.sh, so CARGO_TARGET_DIR is honoured) and sets $bin to its absolute
# path, $tmp to a temporary folder removed on exit, and $eff to this
# machine's effective CPUs as plateau detects them.
. scripts/lib/binary.sh
plateau_build release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
eff=$("$bin" info --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["effective_cpus"])')
