#!/usr/bin/env bash
# Feeds plateau every bad input we know of and prints a markdown table: the input, the exit code,
# the message it got (first line of stderr), whether that message names the flag or file, and
# whether anything panicked. Every row should exit 2 with one sentence naming the flag or file.
# Rows of inputs that are kept rather than refused check the warning every output carries.
# Every command runs under a time limit (a hang is counted), and the files plateau must never
# touch (inputs, finished runs, device nodes, links, FIFOs) are fingerprinted after every row
# (a damaged file is counted), and so is a message over 1,000 characters (an echoed input).
# The last line gives the totals.
# Usage: scripts/bad-inputs.sh [path/to/plateau]   (default: a fresh debug build).
set -uo pipefail
cd "$(dirname "$0")/.."
if [[ $# -ge 1 ]]; then
  bin=$(realpath "$1")
else
  . scripts/lib/binary.sh
  plateau_build debug || exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
limit=${BAD_INPUTS_TIMEOUT:-30}

# Fixtures: a valid run, then broken copies of its results.json.
"$bin" run --workers 1,2 --tasks 4 --iterations 1000 --repetitions 2 --seed 1 --quiet \
  --out "$tmp/ok" 2>/dev/null || { echo "could not make the fixture run" >&2; exit 1; }
ok="$tmp/ok/results.json"
mkdir -p "$tmp/resume"/{empty,truncated,malformed,array,unversioned,huge,newer,typed,binary,folder,missing,other,partial}
for d in empty truncated malformed array unversioned huge newer typed binary folder other partial; do
  cp -r "$tmp/ok/." "$tmp/resume/$d/"
done
interrupt() { python3 -c 'import json,sys; p=sys.argv[1]; v=json.load(open(p)); v["run"]["interrupted"]=True; v["run"]["stop_reason"]="interrupted"; json.dump(v,open(p,"w"))' "$1"; }
for d in empty truncated malformed huge newer typed binary other partial; do interrupt "$tmp/resume/$d/results.json"; done
: > "$tmp/resume/empty/results.json"
head -c 700 "$ok" > "$tmp/resume/truncated/results.json"
printf '{"schema_version": 1,, "tool": {}}\n' > "$tmp/resume/malformed/results.json"
printf '[1, 2]\n' > "$tmp/resume/array/results.json"
printf '{"tool": {"name": "plateau"}}\n' > "$tmp/resume/unversioned/results.json"
rm "$tmp/resume/huge/results.json"; truncate -s 300M "$tmp/resume/huge/results.json"
sed -i 's/"schema_version": *1/"schema_version": 2/' "$tmp/resume/newer/results.json"
sed -i 's/"tasks": *4/"tasks": "four"/' "$tmp/resume/typed/results.json"
printf '{\xff\xfe}' > "$tmp/resume/binary/results.json"
rm "$tmp/resume/folder/results.json"; mkdir "$tmp/resume/folder/results.json"
python3 -c 'import json,sys; p=sys.argv[1]; v=json.load(open(p)); v["machine"]["hostname"]="another-host"; json.dump(v,open(p,"w"))' "$tmp/resume/other/results.json"
# Standalone files for readers of results.json and CSV.
cp "$tmp/resume/empty/results.json" "$tmp/empty.json"
cp "$tmp/resume/truncated/results.json" "$tmp/truncated.json"
cp "$tmp/resume/malformed/results.json" "$tmp/malformed.json"
cp "$tmp/resume/newer/results.json" "$tmp/newer.json"
cp "$tmp/resume/typed/results.json" "$tmp/typed.json"
truncate -s 300M "$tmp/huge.json"
printf 'workers,wall_s\n1,-2.0\n2,1.0\n' > "$tmp/negative.csv"
printf 'workers,wall_s\n1,abc\n2,1.0\n' > "$tmp/nonnumeric.csv"
printf 'name,value\na,1\n' > "$tmp/nocolumns.csv"
: > "$tmp/empty.csv"

has() { "$bin" help "$1" >/dev/null 2>&1; }
out="$tmp/out"
rows=0; twos=0; named=0; panics=0; hangs=0; damaged=0; warned_ok=0; warned_rows=0; raw=0; long=0

# Files no bad input may change: their type, size and checksum after every row.
protected=()
protect() { protected+=("$@"); }
fingerprint() {
  local f
  for f in "${protected[@]}"; do
    if [[ -L $f ]]; then echo "$f link $(readlink "$f")"
    elif [[ -p $f ]]; then echo "$f fifo"
    elif [[ -c $f || -b $f ]]; then echo "$f device"
    elif [[ -f $f ]]; then echo "$f file $(cksum < "$f")"
    elif [[ -d $f ]]; then echo "$f folder"
    else echo "$f missing"; fi
  done
}
check_damage() {
  local now
  now=$(fingerprint)
  if [[ $now != "$before" ]]; then
    damaged=$((damaged + 1))
    diff <(echo "$before") <(echo "$now") | sed 's/^/    damaged: /' >&2
    before=$now
  fi
}

protect "$ok" "$tmp/ok/chart.svg" "$tmp/ok/report.html" "$tmp/ok/summary.md"
before=$(fingerprint)
echo "| input | exit | message | names it | panics |"
echo "| --- | --- | --- | --- | --- |"
# row SHOWN ARGS...: expects exit 2 and a first line naming one of the flags or files given.
row() {
  local shown=$1; shift
  local err rc n msg hit=no a base
  err=$(timeout -s KILL "$limit" "$bin" "$@" 2>&1 >/dev/null | head -c 200000)
  rc=${PIPESTATUS[0]}
  [[ $rc == 137 ]] && { hangs=$((hangs + 1)); err="(killed after ${limit}s: a hang)"; }
  n=$(grep -c 'panicked' <<<"$err")
  [[ ${#err} -gt 1000 ]] && long=$((long + 1))
  msg=$(grep -v '^\s*$' <<<"$err" | head -1 | sed 's/^error: //; s/|/\\|/g' | cut -c1-300)
  for a in "$@"; do
    base=${a##*/}
    if [[ $a == --* && $msg == *"${a%%=*}"* ]] || [[ $a == */* && -n $base && $msg == *"$base"* ]]; then
      hit=yes
    fi
  done
  for a in "$@"; do [[ -n $a && $msg == *"'$a'"* ]] && hit=yes; done
  [[ $msg == *"the command after --"* || $msg == *"command's program"* ]] && hit=yes
  shown=${shown//$tmp/\$TMP}
  msg=${msg//$tmp/\$TMP}
  echo "| \`$shown\` | $rc | $msg | $hit | $n |"
  rows=$((rows + 1)); panics=$((panics + n))
  [[ $rc == 2 ]] && twos=$((twos + 1))
  [[ $rc == 2 && $hit == yes ]] && named=$((named + 1))
  check_damage
}
# warned SHOWN NEEDLE FILE RC ARGS...: input that is kept: it must exit RC (`*`: any code
# but a crash), not panic, and FILE (an output) must carry NEEDLE, the warning.
warned() {
  local shown=$1 needle=$2 file=$3 want=$4; shift 4
  local err rc n ok=no
  err=$(timeout -s KILL "$limit" "$bin" "$@" 2>&1 >/dev/null)
  rc=$?
  [[ $rc == 137 ]] && hangs=$((hangs + 1))
  n=$(grep -c 'panicked' <<<"$err")
  grep -q -- "$needle" "$file" 2>/dev/null && ok=yes
  [[ $want != '*' && $rc != "$want" ]] && ok="no (exit $rc, not $want)"
  [[ $rc -ge 128 ]] && ok="no (crashed)"
  shown=${shown//$tmp/\$TMP}
  echo "| \`$shown\` | $rc | kept; warning \"$needle\" in ${file##*/}: $ok | - | $n |"
  warned_rows=$((warned_rows + 1)); panics=$((panics + n))
  [[ $ok == yes ]] && warned_ok=$((warned_ok + 1))
  check_damage
}
# clean SHOWN FILE...: no raw ESC or BEL in any of the files (outputs of the previous command).
clean() {
  local shown=$1; shift
  local f bad=0
  for f in "$@"; do
    [[ -f $f ]] && grep -q $'[\x1b\x07]' "$f" && bad=$((bad + 1))
  done
  raw=$((raw + bad))
  echo "| \`$shown\` | - | raw control characters in $bad of $# outputs | - | 0 |"
}
run() { row "plateau run $*" run "$@" --out "$out" --quiet; }

# Flags of run: wrong values, out of range, conflicts.
run --workers 0
run --workers 8..2
run --workers abc
run --workers ""
run --workers 1,,2
run --workers -2
run --workers 1..8:0
run --workers 1..100000000000
run --workers 1000
run --tasks 0
run --tasks -1
run --tasks many
run --tasks 99999999999999999999999
run --iterations 0
run --iterations -5
run --repetitions 0
run --repetitions -3
run --repetitions 20000
run --warmup -1
run --warmup 5000
run --seed -1
run --seed x
run --price-per-hour -1
run --price-per-hour nan
run --price-per-hour free
run --label ""
run --workload gpu
run --mode fibers
run --schedule random
run --target-ci 0
run --target-ci -2%
run --target-ci 150%
run --target-ci two
run --target-ci 2
run --tolerance 5
run --tolerance 150%
run --retrograde-threshold -2%
run --latency-slo 50ms
run --latency-slo p95=50ms
run --latency-slo p99=50
run --latency-slo p99=0ms
run --latency-slo p99=-5ms
run --target-ci 2% --max-time 0
run --target-ci 2% --max-time -5m
run --target-ci 2% --max-time 10x
run --target-ci 2% --max-time 8d
run --max-time 10m
run --wait-idle soon
run --wait-idle 0s
run --wait-idle 1s
row "plateau run --timeout 5x -- true" run --timeout 5x --quiet --out "$out" -- true
row "plateau run --timeout 0 -- true" run --timeout 0 --quiet --out "$out" -- true
run --bogus-flag
# --persistent: its flags, then workers that break the worker protocol (docs/worker-protocol.md).
run --persistent
run --ready-timeout 5s
row "plateau run --persistent -- ./w {task}" run --persistent --quiet --out "$out" -- true "{task}"
row "plateau run --persistent --ready-timeout 1s -- sleep 30" run --persistent --ready-timeout 1s --workers 1 --tasks 2 --quiet --out "$tmp/p1" -- sleep 30
row "plateau run --persistent -- <worker printing hello>" run --persistent --workers 1 --tasks 2 --quiet --out "$tmp/p2" -- sh -c 'echo hello'
row "plateau run --persistent -- <worker exiting at start>" run --persistent --workers 1 --tasks 2 --quiet --out "$tmp/p3" -- sh -c 'echo bye >&2; exit 1'
row "plateau run --persistent -- <garbage answer>" run --persistent --workers 1 --tasks 2 --quiet --out "$tmp/p4" -- sh -c 'echo ready 1; read t; echo what'
export PYTHONPATH="$PWD/python"
for target in no_such_module:f os:sep os; do
  row "plateau run --persistent -- python3 -m plateau_bench.worker $target" run --persistent --workers 1 --tasks 2 --quiet --out "$tmp/p-$target" -- python3 -m plateau_bench.worker "$target"
done
row "plateau run --out <a file>" run --out "$ok" --quiet
row "plateau run --resume DIR --out X" run --resume "$tmp/ok" --out "$out"
# --resume: what it cannot continue, and every broken results.json.
row "plateau run --resume <missing folder>" run --resume "$tmp/resume/missing-nothing"
row "plateau run --resume <folder without results.json>" run --resume "$tmp/resume/missing"
row "plateau run --resume <completed run>" run --resume "$tmp/ok"
row "plateau run --out <folder of a finished run>" run --out "$tmp/ok" --quiet
row "plateau run --resume DIR --force" run --resume "$tmp/resume/partial" --force
row "plateau run --no-wait --allow-concurrent" run --no-wait --allow-concurrent --out "$out"
row "plateau analyze --out <folder holding results.json>" analyze "$ok" --out "$tmp/ok"
row "plateau report --out <folder holding report.html>" report "$ok" --out "$tmp/ok"
row "plateau run --resume <run from another host>" run --resume "$tmp/resume/other"
row "plateau run --resume <interrupted run> --tasks 9 --seed 2" run --resume "$tmp/resume/partial" --tasks 9 --seed 2
row "plateau run --resume <interrupted run> --target-ci 2%" run --resume "$tmp/resume/partial" --target-ci 2%
for d in empty truncated malformed array unversioned huge newer typed binary folder; do
  row "plateau run --resume <$d results.json>" run --resume "$tmp/resume/$d"
done
row "plateau info --bogus" info --bogus
row "plateau info extra" info extra
row "plateau frobnicate" frobnicate
# Readers of other subcommands, when this build has them.
for sub in analyze report; do
  has "$sub" || continue
  for f in missing.json empty.json truncated.json malformed.json newer.json typed.json huge.json \
    empty.csv negative.csv nonnumeric.csv nocolumns.csv; do
    row "plateau $sub $f" "$sub" "$tmp/$f"
  done
done
if has compare; then
  for t in 5 0.0 -5% 100% five; do
    row "plateau compare ok.json ok.json --threshold $t" compare "$ok" "$ok" --threshold "$t"
  done
  for f in missing.json empty.json truncated.json malformed.json newer.json typed.json huge.json; do
    row "plateau compare ok.json $f" compare "$ok" "$tmp/$f"
    row "plateau compare $f ok.json" compare "$tmp/$f" "$ok"
  done
  # The interleaved gate: each refused before anything runs.
  g=(--out "$tmp/gate")
  row "plateau compare --baseline-cmd true" compare --baseline-cmd true "${g[@]}"
  row "plateau compare --baseline-cmd true --baseline-args '' --candidate-cmd true" \
    compare --baseline-cmd true --baseline-args '' --candidate-cmd true "${g[@]}"
  row "plateau compare --baseline-cmd no-such-program --candidate-cmd true" \
    compare --baseline-cmd no-such-program --candidate-cmd true "${g[@]}"
  for t in 0% 100%; do
    row "plateau compare --baseline-cmd true --candidate-cmd true --threshold $t" \
      compare --baseline-cmd true --candidate-cmd true --threshold "$t" "${g[@]}"
  done
  for a in 0 0.5 -1; do
    row "plateau compare --baseline-cmd true --candidate-cmd true --alpha $a" \
      compare --baseline-cmd true --candidate-cmd true --alpha "$a" "${g[@]}"
  done
  row "plateau compare --baseline-cmd true --candidate-cmd true --max-time 2s" \
    compare --baseline-cmd true --candidate-cmd true --max-time 2s "${g[@]}"
  row "plateau compare ok.json --baseline-cmd true --candidate-cmd true" \
    compare "$ok" --baseline-cmd true --candidate-cmd true "${g[@]}"
fi
if has fleet; then
  k8s=(fleet k8s --image img:1 --cpu 2 --memory 4Gi)
  for m in nolabel =c7i.large 'c7i=c7i.large:free' 'c7i=c7i.large:-1' 'c7i=' ; do
    row "plateau fleet k8s --machine $m" "${k8s[@]}" --machine "$m"
    row "plateau fleet slurm --machine $m" fleet slurm --machine "$m"
  done
  row "plateau fleet slurm --machine a=x --machine a=y" fleet slurm --machine a=x --machine a=y
  row "plateau fleet slurm --machine a=x --workers 0" fleet slurm --machine a=x --workers 0
  row "plateau fleet slurm --machine a=x --repetitions 0" fleet slurm --machine a=x --repetitions 0
  row "plateau fleet slurm --machine a=x --cpus-per-task 0" fleet slurm --machine a=x --cpus-per-task 0
  row "plateau fleet k8s --machine a=x --cpu 0" fleet k8s --image i --cpu 0 --memory 1Gi --machine a=x
  row "plateau fleet k8s --machine a=x --memory 4GB" fleet k8s --image i --cpu 1 --memory 4GB --machine a=x
  row "plateau fleet k8s --machine a=x --label y" "${k8s[@]}" --machine a=x --label y
  mkdir -p "$tmp/noresults" && echo "nothing" > "$tmp/noresults/notes.md"
  row "plateau fleet collect <folder without results>" fleet collect "$tmp/noresults"
  row "plateau fleet collect <missing path>" fleet collect "$tmp/no-such-path"
fi

source scripts/bad-inputs-hostile.sh

echo
echo "tried $((rows + warned_rows)): $rows refused as bad input ($twos exited 2, $named of them with a sentence naming the flag or file), $warned_rows kept with a warning ($warned_ok warned in the output); panics: $panics; hangs: $hangs; damaged files: $damaged; raw control characters: $raw; messages over 1000 characters: $long"
[[ $named == "$rows" && $warned_ok == "$warned_rows" && $panics == 0 && $hangs == 0 && $damaged == 0 && $raw == 0 && $long == 0 ]]
