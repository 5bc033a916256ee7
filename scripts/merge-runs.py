#!/usr/bin/env python3
"""Merge several plateau results.json files of the same settings into one, concatenating the
raw samples of each worker count in the order the files are given.

Used by the interleaved CI pattern (docs/ci.md): the baseline and candidate builds each run
`plateau run --repetitions 1` several times, alternating, and each side's runs are merged
before `plateau compare`. Summaries are set to null because they would be stale;
`plateau compare` recomputes every statistic from the raw samples.

Usage: scripts/merge-runs.py OUT.json IN.json [IN.json ...]
Exit 2 with one sentence on bad input (missing file, different settings).
"""
import json
import sys

SAME = ("workload", "tasks", "mode", "schedule", "pin")


def fail(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail(f"cannot read {path} as results.json ({e})")


def main(argv):
    if len(argv) < 3:
        fail("usage: merge-runs.py OUT.json IN.json [IN.json ...]")
    out_path, inputs = argv[1], argv[2:]
    merged = load(inputs[0])
    points = {p["workers"]: p for p in merged["points"]}
    for path in inputs[1:]:
        run = load(path)
        for key in SAME:
            if run["config"].get(key) != merged["config"].get(key):
                fail(f"{path} has config.{key} {run['config'].get(key)!r}, "
                     f"but {inputs[0]} has {merged['config'].get(key)!r}; merge runs of the same settings only")
        for p in run["points"]:
            if p["workers"] in points:
                points[p["workers"]]["samples"].extend(p["samples"])
            else:
                points[p["workers"]] = p
    for p in points.values():
        p["summary"] = None
    merged["points"] = [points[w] for w in sorted(points)]
    merged["config"]["workers"] = sorted(points)
    merged["config"]["repetitions"] = max(len(p["samples"]) for p in merged["points"])
    merged["run"]["finished_at"] = load(inputs[-1])["run"].get("finished_at")
    merged["run"]["label"] = merged["run"]["label"] + f" (merged from {len(inputs)} runs)"
    merged["analysis"] = None
    with open(out_path, "w") as f:
        json.dump(merged, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
