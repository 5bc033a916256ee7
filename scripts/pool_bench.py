#!/usr/bin/env python3
"""Python's multiprocessing.Pool.map on plateau's CPU task and on no-op tasks, for
scripts/compare-python.sh. Written for this project.

CPU curve: for W in 1..max_workers, a Pool(W) is created and warmed up first (its start-up is
not timed, as plateau's startup_s is not part of wall_s), then `pool.map(cpu_task, range(T))`
is timed `reps` times (median kept). cpu_task(n) sums i * n for i in range(iterations) and is
checked against its closed form, like plateau's cpu workload.

Overhead: no-op tasks over Pool(overhead_workers), with chunksize=1 and with Pool.map's default
chunking (ceil(T / (4 W))); the per-task cost is the median batch time / T.

Prints one JSON object on stdout.
"""
import argparse
import json
import multiprocessing as mp
import statistics
import time


def cpu_task(args):
    n, iterations = args
    s = 0
    for i in range(iterations):
        s += i * n
    want = n * iterations * (iterations - 1) // 2
    if s != want:
        raise ValueError(f"task {n}: sum {s} != {want}")
    return s


def noop(x):
    return x


def timed_map(pool, fn, items, reps, **kw):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        out = pool.map(fn, items, **kw)
        times.append(time.perf_counter() - t)
        assert len(out) == len(items)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-workers", type=int, default=2 * (mp.cpu_count() or 1))
    ap.add_argument("--tasks", type=int, default=48)
    ap.add_argument("--iterations", type=int, default=300_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--overhead-workers", type=int, default=mp.cpu_count() or 1)
    ap.add_argument("--noop-tasks-chunk1", type=int, default=20_000)
    ap.add_argument("--noop-tasks-default", type=int, default=200_000)
    a = ap.parse_args()

    curve = []
    items = [(n + 1, a.iterations) for n in range(a.tasks)]
    for w in range(1, a.max_workers + 1):
        with mp.Pool(w) as pool:
            pool.map(noop, range(w * 4))  # every worker started and warm
            cpu_task((1, 1000))
            median = timed_map(pool, cpu_task, items, a.reps, chunksize=1)
        curve.append({"workers": w, "median_s": median, "tasks_per_sec": a.tasks / median})

    with mp.Pool(a.overhead_workers) as pool:
        pool.map(noop, range(1000))
        c1 = timed_map(pool, noop, range(a.noop_tasks_chunk1), a.reps, chunksize=1)
        dflt = timed_map(pool, noop, range(a.noop_tasks_default), a.reps)
    print(json.dumps({
        "cpu": {"tasks": a.tasks, "iterations": a.iterations, "chunksize": 1, "points": curve},
        "overhead": {
            "workers": a.overhead_workers,
            "chunksize1_us_per_task": c1 / a.noop_tasks_chunk1 * 1e6,
            "default_chunking_us_per_task": dflt / a.noop_tasks_default * 1e6,
        },
    }))


if __name__ == "__main__":
    main()
