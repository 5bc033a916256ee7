# Sourced by bad-inputs.sh: hostile and odd inputs, one block per class of defect (outputs that
# damage something, values without a bound, messages that do not name the flag, errors that
# echo the input, what plateau could not read back, nonsense used silently, wrong diagnoses,
# raw control characters, resources). Uses bad-inputs.sh's row, warned, clean and protect.

h="$tmp/hostile"
mkdir -p "$h"
edit() { python3 -c "import json,sys; p=sys.argv[1]; v=json.load(open(p)); exec(sys.argv[2]); json.dump(v,open(p,'w'))" "$1" "$2"; }
cp -r "$tmp/ok" "$h/finished"
cp -r "$tmp/resume/partial" "$h/unfinished"
printf 'workers,seconds\n1,2.0\n2,1.1\n' > "$h/good.csv"
ln -s "$h/target.md" "$h/link.md"; echo keep > "$h/target.md"
mkfifo "$h/fifo.md" "$h/fifo.csv" "$h/fifo.json"
ln "$ok" "$h/hardlink.json"
mkdir -p "$h/linked-out"; ln -s "$h/target.md" "$h/linked-out/results.json"
mkdir -p "$h/linked-report"; ln -s "$h/target.md" "$h/linked-report/report.html"
protect "$h/finished/results.json" "$h/unfinished/results.json" "$h/good.csv" "$h/link.md" \
  "$h/target.md" "$h/fifo.md" "$h/fifo.csv" "$h/hardlink.json" "$h/linked-out/results.json" \
  "$h/linked-report/report.html" /dev/full /dev/null
before=$(fingerprint)

# 1. An output damages something.
row "plateau report ok.json --markdown /dev/full" report "$ok" --out "$h/r1" --markdown /dev/full
row "plateau report ok.json --markdown /dev/null" report "$ok" --out "$h/r1" --markdown /dev/null
row "plateau report ok.json --markdown <symlink>" report "$ok" --out "$h/r1" --markdown "$h/link.md"
row "plateau report ok.json --markdown <FIFO>" report "$ok" --out "$h/r1" --markdown "$h/fifo.md"
row "plateau report ok.json --markdown ok.json (its input)" report "$ok" --out "$h/r1" --markdown "$ok"
row "plateau report ok.json --markdown <hard link of ok.json>" report "$ok" --out "$h/r1" --markdown "$h/hardlink.json"
row "plateau report ok.json --markdown <missing folder>/x.md" report "$ok" --out "$h/r1" --markdown "$h/nowhere/x.md"
row "plateau report ok.json --out <folder whose report.html is a symlink>" report "$ok" --out "$h/linked-report"
row "plateau compare ok.json ok.json --markdown /dev/full" compare "$ok" "$ok" --markdown /dev/full
row "plateau compare ok.json finished.json --markdown finished.json" compare "$ok" "$h/finished/results.json" --markdown "$h/finished/results.json"
row "plateau compare ok.json ok.json --markdown <FIFO>" compare "$ok" "$ok" --markdown "$h/fifo.md"
row "plateau run --out <finished run> -- false" run --out "$h/finished" --quiet --tasks 2 -- false
row "plateau run --out <unfinished run>" run --out "$h/unfinished" --quiet --workers 1,2 --tasks 4
row "plateau run --out <folder whose results.json is a symlink>" run --out "$h/linked-out" --quiet --workers 1 --tasks 2
row "plateau analyze good.csv --out <finished run>" analyze "$h/good.csv" --out "$h/finished"
row "plateau analyze finished/results.json --out finished" analyze "$h/finished/results.json" --out "$h/finished"
(cd "$h" && "$bin" compare "$ok" "$ok" --markdown - >/dev/null 2>&1)
if [[ -e $h/- ]]; then damaged=$((damaged + 1)); echo "    damaged: compare --markdown - wrote a file named -" >&2; fi
echo "| \`plateau compare ok.json ok.json --markdown -\` | - | a file named - written: $([[ -e $h/- ]] && echo yes || echo no) | - | 0 |"

# 2. A value without a bound hangs or aborts; non-regular input files.
run --workload io --io-ms 18446744073709551615
run --tasks 18446744073709551615
run --iterations 18446744073709551615
run --workload memory --buffer-mib 99999999999
run --workload memory --buffer-mib 1000000
run --workload contended --updates 99999999999999
run --workload tiny --work-ns 99999999999
run --chunk 99999999999
run --seed 99999999999999999999999
run --warmup 4294967296
run --repetitions 4294967296
run --price-per-hour 1e308
row "plateau analyze good.csv --tasks 18446744073709551615" analyze "$h/good.csv" --tasks 18446744073709551615 --out "$h/a2"
row "plateau compare ok.json ok.json --alpha 1e308" compare "$ok" "$ok" --alpha 1e308
row "plateau analyze <FIFO>" analyze "$h/fifo.csv" --out "$h/a2"
row "plateau report <FIFO>" report "$h/fifo.json" --out "$h/a2"
row "plateau compare ok.json <FIFO>" compare "$ok" "$h/fifo.json"
row "plateau analyze /dev/zero" analyze /dev/zero --out "$h/a2"
row "plateau report /dev/null" report /dev/null --out "$h/a2"
mkdir -p "$h/fifo-resume"; mkfifo "$h/fifo-resume/results.json"
row "plateau run --resume <folder whose results.json is a FIFO>" run --resume "$h/fifo-resume"

# 3. The message must name the flag, negative numbers included.
run --workload io --io-ms -5
run --workload memory --buffer-mib -1
run --workload contended --updates -3
run --workload tiny --work-ns -1
run --chunk -2
run --iterations -7
run --repetitions -1
run --warmup -2
run --seed -3
run --tasks -4
run --price-per-hour -0.5
row "plateau analyze good.csv --tasks -4" analyze "$h/good.csv" --tasks -4 --out "$h/a3"
row "plateau compare ok.json ok.json --alpha -0.1" compare "$ok" "$ok" --alpha -0.1

# 4. The error must not echo the input.
python3 -c 'import json; print(json.dumps([1]*5000000))' > "$h/array.json"
python3 -c 'print("x"*2000000); print("1")' > "$h/longheader.csv"
python3 -c 'print("workers,seconds"); print("1,"+"9"*2000000)' > "$h/longfield.csv"
python3 -c 'print("workers,seconds"); print("1"*1000000+",1")' > "$h/longworkers.csv"
cp "$ok" "$h/longtype.json"; edit "$h/longtype.json" 'v["config"]["tasks"]="x"*2000000'
python3 -c 'import json; print(json.dumps({"results":[{"parameters":{"workers":"w"*1000000},"times":[1.0]}]}))' > "$h/longparam.json"
for f in array.json longheader.csv longfield.csv longworkers.csv longtype.json longparam.json; do
  row "plateau analyze $f" analyze "$h/$f" --out "$h/a4"
done
row "plateau report longtype.json" report "$h/longtype.json" --out "$h/a4"
big=$(python3 -c 'print("1,"*50000)')
row "plateau run --workers <100 kB list with an empty item>" run --workers "$big"
row "plateau run --workers <100 kB number>" run --workers "${big//,/}"
row "plateau run --timeout <100 kB> -- true" run --timeout "$big" --quiet --out "$out" -- true
row "plateau run --target-ci <100 kB>" run --target-ci "$big"
row "plateau report ok.json --price <100 kB>" report "$ok" --price "$big" --out "$h/a4"
row "plateau compare ok.json ok.json --threshold <100 kB>" compare "$ok" "$ok" --threshold "$big"

# 5. plateau must read back what it writes: refused on the way in, or read back.
printf 'workers,seconds\n1,1e-320\n2,1.0\n' > "$h/subnormal.csv"
printf 'workers,throughput\n1,5e-324\n2,1.0\n' > "$h/subnormal-x.csv"
printf 'workers,throughput\n1,1e308\n2,1.0\n' > "$h/huge-x.csv"
printf 'workers,seconds\n18446744073709551615,1.0\n1,1.0\n' > "$h/huge-workers.csv"
printf 'workers,tasks,seconds\n1,1e30,1.0\n' > "$h/huge-tasks.csv"
printf '{"results":[{"parameters":{"workers":"1"},"times":[1e-320]}]}\n' > "$h/subnormal-hf.json"
cp "$ok" "$h/subnormal.json"; edit "$h/subnormal.json" 'v["points"][0]["samples"][0]["wall_s"]=1e-320'
for f in subnormal.csv subnormal-x.csv huge-x.csv huge-workers.csv huge-tasks.csv subnormal-hf.json subnormal.json; do
  row "plateau analyze $f" analyze "$h/$f" --out "$h/a5"
done
row "plateau report subnormal.json" report "$h/subnormal.json" --out "$h/a5"
printf 'workers,seconds\n1,1e-9\n1,1e12\n2,1e-9\n64,1e12\n' > "$h/extreme-ok.csv"
"$bin" analyze "$h/extreme-ok.csv" --out "$h/a5ok" >/dev/null 2>&1
"$bin" report "$h/a5ok/results.json" --out "$h/a5ok-report" > "$h/readback.txt" 2>&1
warned "plateau analyze extreme-ok.csv, then plateau analyze and report its results.json" "report.html" "$h/readback.txt" 0 \
  analyze "$h/a5ok/results.json" --out "$h/a5ok-again"

# 6. Nonsense must be refused, or kept and warned about in every output.
cp "$ok" "$h/negative-price.json"; edit "$h/negative-price.json" 'v["run"]["price_per_hour"]=-5'
cp "$ok" "$h/nan-price.json"; sed -i 's/"price_per_hour": *null/"price_per_hour": 0/' "$h/nan-price.json"
row "plateau report negative-price.json ok.json" report "$h/negative-price.json" "$ok" --out "$h/a6"
row "plateau report price 0" report "$h/nan-price.json" --out "$h/a6"
row "plateau analyze ok.json ok.json" analyze "$ok" "$ok" --out "$h/a6"
row "plateau analyze ok.json <hard link of ok.json>" analyze "$ok" "$h/hardlink.json" --out "$h/a6"
row "plateau analyze good.csv ./good.csv" analyze "$h/good.csv" "$h/../hostile/good.csv" --out "$h/a6"
for w in io memory tiny contended; do run --workload "$w" --iterations 5; done
row "plateau run --iterations 5 -- true" run --iterations 5 --tasks 2 --quiet --out "$out" -- true
row "plateau analyze ok.json --tasks 9" analyze "$ok" --tasks 9 --out "$h/a6"
printf 'workers,seconds,throughput\n1,2,0.5\n' > "$h/both.csv"
printf 'workers,threads,seconds\n1,2,2\n' > "$h/two-workers.csv"
printf 'workers,workers,seconds\n1,2,2\n' > "$h/same-workers.csv"
printf 'workers,seconds,wall_s\n1,2,2\n' > "$h/two-seconds.csv"
printf 'workers,tasks,tasks,seconds\n1,2,3,2\n' > "$h/two-tasks.csv"
for f in both.csv two-workers.csv same-workers.csv two-seconds.csv two-tasks.csv; do
  row "plateau analyze $f" analyze "$h/$f" --out "$h/a6"
done
row "plateau analyze good.csv --label ''" analyze "$h/good.csv" --label '' --out "$h/a6"
row "plateau analyze good.csv --label '   '" analyze "$h/good.csv" --label '   ' --out "$h/a6"
row "plateau run --shell -- ''" run --shell --quiet --out "$out" -- ''
row "plateau run --shell -- '  ' ''" run --shell --quiet --out "$out" -- '  ' ''
row "plateau run -- ''" run --quiet --out "$out" -- ''
cp "$ok" "$h/empty-point.json"; edit "$h/empty-point.json" 'v["points"][1]["samples"]=[]; v["points"][1]["summary"]=None'
warned "plateau report empty-point.json" "No samples at" "$h/a6r/summary.md" '*' report "$h/empty-point.json" --out "$h/a6r"
warned "plateau analyze empty-point.json" "No samples at" "$h/a6a/report.html" '*' analyze "$h/empty-point.json" --out "$h/a6a"
warned "plateau run --keep-going -- false (every task fails)" "tasks failed" "$h/kg/summary.md" 3 \
  run --keep-going --workers 1,2 --tasks 4 --repetitions 2 --warmup 0 --quiet --out "$h/kg" -- false
warned "plateau run --keep-going -- sh -c 'fail task 0'" "tasks failed" "$h/kg2/report.html" 0 \
  run --keep-going --shell --workers 1,2 --tasks 4 --repetitions 2 --warmup 0 --quiet --out "$h/kg2" -- 'test {task} != 0'

# 7. A wrong diagnosis: runs that share no worker count.
cp "$ok" "$h/disjoint.json"
edit "$h/disjoint.json" 'm={1:3,2:5}; [p.update(workers=m[p["workers"]]) for p in v["points"]]; v["config"]["workers"]=[3,5]'
row "plateau compare ok.json disjoint.json (no shared worker count)" compare "$ok" "$h/disjoint.json"

# 8. Raw control characters in every format.
cp "$ok" "$h/esc.json"; edit "$h/esc.json" 'v["run"]["label"]="evil\u001b[31m\u0007\u202e"'
"$bin" report "$h/esc.json" --out "$h/a8" --markdown - > "$h/a8-stdout.md" 2>"$h/a8-stderr"
"$bin" report "$h/esc.json" --out "$h/a8b" > "$h/a8b-stdout" 2>&1
"$bin" analyze "$h/esc.json" --out "$h/a8c" > "$h/a8c-stdout" 2>&1
"$bin" compare "$h/esc.json" "$ok" --markdown - > "$h/a8d-stdout.md" 2>&1
"$bin" compare "$ok" "$h/esc.json" > "$h/a8e-stdout" 2>&1
clean "a label holding ESC, BEL and U+202E through report, analyze and compare" "$h/a8-stdout.md" \
  "$h/a8-stderr" "$h/a8/report.html" "$h/a8/summary.md" "$h/a8b-stdout" "$h/a8c-stdout" \
  "$h/a8c/report.html" "$h/a8c/summary.md" "$h/a8c/chart.svg" "$h/a8d-stdout.md" "$h/a8e-stdout"
cp "$h/good.csv" "$h/"$'bell\a'.csv
"$bin" analyze "$h/"$'bell\a'.csv --out "$h/a8f" > "$h/a8f-stdout" 2>&1
clean "a CSV file name holding BEL through analyze" "$h/a8f-stdout" "$h/a8f/report.html" "$h/a8f/summary.md"
"$bin" run --workers 1 --tasks 1 --repetitions 1 --warmup 0 --quiet --out "$h/a8g" -- sh -c 'printf "\033[2J\007boom" >&2; exit 1' 2> "$h/a8g-stderr"
clean "a failing command's stderr holding ESC and BEL" "$h/a8g-stderr"

# 9. Resources: a failing command that writes 100 MB to stderr.
/usr/bin/time -o "$h/a9-rss" -f '%M' "$bin" run --workers 1 --tasks 1 --repetitions 1 --warmup 0 \
  --quiet --out "$h/a9" -- sh -c 'head -c 100000000 /dev/zero | tr "\000" x >&2; exit 1' >/dev/null 2>&1
rss_kib=$(tail -1 "$h/a9-rss")
heavy=no; [[ ${rss_kib:-0} -gt 51200 ]] && { heavy=yes; damaged=$((damaged + 1)); }
echo "| \`plateau run -- <writes 100 MB to stderr, fails>\` | - | peak RSS ${rss_kib} KiB (over 50 MiB: $heavy) | - | 0 |"
