#!/usr/bin/env bash
# Soak: plateau at 8 workers for a while (default 600 s) on workloads that go wrong, to show it
# leaks nothing over time. Three streams run side by side (with --allow-concurrent: this is a
# stress, not a measurement):
#  A. one long command-mode run whose tasks fail (exit 3), hang (sleep 5, killed by
#     --timeout 300ms), crash (SIGSEGV), leak (`sleep 30 &`) or write to stderr (--keep-going);
#  B. one long processes-mode run (persistent worker processes fed tasks over pipes);
#  C. short runs interrupted at a random point (SIGINT or SIGKILL, in turn), each then
#     continued with --resume until complete.
# A and B are stopped with SIGINT at the end. plateau's open file descriptors, zombie children
# and RSS are sampled every second for A and B and compared between the first minute (after
# 20 s of warm-up) and the last: for fds and zombies the floor (the fewest seen in the minute:
# each batch opens pipes and files and leaves a zombie until it is reaped, but what leaks stays
# and raises the floor) and the peak; for RSS the peak. Usage: scripts/soak.sh [seconds] [workers]. Not a test; it needs no quiet
# machine, and prints "no growth" or what grew.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-600}"
workers="${2:-8}"
. scripts/measure-env.sh
export PLATEAU_LOCK="$tmp/lock"
end=$(( $(date +%s) + duration ))
mix='case $((PLATEAU_TASK % 6)) in 0) exit 3;; 1) sleep 5;; 2) kill -SEGV $$;; 3) sleep 30 & ;; 4) echo oops >&2;; esac'

# stats PID: "fds zombies rss_kib" of a live process.
stats() {
  local fds zombies rss
  fds=$(ls "/proc/$1/fd" 2>/dev/null | wc -l)
  zombies=$(ps -o stat= --ppid "$1" 2>/dev/null | grep -c '^Z' || true)
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null)
  echo "$fds $zombies ${rss:-0}"
}

"$bin" run --workers "$workers" --tasks 48 --repetitions 10000 --warmup 0 --keep-going \
  --timeout 300ms --allow-concurrent --quiet --out "$tmp/A" -- sh -c "$mix" \
  >/dev/null 2>"$tmp/A.err" &
pid_a=$!
"$bin" run --mode processes --workers "$workers" --tasks 64 --iterations 2000000 \
  --repetitions 10000 --warmup 0 --allow-concurrent --quiet --out "$tmp/B" \
  >/dev/null 2>"$tmp/B.err" &
pid_b=$!

(
  n=0; complete=0; sigs=(INT KILL)
  while [ "$(date +%s)" -lt "$end" ]; do
    n=$((n + 1)); out="$tmp/C$n"; sig=${sigs[$((n % 2))]}
    if [ $((n % 2)) = 0 ]; then
      args=(--workers "$workers" --tasks 24 --keep-going --timeout 300ms -- sh -c "$mix")
    else
      args=(--workers "$workers" --tasks 32 --iterations 5000000)
    fi
    "$bin" run --repetitions 3 --warmup 0 --allow-concurrent --quiet --seed "$n" --out "$out" \
      "${args[@]}" >/dev/null 2>&1 &
    p=$!
    sleep "$(python3 -c 'import random; print(round(random.uniform(0.3, 3), 2))')"
    kill -s "$sig" "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
    for _ in 1 2 3; do
      python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["run"]["finished_at"] and not r["run"]["interrupted"] else 1)' \
        "$out/results.json" 2>/dev/null && break
      "$bin" run --resume "$out" --allow-concurrent --quiet >/dev/null 2>&1 || true
    done
    if python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["run"]["stop_reason"]=="completed" and all(len(p["samples"])==3 for p in r["points"]) else 1)' \
      "$out/results.json" 2>/dev/null; then complete=$((complete + 1)); fi
    rm -rf "$out"
  done
  echo "$n $complete" > "$tmp/C.result"
) &
pid_c=$!

sleep 20
: > "$tmp/stats.log"
t=20
while [ "$(date +%s)" -lt $((end - 3)) ]; do
  echo "$t $(stats "$pid_a") $(stats "$pid_b")" >> "$tmp/stats.log"
  sleep 1; t=$((t + 1))
  if [ $((t % 60)) = 0 ]; then
    echo "t=${t}s, max of the last minute: $(awk -v t="$t" '$1 > t - 60 {for (i = 2; i <= 7; i++) if ($i > m[i]) m[i] = $i} END {printf "A fds %d zombies %d rss %dKiB | B fds %d zombies %d rss %dKiB", m[2], m[3], m[4], m[5], m[6], m[7]}' "$tmp/stats.log")"
  fi
done
# window FIRST LAST: over samples with FIRST <= t < LAST, for A then B: the floor and peak of
# fds, the floor and peak of zombies, the peak RSS.
window() { awk -v a="$1" -v b="$2" '$1 >= a && $1 < b {
    for (i = 2; i <= 7; i++) { if (!(i in lo) || $i < lo[i]) lo[i] = $i; if ($i > hi[i]) hi[i] = $i }
  } END {print lo[2]+0, hi[2]+0, lo[3]+0, hi[3]+0, hi[4]+0, lo[5]+0, hi[5]+0, lo[6]+0, hi[6]+0, hi[7]+0}' "$tmp/stats.log"; }
read -r a_fd0 a_fdp0 a_z0 a_zp0 a_rss0 b_fd0 b_fdp0 b_z0 b_zp0 b_rss0 < <(window 20 80)
read -r a_fd1 a_fdp1 a_z1 a_zp1 a_rss1 b_fd1 b_fdp1 b_z1 b_zp1 b_rss1 < <(window $((t - 60)) $((t + 1)))
a_done=$(python3 -c 'import json,sys; print(sum(len(p["samples"]) for p in json.load(open(sys.argv[1]))["points"]))' "$tmp/A/results.json")
b_done=$(python3 -c 'import json,sys; print(sum(len(p["samples"]) for p in json.load(open(sys.argv[1]))["points"]))' "$tmp/B/results.json")
kill -INT "$pid_a" "$pid_b" 2>/dev/null || true
wait "$pid_a" 2>/dev/null || true
wait "$pid_b" 2>/dev/null || true
wait "$pid_c" 2>/dev/null || true
read -r c_runs c_complete < "$tmp/C.result"
a_left=$(python3 -c 'import json,sys; print(sum(s.get("leftover_processes",0) for p in json.load(open(sys.argv[1]))["points"] for s in p["samples"]))' "$tmp/A/results.json")
sleeping=$( (pgrep -f -x 'sleep (5|30)' || true) | wc -l)

echo
echo "soak of ${duration}s at $workers workers, load average now $(cut -d' ' -f1-3 /proc/loadavg)"
echo "first minute -> last minute; fds and zombies as floor (peak)"
printf '%-34s %20s %20s %22s\n' "plateau process" "fds" "zombies" "peak RSS KiB"
printf '%-34s %20s %20s %22s\n' "A command mix ($a_done batches)" "$a_fd0 ($a_fdp0) -> $a_fd1 ($a_fdp1)" \
  "$a_z0 ($a_zp0) -> $a_z1 ($a_zp1)" "$a_rss0 -> $a_rss1"
printf '%-34s %20s %20s %22s\n' "B processes mode ($b_done batches)" "$b_fd0 ($b_fdp0) -> $b_fd1 ($b_fdp1)" \
  "$b_z0 ($b_zp0) -> $b_z1 ($b_zp1)" "$b_rss0 -> $b_rss1"
echo "A: leftover processes killed: $a_left; stopped by SIGINT: $(tail -1 "$tmp/A.err" | cut -c1-100)"
echo "C: $c_runs short runs interrupted (SIGINT and SIGKILL in turn) and resumed; complete after resume: $c_complete"
echo "sleep processes of the soak still running afterwards: $sleeping"
grew=""
[ "$a_fd1" -le "$a_fd0" ] && [ "$b_fd1" -le "$b_fd0" ] && [ "$a_fdp1" -le "$a_fdp0" ] \
  && [ "$b_fdp1" -le "$b_fdp0" ] || grew="$grew fds"
[ "$a_z1" -le "$a_z0" ] && [ "$b_z1" -le "$b_z0" ] || grew="$grew zombies"
# RSS: the record itself grows by every kept sample (a few hundred bytes each), so allow 10%.
[ "$a_rss1" -le $((a_rss0 * 11 / 10)) ] && [ "$b_rss1" -le $((b_rss0 * 11 / 10)) ] || grew="$grew rss"
if [ -z "$grew" ] && [ "$c_runs" = "$c_complete" ] && [ "$sleeping" = 0 ]; then
  echo "no growth: fds, zombies and RSS did not grow; every interrupted run resumed to complete"
else
  echo "GREW or FAILED:${grew:- none}; resumed $c_complete of $c_runs; sleeping $sleeping"
  exit 1
fi
