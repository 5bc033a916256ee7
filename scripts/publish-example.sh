#!/usr/bin/env bash
# Publishes a run of this machine: a release build of plateau runs the default sweep (or the
# `plateau run` flags given here, except --out), and the dated folder under reports/ gets
# results.json, chart.svg, report.html, summary.md and a README.md with the exact command, the
# plateau version, the git commit and the environment (the machine as `plateau info` sees it,
# load average, date). The .gitignore that marks unpublished runs is removed, and
# reports/README.md, the list of published runs, is rewritten. Commit the folder yourself.
# Run it on a quiet machine: other work shows up as noise and a lower plateau.
#
# Usage: scripts/publish-example.sh [plateau run flags...]
#   e.g. scripts/publish-example.sh --label c7i.2xlarge --price-per-hour 0.357
set -euo pipefail
cd "$(dirname "$0")/.."
workload=cpu
previous=""
for arg in "$@"; do
    case "$arg" in
    --out | --out=* | -o | -o*)
        echo "error: publish-example.sh chooses the folder itself; drop $arg" >&2
        exit 2
        ;;
    --workload=*) workload="${arg#--workload=}" ;;
    esac
    if [ "$previous" = "--workload" ]; then workload="$arg"; fi
    previous="$arg"
done

. scripts/lib/binary.sh
plateau_build release
dir="reports/$(date -u +%Y-%m-%d_%H%M%S)_${workload}"
if [ -e "$dir" ]; then
    echo "error: $dir already exists; wait a second and run again" >&2
    exit 2
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
info=$("$bin" info)

# Run through PATH, so the recorded command line reads `plateau run ...` wherever the build is.
PATH="$(dirname "$bin"):$PATH" plateau run --out "$dir" "$@"

load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit (with uncommitted changes)"
fi
version=$("$bin" --version)
# An explicit --out writes no .gitignore; remove one anyway, so nothing hides the folder.
rm -f "$dir/.gitignore"

python3 - "$dir" "$version" "$commit" "$load_before" "$load_after" "$info" "$*" <<'PY'
import json, os, shlex, sys
folder, version, commit, load_before, load_after, info, args = sys.argv[1:8]
r = json.load(open(os.path.join(folder, "results.json")))
summary = open(os.path.join(folder, "summary.md")).read()
command = " ".join(shlex.quote(a) for a in r["run"]["command_line"])
text = f"""# {r['run']['label']}: {r['config']['workload']['name']} workload, {r['run']['started_at'][:10]}

A published plateau run: [report.html](report.html) (open it in a browser), [chart.svg](chart.svg),
[results.json](results.json) (every raw sample), [summary.md](summary.md).

![chart](chart.svg)

## How it was made

```sh
{command}
```

run by `scripts/publish-example.sh {args}` (a release build).

| | |
| --- | --- |
| plateau | {version} |
| git commit | {commit} |
| started | {r['run']['started_at']} |
| finished | {r['run']['finished_at']} |
| load average (1, 5, 15 min) before | {load_before} |
| load average (1, 5, 15 min) after | {load_after} |
| completed the plan | {'no, interrupted' if r['run']['interrupted'] else 'yes'} |

## The machine (`plateau info`)

```text
{info}
```

## Summary

{summary}
"""
open(os.path.join(folder, "README.md"), "w").write(text)
PY

# The index of published runs: every folder under reports/ without the unpublished marker.
python3 - <<'PY'
import json, os
rows = []
for name in sorted(os.listdir("reports"), reverse=True):
    folder = os.path.join("reports", name)
    if name.startswith(".") or not os.path.isdir(folder):
        continue
    if os.path.exists(os.path.join(folder, ".gitignore")):
        continue
    try:
        r = json.load(open(os.path.join(folder, "results.json")))
    except (OSError, ValueError):
        continue
    m = r["machine"]
    rows.append(f"| [{name}]({name}/README.md) | {r['run']['label']} | {m['cpu_brand']} | "
                f"{m['effective_cpus']} effective ({m['physical_cores']} physical, {m['logical_cpus']} logical) | "
                f"{r['config']['workload']['name']} | [report]({name}/report.html) |")
head = open("reports/README.md").read().split("<!-- published runs -->")[0] if os.path.exists("reports/README.md") else "# Published runs\n\n"
table = ("| folder | label | CPU | cores | workload | report |\n| --- | --- | --- | --- | --- | --- |\n"
         + "\n".join(rows) + "\n") if rows else "No published runs yet.\n"
open("reports/README.md", "w").write(head + "<!-- published runs -->\n" + table)
PY
echo "Published $dir; listed in reports/README.md. Review it, then: git add $dir reports/README.md"
