#!/usr/bin/env bash
# Nothing lost, nothing leaked, checked on this machine with the release build:
#  1. kill -9 at a random point of a sweep, then `plateau run --resume`: complete, 5 tries;
#  2. two `plateau run`s started at once: their batches never interleave, the second names the
#     first;
#  3. a run onto a 64 KiB tmpfs (mounted here, as root): the full record is readable at the
#     path the error names; and (3b) when results.json fits but report.html does not, the
#     error says results.json is complete and gives the `plateau report` command that renders
#     the rest, which works once there is room;
#  4. after `-- sh -c 'sleep 30 & exit 0'`, no process of any task's group is left (pgrep -g).
# Usage: scripts/check-no-loss.sh. Prints one line per check and exits 1 if one fails.
# Not a test: it needs root for the tmpfs and takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure-env.sh
export PLATEAU_LOCK="$tmp/lock"
fail=0
say() { echo "$*"; }
samples() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(" ".join(str(len(p["samples"])) for p in r["points"]), r["run"]["stop_reason"], r["run"]["finished_at"] is not None)' "$1"; }

# exec: in the background, $! must be plateau's pid, not a subshell's.
sweep() {
  exec "$bin" run --workers 1,2 --tasks 20 --iterations 2000000 --repetitions 8 --warmup 0 \
    --seed "$1" --quiet --out "$2"
}
start=$(date +%s.%N)
(sweep 9 "$tmp/whole" >/dev/null 2>&1)
whole=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
say "1. kill -9 at a random point of a sweep that takes ${whole}s whole, then --resume (5 tries)"
for try in 1 2 3 4 5; do
  out="$tmp/kill$try"
  sweep "$try" "$out" >/dev/null 2>&1 &
  pid=$!
  delay=$(python3 -c "import random; print(round(random.uniform(0.05, 0.95 * $whole), 2))")
  sleep "$delay"
  if ! kill -9 "$pid" 2>/dev/null; then
    say "   try $try: the sweep ended before the kill at ${delay}s; not counted"; fail=1; continue
  fi
  wait "$pid" 2>/dev/null || true
  before=$(samples "$out/results.json")
  found=$("$bin" run --resume "$out" 2>&1 >/dev/null | grep '^resuming' || true)
  after=$(samples "$out/results.json")
  if [ "$after" = "8 8 completed True" ]; then verdict=complete; else verdict="INCOMPLETE"; fail=1; fi
  say "   try $try: killed at ${delay}s holding [$before]; resumed to [$after]: $verdict"
  say "     ${found#resuming $tmp/}"
done

say "2. two runs started at once"
log="$tmp/order.log"
for name in A B; do
  "$bin" run --workers 1,2 --tasks 6 --repetitions 2 --warmup 0 --quiet --out "$tmp/$name" \
    -- sh -c "echo $name >> $log; sleep 0.05" 2>"$tmp/$name.err" &
  eval "pid_$name=$!"
done
wait
order=$(tr -d '\n' < "$log")
case "$order" in
  AAAAAAAAAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBB|BBBBBBBBBBBBBBBBBBBBBBBBAAAAAAAAAAAAAAAAAAAAAAAA)
    say "   batches in order: $order (not interleaved)";;
  *) say "   INTERLEAVED: $order"; fail=1;;
esac
for name in A B; do
  other=$([ $name = A ] && echo "$pid_B" || echo "$pid_A")
  if grep -q "waiting for another measurement" "$tmp/$name.err"; then
    if grep -q "(pid $other," "$tmp/$name.err"; then
      say "   run $name waited and named the other: $(grep -o '(pid [0-9]*, .*writing to [^)]*)' "$tmp/$name.err" | sed "s|$tmp/||g")"
    else say "   run $name waited WITHOUT naming pid $other"; fail=1; fi
  fi
done

say "3. a run onto a 64 KiB tmpfs"
mnt="$tmp/small"
mkdir -p "$mnt"
sudo_=""
[ "$(id -u)" = 0 ] || sudo_=sudo
$sudo_ mount -t tmpfs -o size=64k tmpfs "$mnt"
trap '$sudo_ umount "$mnt" 2>/dev/null || true; rm -rf "$tmp"' EXIT
set +e
"$bin" run --workers 1,2,3,4 --tasks 20 --iterations 1000 --repetitions 60 --warmup 0 --quiet \
  --out "$mnt/run" >"$tmp/full.out" 2>"$tmp/full.err"
code=$?
set -e
say "   exit code $code; the error: $(tail -1 "$tmp/full.err" | sed "s|$tmp/||g")"
rescued=$(grep -o 'saved to [^ ]*\.json' "$tmp/full.err" | sed 's/saved to //' || true)
if [ "$code" = 3 ] && [ -n "$rescued" ] && [ "$(samples "$rescued")" = "60 60 60 60 completed True" ]; then
  say "   the record at $rescued is whole: $(samples "$rescued") ($(stat -c %s "$rescued") bytes)"
  rm -f "$rescued"
else
  say "   NOT whole: ${rescued:-no path named}"; fail=1
fi

say "3b. a run whose results.json fits on the tmpfs but whose report.html does not"
# The same small run on an ordinary disk gives the sizes; then the tmpfs is filled so that
# results.json (saved twice over during an atomic write) and chart.svg fit, report.html not.
small=(--workers 1,2 --tasks 4 --iterations 1000 --repetitions 3 --warmup 0 --seed 5 --quiet)
"$bin" run "${small[@]}" --out "$tmp/sizes" >/dev/null
kib() { echo $(( ($(stat -c %s "$1") + 4095) / 4096 * 4 )); }
r=$(kib "$tmp/sizes/results.json"); c=$(kib "$tmp/sizes/chart.svg"); h=$(kib "$tmp/sizes/report.html")
room=$(( r + (r > c ? r : c) + 4 ))
rm -rf "${mnt:?}"/*
head -c $(( (64 - room) * 1024 )) /dev/zero > "$mnt/filler" 2>/dev/null || true
set +e
"$bin" run "${small[@]}" --out "$mnt/half" >"$tmp/half.out" 2>"$tmp/half.err"
code=$?
set -e
last=$(tail -1 "$tmp/half.err")
say "   sizes: results.json ${r} KiB, chart.svg ${c} KiB, report.html ${h} KiB; room left ${room} KiB"
say "   exit code $code; the error: $(sed "s|$tmp/||g" <<<"$last")"
want="\`plateau report $mnt/half/results.json --out $mnt/half\`"
if [ "$code" = 3 ] && grep -q "results.json is complete" <<<"$last" && grep -qF "$want" <<<"$last" \
  && [ "$(samples "$mnt/half/results.json")" = "3 3 completed True" ]; then
  say "   results.json on the tmpfs is whole: $(samples "$mnt/half/results.json"), and the error gives the command"
  rm -f "$mnt/filler"
  if "$bin" report "$mnt/half/results.json" --out "$mnt/half" >/dev/null 2>"$tmp/rerender.err"; then
    say "   with room again, that command wrote report.html ($(kib "$mnt/half/report.html") KiB) and summary.md"
  else
    say "   the command it gave FAILED: $(cat "$tmp/rerender.err")"; fail=1
  fi
else
  say "   NOT as promised (exit $code)"; fail=1
fi
$sudo_ umount "$mnt"

say "4. leftovers of -- sh -c 'sleep 30 & exit 0'"
# The same command, first writing its process group id ($$: sh leads its task's group).
"$bin" run --workers 2 --tasks 30 --repetitions 3 --warmup 0 --quiet --out "$tmp/leak" \
  -- sh -c "echo \$\$ >> $tmp/pgids; sleep 30 & exit 0" 2>"$tmp/leak.err"
groups=$(sort -u "$tmp/pgids")
left=0
for g in $groups; do
  if pgrep -g "$g" >/dev/null; then left=$((left + 1)); fi
done
say "   $(echo "$groups" | grep -c .) task groups; groups with any process left after the run (pgrep -g): $left"
say "   $(grep 'the command left' "$tmp/leak.err")"
"$bin" run --workers 2 --tasks 30 --repetitions 3 --warmup 0 --quiet --out "$tmp/leak2" \
  -- sh -c 'sleep 30 & exit 0' 2>/dev/null
sleeping=$( (pgrep -f -x 'sleep 30' || true) | wc -l)
say "   after the plain command too, 'sleep 30' processes running on the machine: $sleeping"
[ "$left" = 0 ] && [ "$sleeping" = 0 ] || fail=1
exit "$fail"
