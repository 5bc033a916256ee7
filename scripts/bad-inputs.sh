#!/usr/bin/env bash
# Feeds plateau every bad input we know of and prints a markdown table: the input, the exit code,
# the message it got (first line of stderr) and whether anything panicked. Every row should exit 2
# with one sentence naming the flag or file, and the panic count must be 0.
# Subcommands this build lacks (analyze, report, compare) are skipped, so the script can be rerun
# as they land. Usage: scripts/bad-inputs.sh [path/to/plateau]   (default: a fresh debug build).
set -uo pipefail
cd "$(dirname "$0")/.."
if [[ $# -ge 1 ]]; then
  bin=$1
else
  cargo build --quiet || exit 1
  bin=target/debug/plateau
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

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
rows=0; twos=0; panics=0
echo "| input | exit | message | panics |"
echo "| --- | --- | --- | --- |"
row() {
  local shown=$1; shift
  local err rc n msg
  err=$("$bin" "$@" 2>&1 >/dev/null)
  rc=$?
  n=$(grep -c 'panicked' <<<"$err")
  msg=$(grep -v '^\s*$' <<<"$err" | grep -v '^warning: the machine is busy' | head -1 | sed 's/^error: //; s/|/\\|/g')
  shown=${shown//$tmp/\$TMP}
  msg=${msg//$tmp/\$TMP}
  echo "| \`$shown\` | $rc | $msg | $n |"
  rows=$((rows + 1)); panics=$((panics + n))
  [[ $rc == 2 ]] && twos=$((twos + 1))
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
  row "plateau run --persistent -- python3 -m plateau_worker $target" run --persistent --workers 1 --tasks 2 --quiet --out "$tmp/p-$target" -- python3 -m plateau_worker "$target"
done
row "plateau run --out <a file>" run --out "$ok" --quiet
row "plateau run --resume DIR --out X" run --resume "$tmp/ok" --out "$out"
# --resume: what it cannot continue, and every broken results.json.
row "plateau run --resume <missing folder>" run --resume "$tmp/resume/missing-nothing"
row "plateau run --resume <folder without results.json>" run --resume "$tmp/resume/missing"
row "plateau run --resume <completed run>" run --resume "$tmp/ok"
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

echo
echo "$rows bad inputs: $twos exited 2, $((rows - twos)) did not; panics: $panics"
