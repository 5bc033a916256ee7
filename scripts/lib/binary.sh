# Sourced (not run) by the scripts in scripts/, from the repository root. Finds where cargo puts
# its builds (CARGO_TARGET_DIR when set, else the workspace's target/, as `cargo metadata`
# reports it) and builds plateau there:
#   plateau_target_dir         prints that folder, absolute
#   plateau_build [release|debug]   builds the profile (release by default) and sets $bin to
#                              the absolute path of its plateau binary
# Nothing else is set; a failed build returns non-zero (and stops a script under set -e).

plateau_target_dir() {
    cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}

plateau_build() {
    local profile=${1:-release} dir
    case $profile in
        release) cargo build --release --quiet || return ;;
        debug) cargo build --quiet || return ;;
        *) echo "plateau_build: unknown profile '$profile' (release or debug)" >&2; return 2 ;;
    esac
    dir=$(plateau_target_dir) || return
    bin=$dir/$profile/plateau
    if [ ! -x "$bin" ]; then
        echo "plateau_build: the build left no binary at $bin" >&2
        return 1
    fi
}
