#!/usr/bin/env bash
# The Python user's path, measured: the wheel (scripts/build-wheel.sh, or WHEEL given) installed
# into a fresh virtual environment (install time), then RUNS sweep() runs of the seed's
# cpu_intensive_task, unchanged (1M iterations a task), defined in a script with its __main__
# guard and run from the script's folder with plateau's defaults: per run the recommendation,
# its stability, the wall time, the widest 95% CI (relative half-width) and the counts whose CI
# is wider than 2%; then the built-in cpu workload once, for the CVs side by side.
# A measurement, not a test: figures on a busy machine are indicative; plateau's own notes
# (e.g. a wait for another measurement's machine lock) are on stderr.
#
# Usage: scripts/measure-sweep.sh [RUNS] [WHEEL]   (RUNS default 5; WORKERS=1..8 to set counts)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
wheel=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$wheel" ]; then wheel=$(scripts/build-wheel.sh "$tmp/wheels" | tail -1); fi
echo "wheel: $(basename "$wheel"), $(du -k "$wheel" | cut -f1) KiB"
python3 -m venv "$tmp/venv"
t0=$(date +%s.%N)
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "$wheel"
t1=$(date +%s.%N)
python3 -c "print(f'install into a fresh venv: {$t1 - $t0:.1f} s')"
cat >"$tmp/bench.py" <<'PY'
import json, os, sys, time
from plateau_bench import sweep

def cpu_intensive_task(n):
    total = 0
    for i in range(1_000_000):
        total += i * i
    return total

if __name__ == "__main__":
    workers = os.environ.get("WORKERS") or None
    t = time.monotonic()
    r = sweep(cpu_intensive_task, workers=workers, out=sys.argv[1], echo=False)
    wall = time.monotonic() - t
    widths = {}
    for p in r.points:
        lo, hi = p["tasks_per_sec_ci95"]
        if p["tasks_per_sec"] and lo is not None:
            widths[p["workers"]] = (hi - lo) / 2 / p["tasks_per_sec"]
    decision = r.analysis.get("decision") or {}
    print(json.dumps({"recommended": r.recommended, "stability": r.stability, "wall_s": wall,
                      "widest_ci": max(widths.values(), default=None),
                      "wider_than_2pct": sorted(w for w, x in widths.items() if x > 0.02),
                      "unconverged": decision.get("unconverged"),
                      "cv": {p["workers"]: p["cv"] for p in r.points},
                      "tasks": {p["workers"]: p["tasks"] for p in r.points},
                      "stop_reason": r.results["run"].get("stop_reason"),
                      "started_at": r.results["run"]["started_at"],
                      "finished_at": r.results["run"]["finished_at"]}))
PY
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$runs"); do
    (cd "$tmp" && "$tmp/venv/bin/python" bench.py "run$i") >"$tmp/run$i.json"
    python3 - "$tmp/run$i.json" "$i" <<'PY'
import datetime, json, sys
r = json.load(open(sys.argv[1]))
cv = ", ".join(f"{w}: {c:.1%}" for w, c in r["cv"].items() if c is not None)
at = [datetime.datetime.fromisoformat(r[k].replace("Z", "+00:00")) for k in ("started_at", "finished_at")]
print(f"run {sys.argv[2]}: recommended {r['recommended']}, stability {r['stability']}, "
      f"wall {r['wall_s']:.1f} s (run.started_at to finished_at {(at[1] - at[0]).total_seconds():.0f} s, "
      f"a wait for the machine lock included), widest CI ±{r['widest_ci']:.1%}, wider than 2%: "
      f"{r['wider_than_2pct'] or 'none'} (unconverged {r['unconverged']}), stop {r['stop_reason']}; "
      f"tasks {r['tasks']}; CV {cv}")
PY
done
"$tmp/venv/bin/plateau" run --quiet --out "$tmp/builtin" ${WORKERS:+--workers "$WORKERS"}
python3 - "$tmp/builtin/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cv = ", ".join(f"{p['workers']}: {p['summary']['cv']:.1%}" for p in r["points"] if p.get("summary"))
print(f"built-in cpu workload: recommended {r['analysis']['recommended_workers']}; CV {cv}")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
