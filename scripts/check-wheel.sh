#!/usr/bin/env bash
# The wheel as a user without Rust gets it: scripts/build-wheel.sh builds it; its tag must say
# manylinux_2_17 (manylinux2014) or older, and it must carry the binary, the adapter and the
# Python API; it is installed into a fresh virtual environment and run with a PATH that has no
# cargo: `plateau --version`, then the seed's cpu_intensive_task (its loop shortened) from a
# script with its __main__ guard through sweep(), a lambda refused without cloudpickle, and,
# with cloudpickle installed from PyPI, a function defined by exec as a notebook cell is.
# Prints the wheel's size and the install time.
#
# Usage: scripts/check-wheel.sh [WHEEL]   (.ci/run calls it; a WHEEL given is checked as is)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

wheel=${1:-}
if [ -z "$wheel" ]; then
    wheel=$(scripts/build-wheel.sh "$tmp/wheels" | tail -1)
fi
name=$(basename "$wheel")
echo "== $name, $(du -k "$wheel" | cut -f1) KiB"
if ! [[ $name =~ manylinux(2014|1|2010|_2_(5|1[0-7]))_ ]]; then
    echo "check-wheel: $name is not tagged manylinux_2_17 (manylinux2014) or older" >&2
    exit 1
fi
python3 - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
need = ["plateau_bench/__init__.py", "plateau_bench/worker.py", "plateau_bench/targets.py",
        "plateau_bench/runner.py", "plateau_bench/result.py", "plateau_bench/flags.py"]
missing = [n for n in need if n not in names]
if not any(n.endswith(".data/scripts/plateau") for n in names):
    missing.append("the plateau binary (*.data/scripts/plateau)")
if missing:
    sys.exit(f"check-wheel: the wheel lacks {', '.join(missing)}")
PY

python3 -m venv "$tmp/venv"
# Nothing of the build's toolchain: the venv, then the system's own folders.
clean_path="$tmp/venv/bin:/usr/local/bin:/usr/bin:/bin"
if PATH=$clean_path command -v cargo >/dev/null; then
    echo "check-wheel: cargo is on the clean PATH ($clean_path)" >&2
    exit 1
fi
t0=$(date +%s.%N)
env PATH="$clean_path" "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "$wheel"
t1=$(date +%s.%N)
echo "== installed in $(python3 -c "print(f'{$t1 - $t0:.1f}')") s; $(env PATH="$clean_path" plateau --version)"

work=$tmp/work
mkdir "$work"
cat >"$work/bench.py" <<'PY'
import sys
from plateau_bench import sweep

def cpu_intensive_task(n):
    total = 0
    for i in range(200_000):
        total += i * i
    return total

if __name__ == "__main__":
    r = sweep(cpu_intensive_task, workers=range(1, 3), tasks=8, repetitions=2, warmup=0,
              seed=1, out="run")
    print(r)
    assert isinstance(r.recommended, int), r.recommended
    assert [p["workers"] for p in r.points] == [1, 2], r.points
    assert r.results["config"]["workload"]["argv"][-1].endswith("bench.py:cpu_intensive_task")
    try:
        sweep(lambda n: n, workers=[1], tasks=2, repetitions=1, out="lambda", echo=False)
    except ValueError as e:
        assert "cloudpickle" in str(e), e
        print("a lambda without cloudpickle:", e)
    else:
        sys.exit("a lambda was measured without cloudpickle")
PY
cat >"$work/cell.py" <<'PY'
from plateau_bench import sweep

cell = {"__name__": "__main__"}
exec("def cell_task(n):\n    return sum(i * i for i in range(50_000))\n", cell)
r = sweep(cell["cell_task"], workers=[1, 2], tasks=4, repetitions=1, warmup=0, out="cell")
assert r.results["config"]["workload"]["argv"][-1].endswith(".pkl")
print("a function defined by exec, sent with cloudpickle: recommended", r.recommended)
PY
echo "== sweep() of a script's function, from the script's folder"
(cd "$work" && env PATH="$clean_path" "$tmp/venv/bin/python" bench.py)
echo "== with cloudpickle: a notebook-style function"
env PATH="$clean_path" "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check cloudpickle==3.1.2
(cd "$work" && env PATH="$clean_path" "$tmp/venv/bin/python" cell.py)
echo "== check-wheel passed in $((SECONDS - started)) s"
