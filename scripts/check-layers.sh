#!/usr/bin/env bash
# The layer check CI runs: no cycle among the `crate::` imports between src/'s top-level modules,
# and no file in src/ over 600 lines. `--levels` also prints the layers, top first (the diagram in
# docs/ARCHITECTURE.md). Exit 1 on a cycle or a long file, naming the files behind each.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/check-layers.py src "$@"
