#!/usr/bin/env bash
# An import of a large CSV (default 1,000,000 rows over 8 worker counts) through a release
# build: its wall time and peak RSS (from /usr/bin/time -v), the size of the results.json it
# writes, and whether plateau reads that file back (`plateau report`). Fails when the import
# takes 5 s or more, peaks above 256 MiB, or writes a file plateau cannot read.
# Usage: scripts/check-big-import.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
. scripts/lib/binary.sh
plateau_build release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Seconds per batch of 32 tasks: about 32 / min(w, 4) with 3% seeded noise.
awk -v n="$rows" 'BEGIN {
  srand(7); print "workers,seconds";
  split("1 2 3 4 6 8 12 16", ws, " ");
  for (i = 0; i < n; i++) { w = ws[i % 8 + 1]; e = (w < 4 ? w : 4);
    printf "%d,%.6f\n", w, 32 / e * (1 + 0.03 * (rand() - 0.5)) }
}' > "$tmp/big.csv"
echo "input: $rows rows, $(du -h "$tmp/big.csv" | cut -f1) of CSV; $(nproc) CPUs; load $(cut -d' ' -f1 /proc/loadavg)"

start=$(date +%s.%N)
/usr/bin/time -v -o "$tmp/time" "$bin" analyze "$tmp/big.csv" --tasks 32 --out "$tmp/out" > "$tmp/stdout"
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
rss_kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time")
size=$(stat -c %s "$tmp/out/results.json")
echo "analyze: ${secs} s wall, peak RSS $((rss_kib / 1024)) MiB, results.json $((size / 1024)) KiB"
grep -o '"rows": [0-9]*' "$tmp/out/results.json" | head -1 | sed 's/^/aggregated: /'

ok=yes
if "$bin" report "$tmp/out/results.json" --out "$tmp/report" > /dev/null 2> "$tmp/report.err"; then
  echo "read back: plateau report read its results.json"
else
  echo "read back FAILED: $(head -1 "$tmp/report.err")"; ok=no
fi
awk -v s="$secs" 'BEGIN { exit !(s < 5) }' || { echo "too slow: ${secs} s (limit 5 s)"; ok=no; }
[[ $rss_kib -lt $((256 * 1024)) ]] || { echo "too much memory: $((rss_kib / 1024)) MiB (limit 256 MiB)"; ok=no; }
[[ $ok == yes ]]
