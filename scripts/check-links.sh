#!/usr/bin/env bash
# Checks that every relative link and image in README.md and docs/ resolves, anchors included
# (scripts/check-links.py does the reading), after showing that the check can fail: a page
# with a missing file, a missing anchor and a missing image must be reported broken, and the
# same page with them fixed must pass. `.ci/run` calls it.
#
# Usage: scripts/check-links.sh
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/docs"
printf '# Page\n\n## A section (`--flag`)\n\n```\n[not a link](nowhere.md)\n```\n' > "$tmp/docs/page.md"
printf '# Top\n\n[ok](docs/page.md#a-section---flag) [gone](docs/gone.md) `[code](x.md)`\n[bad anchor](docs/page.md#no-such) ![img](missing.png) [web](https://example.com)\n' > "$tmp/README.md"
if out=$(scripts/check-links.py "$tmp/README.md" "$tmp/docs/page.md"); then
    echo "check-links: FAILED to fail on a broken page" >&2
    exit 1
fi
if [ "$(grep -c ' (no ' <<<"$out")" != 3 ]; then
    echo "check-links: expected 3 broken links in the self-test, got:" >&2
    echo "$out" >&2
    exit 1
fi
printf '# Top\n\n[ok](docs/page.md#a-section---flag) [web](https://example.com)\n' > "$tmp/README.md"
scripts/check-links.py "$tmp/README.md" "$tmp/docs/page.md" >/dev/null
echo "check-links: the self-test reports 3 of 3 broken links and passes the fixed page"

mapfile -t pages < <(find docs -name '*.md' | sort)
scripts/check-links.py README.md "${pages[@]}"
