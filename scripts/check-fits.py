#!/usr/bin/env python3
"""Compare plateau's Amdahl and USL fits with scipy.optimize.least_squares (bounded, several
starting points, tight tolerances) on public scalability data sets.

Usage: scripts/check-fits.py [results.json ...]   (builds plateau in release, in $CARGO_TARGET_DIR when set)
       PLATEAU=path/to/plateau scripts/check-fits.py
Any results.json given is added as a data set (its median throughput per worker count).
Needs: python3 with numpy and scipy (pip install numpy scipy).
Exit status 1 when any parameter differs by more than 1% (absolute 1e-6 for values near 0).
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.optimize import least_squares

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = 0.01

# Each data set: (name, source, worker counts, throughput).
DATA = [
    (
        "synthetic",
        "R package usl, tests/usl-nls.R (sigma = kappa = 0.02, lambda = 1)",
        [1, 2, 4, 6, 8, 10],
        [1, 1.8868, 3.0769, 3.5294, 3.5398, 3.3557],
    ),
    (
        "write-up",
        "the project's write-up table: 32 tasks / seconds",
        [1, 2, 4, 6, 8, 10, 12, 16, 20, 32],
        [32 / s for s in [32.00, 16.10, 8.20, 5.60, 4.10, 4.05, 4.02, 4.00, 4.01, 4.15]],
    ),
    (
        "specsdm91",
        "R package usl, data(specsdm91): SPEC SDM91 on a Sun SPARCcenter 2000 (Gunther, GCaP)",
        [1, 18, 36, 72, 108, 144, 216],
        [64.9, 995.9, 1652.4, 1853.2, 1828.9, 1775.0, 1702.2],
    ),
    (
        "raytracer",
        "Gunther's ray-tracer benchmark without X(1) (his 2018 R script 'No X(1) data')",
        [4, 8, 12, 16, 20, 24, 28, 32, 48, 64],
        [78, 130, 170, 190, 210, 220, 245, 255, 280, 310],
    ),
]


def plateau_binary():
    if os.environ.get("PLATEAU"):
        return os.environ["PLATEAU"]
    # Where cargo builds (CARGO_TARGET_DIR when set), as scripts/lib/binary.sh finds it.
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"],
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return os.path.join(json.loads(meta)["target_directory"], "release", "plateau")


def plateau_fit(binary, n, x, tmp, name):
    csv = os.path.join(tmp, f"{name}.csv")
    with open(csv, "w") as f:
        f.write("workers,throughput\n")
        for w, t in zip(n, x):
            f.write(f"{w},{t!r}\n")
    out = subprocess.run(
        [binary, "analyze", csv, "--json", "--out", os.path.join(tmp, name)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)["analysis"]


def best_of(fun, starts, lo, hi):
    best = None
    for p0 in starts:
        r = least_squares(
            fun, p0, bounds=(lo, hi), method="trf", x_scale="jac",
            ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=20000,
        )
        if best is None or r.cost < best.cost:
            best = r
    return best


def scipy_usl(n, x):
    n, x = np.asarray(n, float), np.asarray(x, float)

    def res(p):
        s, k, lam = p
        return lam * n / (1 + s * (n - 1) + k * n * (n - 1)) - x

    lam0 = x[0] / n[0]
    starts = [[s, k, lam0] for s in (0.0, 0.01, 0.1, 0.5) for k in (0.0, 1e-4, 1e-2, 0.1)]
    r = best_of(res, starts, [0, 0, 1e-12], [1, 1, np.inf])
    s, k, lam = r.x
    sse = float(np.sum(res(r.x) ** 2))
    r2 = 1 - sse / float(np.sum((x - x.mean()) ** 2))
    # A kappa of 1e-36 is the bound 0 reached through floating point: no modelled peak.
    nstar = np.sqrt((1 - s) / k) if k > 1e-12 else None
    return {"sigma": s, "kappa": k, "lambda": lam, "peak_workers": nstar, "r2": r2, "sse": sse}


def speedups(n, x):
    # As plateau's summary does: relative to the smallest count, scaled as if it scaled perfectly.
    return [xi / x[0] * n[0] for xi in x]


def scipy_amdahl(n, x):
    w, sp = np.asarray(n, float), np.asarray(speedups(n, x), float)

    def res(p):
        return 1 / (p[0] + (1 - p[0]) / w) - sp

    r = best_of(res, [[0.0], [0.01], [0.1], [0.5], [1.0]], [0], [1])
    sse = float(np.sum(res(r.x) ** 2))
    return {"serial_fraction": r.x[0], "r2": 1 - sse / float(np.sum((sp - sp.mean()) ** 2)), "sse": sse}


def usl_sse(n, x, u):
    n, x = np.asarray(n, float), np.asarray(x, float)
    m = u["lambda"] * n / (1 + u["sigma"] * (n - 1) + u["kappa"] * n * (n - 1))
    return float(np.sum((m - x) ** 2))


def diff(ours, ref):
    if ours is None or ref is None:
        return 0.0 if ours is None and ref is None else float("inf"), "n/a"
    if abs(ref) < 1e-6 and abs(ours) < 1e-6:
        d = abs(ours - ref)
        return (0.0 if d <= 1e-6 else float("inf")), f"abs {d:.1e}"
    d = abs(ours - ref) / abs(ref)
    return d, f"{100 * d:.4f}%"


def from_results(path):
    with open(path) as f:
        rec = json.load(f)
    pts = [p for p in rec["points"] if p.get("summary")]
    n = [p["workers"] for p in pts]
    x = [p["summary"]["tasks_per_sec"] for p in pts]
    return (os.path.basename(os.path.dirname(os.path.abspath(path))) or path, path, n, x)


def main():
    binary = plateau_binary()
    DATA.extend(from_results(p) for p in sys.argv[1:])
    worst = 0.0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, source, n, x) in enumerate(DATA):
            a = plateau_fit(binary, n, x, tmp, f"{i}-{name}")
            su, sa = scipy_usl(n, x), scipy_amdahl(n, x)
            u = a["usl"]
            pairs = [
                ("usl.sigma", u["sigma"], su["sigma"]),
                ("usl.kappa", u["kappa"], su["kappa"]),
                ("usl.lambda", u["lambda"], su["lambda"]),
                ("usl.peak_workers", u["peak_workers"], su["peak_workers"]),
                ("usl.r2", u["r2"], su["r2"]),
                ("usl.sse", usl_sse(n, x, u), su["sse"]),
                ("amdahl.serial_fraction", a["amdahl"]["serial_fraction"], sa["serial_fraction"]),
                ("amdahl.r2", a["amdahl"]["r2"], sa["r2"]),
            ]
            rows.append((name, source, pairs))
            for _, o, r in pairs:
                worst = max(worst, diff(o, r)[0])
    print(f"{'data set':<10} {'parameter':<24} {'plateau':>14} {'scipy':>14} {'difference':>12}")
    for name, source, pairs in rows:
        print(f"# {name}: {source}")
        for p, o, r in pairs:
            fmt = lambda v: "null" if v is None else f"{v:.6g}"
            print(f"{name:<10} {p:<24} {fmt(o):>14} {fmt(r):>14} {diff(o, r)[1]:>12}")
    ok = worst <= TARGET
    print(f"\nlargest relative difference: {100 * worst:.4f}% (target {100 * TARGET:.0f}%): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
