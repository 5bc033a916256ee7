#!/usr/bin/env bash
# PostgreSQL as the outside bottleneck: a throwaway cluster started here offers K slots
# (examples/postgres/slots.py: each task holds one of K advisory locks for PG_SLOT_MS ms), and
# plateau sweeps a persistent Python pool over it. Checks that the recommendation is K, that the
# median latency at 2K workers is about twice that at K, and that the verdict names something
# outside this machine's CPUs; then runs pgbench's client sweeps on the same server, with the
# same transaction (examples/postgres/slots.sql, which plateaus at K clients) and with its own
# select-only load (`pgbench -c N -S`, which plateaus at the server's CPUs), and prints the
# curves side by side.
#
# Installs Debian's postgresql when it is missing (apt-get, needs root) and psycopg[binary]
# into a throwaway venv (from PyPI). The cluster lives in a temporary folder, listens on a Unix
# socket only, and runs as the `postgres` user when this script runs as root. Every process it
# started is stopped by its pid; each step is bounded by a timeout. About 3 minutes.
#
# Usage: scripts/check-postgres.sh                 (.ci/run calls it; K=4, 20 ms)
#        PG_SLOTS=3 scripts/check-postgres.sh      another K
#        PG_SLO=p99=30ms scripts/check-postgres.sh  with --latency-slo: checks the recommendation
#                                                    is at most K and the verdict names the SLO
#                                                    when it binds
#        PLATEAU_KEEP=DIR scripts/check-postgres.sh   keeps plateau's run folder in DIR
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
export PG_SLOTS=${PG_SLOTS:-4} PG_SLOT_MS=${PG_SLOT_MS:-20}
k=$PG_SLOTS
# The worker target: the module on PYTHONPATH below, or its path form "examples/postgres/slots.py:task".
target=${PG_TARGET:-slots:task}

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v pgbench >/dev/null; then
    echo "== installing Debian's postgresql"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 $sudo apt-get update -qq </dev/null
    timeout 600 $sudo apt-get install -y -qq postgresql postgresql-contrib </dev/null >/dev/null
fi
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

timeout 1200 cargo build --release --quiet
bin=$(pwd)/target/release/plateau

work=$(mktemp -d)
chmod 755 "$work"
as=()
if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root: the cluster belongs to the postgres user.
    as=(runuser -u postgres --)
    chown postgres "$work"
fi
pids=()
stop() {
    for pid in "${pids[@]}"; do
        kill -INT "$pid" 2>/dev/null || true   # postgres: fast shutdown
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [ -n "${PLATEAU_KEEP:-}" ] && [ -d "$work/run" ]; then
        mkdir -p "$PLATEAU_KEEP"
        cp -r "$work/run" "$work/pgbench.txt" "$PLATEAU_KEEP/" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop EXIT

echo "== a throwaway cluster in a temporary folder (Unix socket only)"
port=54329
"${as[@]}" "$pgbin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log"; exit 1; }
"${as[@]}" "$pgbin/postgres" -D "$work/data" -p "$port" -k "$work" -c listen_addresses='' \
    -c max_connections=60 -c fsync=off >"$work/postgres.log" 2>&1 &
pids+=($!)
export PGHOST=$work PGPORT=$port PGUSER=postgres PGDATABASE=postgres
for _ in $(seq 150); do
    if "$pgbin/pg_isready" -q; then break; fi
    sleep 0.2
done
"$pgbin/pg_isready" -q || { cat "$work/postgres.log"; echo "check-postgres: the server did not start" >&2; exit 1; }
# The postmaster itself (runuser's child when root), stopped by its pid like the rest.
pids+=("$(head -1 "$work/data/postmaster.pid")")

echo "== psycopg[binary] in a throwaway venv"
python3 -m venv "$work/venv"
timeout 300 "$work/venv/bin/pip" install -q 'psycopg[binary]' </dev/null

echo "== plateau: K=$k slots of ${PG_SLOT_MS} ms, a persistent Python pool of 1..12 workers"
export PYTHONPATH=$(pwd)/python:$(pwd)/examples/postgres
slo=()
if [ -n "${PG_SLO:-}" ]; then slo=(--latency-slo "$PG_SLO"); fi
timeout 900 "$bin" run --persistent --workers 1..12 --repetitions 3 --warmup 1 --seed 1 \
    "${slo[@]}" --allow-concurrent --quiet --out "$work/run" -- "$work/venv/bin/python" -m plateau_bench.worker "$target" \
    </dev/null >"$work/plateau.txt" 2>&1 || { cat "$work/plateau.txt"; exit 1; }

echo "== pgbench on the same server: the same transaction (slots.sql), then its own -S reads"
timeout 300 "$pgbin/pgbench" -i -q -s 1 >/dev/null 2>&1
: >"$work/pgbench.txt"
tps() { awk '/^tps/ {print $3; exit}'; }
for c in 1 2 4 8 12; do
    same=$(timeout 60 "$pgbin/pgbench" -n -f examples/postgres/slots.sql -D "slots=$k" \
        -D "slot_s=$(python3 -c "print($PG_SLOT_MS / 1000)")" -c "$c" -j "$c" -T 3 2>/dev/null | tps)
    reads=$(timeout 60 "$pgbin/pgbench" -n -S -c "$c" -j "$c" -T 3 2>/dev/null | tps)
    echo "$c $same $reads" >>"$work/pgbench.txt"
done

python3 - "$work/run/results.json" "$work/pgbench.txt" "$k" "${PG_SLO:-}" <<'PY'
import json, sys
record = json.load(open(sys.argv[1]))
slo = sys.argv[4]
pgbench = {f[0]: f[1:] for f in (line.split() for line in open(sys.argv[2])) if len(f) == 3}
k = int(sys.argv[3])
a = record["analysis"]
points = {p["workers"]: p for p in record["points"] if p.get("summary")}
print(f"{'workers':>7}  {'plateau tasks/s':>15}  {'p50':>9}  {'p99':>9}  {'pgbench slots.sql tps':>21}  {'pgbench -S tps':>14}")
for w, p in sorted(points.items()):
    s = p["summary"]
    lat = s.get("latency") or {}
    ms = lambda key: f"{lat[key] * 1e3:.1f} ms" if key in lat else "-"
    same, reads = (f"{float(x):.1f}" for x in pgbench[str(w)]) if str(w) in pgbench else ("-", "-")
    print(f"{w:>7}  {s['tasks_per_sec']:>15.1f}  {ms('p50_s'):>9}  {ms('p99_s'):>9}  {same:>21}  {reads:>14}")
print()
print("verdict:", a["verdict"])
fails = []
if not slo and a["recommended_workers"] != k:
    fails.append(f"recommended {a['recommended_workers']} workers, not K = {k}")
if slo:
    s = a["latency"]["slo"]
    print(f"SLO {slo}: binds {s['binds']}, met at {s['meeting']}, recommended {a['recommended_workers']}")
    if a["recommended_workers"] > k:
        fails.append(f"recommended {a['recommended_workers']} workers under the SLO, above K = {k}")
    if s["binds"] == "slo" and "the SLO binds" not in a["verdict"]:
        fails.append("the SLO binds but the verdict does not say so")
p50 = lambda w: points[w]["summary"]["latency"]["p50_s"]
if k in points and 2 * k in points:
    ratio = p50(2 * k) / p50(k)
    print(f"p50 at {2 * k} workers / p50 at {k}: {ratio:.2f} (about 2 expected)")
    if not 1.6 <= ratio <= 2.4:
        fails.append(f"p50 at 2K is {ratio:.2f}x that at K, not about 2x")
else:
    fails.append(f"{k} and {2 * k} workers were not both measured")
if "something outside this machine's CPUs" not in a["verdict"]:
    fails.append("the verdict does not name the outside bottleneck")
little = a.get("latency", {}).get("little", [])
print("Little's law, tasks in flight / workers:", ", ".join(f"{c['workers']}: {c['ratio']:.2f}" for c in little))
if fails:
    print("check-postgres FAILED: " + "; ".join(fails))
    sys.exit(1)
PY
echo "check-postgres passed in $((SECONDS - started)) s (K=$k, ${PG_SLOT_MS} ms per slot)"
