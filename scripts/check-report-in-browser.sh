#!/usr/bin/env bash
# Renders plateau's HTML reports in headless Chromium and fails when a page is blank, logs any
# console message (a script error, a Content-Security-Policy violation, a failed load: the
# reports run no script, so any message is a fault), or a chart is missing from the DOM or
# invisible on screen. Checked pages: the report a tiny real `plateau run` writes, a single-run
# report, the simulated 192-CPU run's report (20 counts up to 768 workers) and a three-run
# comparison from tests/fixtures/. It first proves it can fail: a page
# with an injected script error, one with its chart hidden, and a blank page must all be caught.
#
# Usage: scripts/check-report-in-browser.sh            (CI calls it from .ci/run)
#        PLATEAU_SHOTS=DIR scripts/check-report-in-browser.sh   keeps the screenshots in DIR
# Installs Debian's chromium when it is missing (apt-get, needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

if ! command -v chromium >/dev/null 2>&1; then
    echo "== chromium is missing: installing Debian's chromium"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq </dev/null
    $sudo apt-get install -y -qq chromium </dev/null
fi

. scripts/lib/binary.sh
plateau_build debug
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shots="${PLATEAU_SHOTS:-$work/shots}"
mkdir -p "$shots"

# render HTML PNG: screenshot, DOM and browser log of one page (at most 60 s).
render() {
    local html=$1 png=$2 profile
    profile=$(mktemp -d "$work/profile.XXXX")
    timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --enable-logging=stderr --v=0 --hide-scrollbars \
        --window-size=1200,3000 --screenshot="$png" --dump-dom "file://$(realpath "$html")" \
        >"${png%.png}.dom" 2>"${png%.png}.log" </dev/null || true
}

# check_page NAME HTML CHARTS: 0 when the page passes; prints what it saw either way.
check_page() {
    local name=$1 html=$2 charts=$3 png="$shots/$1.png" bare="$work/$1-without-charts"
    render "$html" "$png"
    # The same page with its <svg> elements hidden but in place (so nothing below them moves
    # into the window): the charts must add visible coloured pixels.
    python3 - "$html" "$bare.html" <<'PY'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
hide = "<style>svg { visibility: hidden !important; }</style>"
page = page.replace("</head>", hide + "</head>", 1) if "</head>" in page else hide + page
open(sys.argv[2], "w", encoding="utf-8").write(page)
PY
    render "$bare.html" "$bare.png"
    python3 - "$name" "$png" "$bare.png" "$charts" "${png%.png}.dom" "${png%.png}.log" <<'PY'
import importlib.util, os, re, sys
name, png, bare, charts, dom, log = sys.argv[1:7]
charts = int(charts)
spec = importlib.util.spec_from_file_location("pngstats", os.path.join("scripts", "png-stats.py"))
pngstats = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pngstats)
problems = []
if not os.path.exists(png) or os.path.getsize(png) == 0:
    print(f"FAIL {name}: no screenshot was written")
    sys.exit(1)
page, without = pngstats.stats(png), pngstats.stats(bare)
console = [l.strip() for l in open(log, errors="replace") if "CONSOLE" in l]
svgs = len(re.findall(r"<svg\b", open(dom, errors="replace").read()))
added = page["coloured_pixels"] - without["coloured_pixels"]
if page["nonwhite_fraction"] < 0.02:
    problems.append(f"blank page ({page['nonwhite_fraction']:.2%} non-white pixels)")
for line in console:
    problems.append(f"console: {line[-200:]}")
if svgs != charts:
    problems.append(f"{svgs} <svg> in the DOM, expected {charts}")
if added < 400 * charts:
    problems.append(f"charts add only {added} coloured pixels on screen (expected >= {400 * charts})")
size = os.path.getsize(png)
print(f"{'FAIL' if problems else 'ok  '} {name}: {page['width']}x{page['height']} px, {size} bytes, "
      f"{page['nonwhite_fraction']:.1%} non-white, {svgs} svg, charts add {added} coloured px, "
      f"{len(console)} console messages")
for p in problems:
    print(f"     {p}")
sys.exit(1 if problems else 0)
PY
}

echo "== generating reports"
"$bin" run --workers 1,2 --tasks 8 --iterations 100000 --repetitions 2 --warmup 0 --seed 1 \
    --quiet --label "browser-check" --out "$work/run" </dev/null
"$bin" report tests/fixtures/small-2cpu.json --out "$work/single" >/dev/null </dev/null
# The simulated 192-CPU machine (20 counts up to 768 workers), analysed as `plateau analyze`
# does: the charts and tables at scale.
"$bin" analyze tests/fixtures/xlarge-192cpu-simulated.json --out "$work/xlarge" >/dev/null </dev/null
"$bin" report tests/fixtures/small-2cpu.json tests/fixtures/medium-4cpu.json \
    tests/fixtures/large-8cpu.json --out "$work/comparison" >/dev/null </dev/null

echo "== self-test: broken pages must fail"
mkdir -p "$work/broken"
python3 - "$work/single/report.html" "$work/broken" <<'PY'
import sys
page, out = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
# A script error (blocked by the page's CSP, which is itself a console message).
open(f"{out}/script-error.html", "w").write(
    page.replace("</main>", "<script>throw new Error('plateau self-test')</script></main>"))
# The chart is in the DOM but hidden.
open(f"{out}/hidden-chart.html", "w").write(
    page.replace("</style>", ".chart svg { visibility: hidden; }</style>"))
open(f"{out}/blank.html", "w").write("<!DOCTYPE html><html><body></body></html>")
PY
for page in script-error hidden-chart blank; do
    if check_page "selftest-$page" "$work/broken/$page.html" 1; then
        echo "error: the browser check passed a deliberately broken page ($page); it cannot be trusted" >&2
        exit 1
    fi
done

echo "== checking reports"
failed=0
# A run records task latencies: its report has the chart and the latency chart.
check_page run-report "$work/run/report.html" 2 || failed=1
check_page single-report "$work/single/report.html" 1 || failed=1
check_page xlarge-report "$work/xlarge/report.html" 1 || failed=1
check_page comparison-report "$work/comparison/report.html" 2 || failed=1
echo "== browser check took $((SECONDS - started)) s"
if [ "$failed" -ne 0 ]; then
    echo "error: a report failed the browser check (screenshots: $shots)" >&2
    exit 1
fi
echo "== browser check passed"
