#!/usr/bin/env python3
"""Every relative link and image in the given markdown files resolves: the file or folder
exists, and an anchor (`page.md#section`, `#section`) names a heading of that page, slugged
as GitHub does. Web links (http, https, mailto) are not fetched. Links inside code (fenced
blocks and `inline`) are not links. Prints each broken link as FILE:LINE: TARGET (why) and
exits 1 when there is one.

Usage: scripts/check-links.py FILE.md...   (scripts/check-links.sh gives it the project's)
"""

import os
import re
import sys

LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML = re.compile(r"<(?:img|a)\s[^>]*?(?:src|href)=\"([^\"]+)\"", re.I)
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def prose_lines(text):
    """(number, line) of the lines outside fenced code, with inline code blanked."""
    fenced = False
    for n, line in enumerate(text.split("\n"), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield n, re.sub(r"`[^`]*`", lambda m: " " * len(m.group(0)), line)


def slug(heading):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def anchors(path, cache={}):
    """Every anchor a markdown page defines (duplicates numbered -1, -2, ... as GitHub does)."""
    if path not in cache:
        seen, out = {}, set()
        text = open(path, encoding="utf-8").read()
        fenced = False
        for line in text.split("\n"):
            if FENCE.match(line):
                fenced = not fenced
                continue
            m = None if fenced else HEADING.match(line)
            if m:
                base = slug(m.group(2))
                k = seen.get(base, 0)
                seen[base] = k + 1
                out.add(base if k == 0 else f"{base}-{k}")
        for m in re.finditer(r"<a\s+(?:name|id)=\"([^\"]+)\"", text):
            out.add(m.group(1))
        cache[path] = out
    return cache[path]


def check(path):
    """The broken links of one file, as messages."""
    broken = []
    text = open(path, encoding="utf-8").read()
    for n, line in prose_lines(text):
        for m in list(LINK.finditer(line)) + list(HTML.finditer(line)):
            target = m.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue  # http:, https:, mailto: ...
            file_part, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            if not os.path.exists(dest):
                broken.append(f"{path}:{n}: {target} (no such file)")
            elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
                broken.append(f"{path}:{n}: {target} (no heading #{anchor} in {dest})")
    return broken


def main(paths):
    broken = [b for p in paths for b in check(p)]
    for b in broken:
        print(b)
    links = sum(len(LINK.findall(l)) + len(HTML.findall(l)) for p in paths
                for _, l in prose_lines(open(p, encoding="utf-8").read()))
    print(f"check-links: {len(paths)} files, {links} links and images, {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
