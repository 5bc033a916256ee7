#!/usr/bin/env bash
# Builds the plateau-bench wheel that installs without Rust: maturin's `bin` bindings put the
# release binary, the worker adapter and the Python API in one wheel, linked by zig against
# glibc 2.17 so that it is tagged manylinux2014 / manylinux_2_17 and passes maturin's
# auditwheel check. maturin and ziglang come from PyPI into a virtual environment of their own
# under the cargo target folder (removed by `cargo clean`): its fixed path keeps the linker's
# path the same from one build to the next, so cargo rebuilds only what changed.
#
# Usage: scripts/build-wheel.sh [OUT_DIR]   (default: $CARGO_TARGET_DIR/wheels, else target/wheels)
#   TARGET=aarch64-unknown-linux-gnu scripts/build-wheel.sh   another target (rustup target add it)
#   SDIST=1 scripts/build-wheel.sh                             also the source distribution
# Prints the wheel's path on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
CARGO_TARGET_DIR=$(realpath -m "${CARGO_TARGET_DIR:-$root/target}")
export CARGO_TARGET_DIR
out=${1:-$CARGO_TARGET_DIR/wheels}
mkdir -p "$out"
out=$(cd "$out" && pwd)
maturin_version=1.16.0
ziglang_version=0.15.1

venv=$CARGO_TARGET_DIR/wheel-tools/maturin-$maturin_version-zig-$ziglang_version
if ! [ -x "$venv/bin/maturin" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "maturin==$maturin_version" "ziglang==$ziglang_version"
fi
export PATH="$venv/bin:$PATH"

target_args=()
if [ -n "${TARGET:-}" ]; then target_args=(--target "$TARGET"); fi
cd python
# --compatibility makes maturin's auditwheel check refuse a binary that needs a newer glibc.
maturin build --release --locked --zig --compatibility manylinux2014 --strip \
    "${target_args[@]}" --out "$out" >&2
if [ "${SDIST:-0}" = 1 ]; then maturin sdist --out "$out" >&2; fi
ls -t "$out"/*.whl | head -1
