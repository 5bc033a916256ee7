# Sourced (not run) by the measurement scripts, from the repository root: builds plateau in
# release and sets $bin to it, $tmp to a temporary folder removed on exit, and $eff to this
# machine's effective CPUs as plateau detects them.
cargo build --release --quiet
bin=target/release/plateau
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
eff=$("$bin" info --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["effective_cpus"])')
