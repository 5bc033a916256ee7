#!/usr/bin/env python3
"""Layer check: the `crate::` edges between src/'s top-level modules must form no cycle, and no
file in src/ may exceed the line limit. Test code (a `#[cfg(test)]` module, inline or in its own
file) is left out of the graph: tests may reach anywhere."""
import os
import re
import sys

MAX_LINES = 600
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
SRC = ARGS[0] if ARGS else "src"
LEVELS = "--levels" in sys.argv


def test_only_files(src):
    """Files declared by `#[cfg(test)] mod name;` in their parent module."""
    out = set()
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(root, f)
            text = open(path, encoding="utf-8").read()
            stem = f[:-3]
            base = root if stem in ("mod", "lib", "main") else os.path.join(root, stem)
            for m in re.finditer(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text):
                name = m.group(1)
                for cand in (os.path.join(base, name + ".rs"), os.path.join(base, name, "mod.rs")):
                    out.add(os.path.normpath(cand))
    return out


def production_text(text):
    """The file without its inline `#[cfg(test)] mod … { … }` blocks."""
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(?:pub\s+)?mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def top_module(rel):
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first


def main():
    tests = test_only_files(SRC)
    edges = {}
    long_files = []
    for root, _, files in os.walk(SRC):
        for f in sorted(files):
            if not f.endswith(".rs"):
                continue
            path = os.path.normpath(os.path.join(root, f))
            text = open(path, encoding="utf-8").read()
            lines = text.count("\n")
            if lines > MAX_LINES:
                long_files.append((path, lines))
            if path in tests:
                continue
            rel = os.path.relpath(path, SRC)
            top = top_module(rel)
            if top in ("lib", "main"):
                continue
            for m in re.finditer(r"\bcrate::(\w+)", production_text(text)):
                to = m.group(1)
                if to != top:
                    edges.setdefault(top, {}).setdefault(to, set()).add(rel)
    cycles = find_cycles(edges)
    ok = True
    for path, n in long_files:
        print(f"too long: {path} has {n} lines (limit {MAX_LINES}); split it by idea")
        ok = False
    for cycle in cycles:
        ok = False
        print("cycle: " + " -> ".join(cycle + [cycle[0]]))
        for a, b in zip(cycle, cycle[1:] + [cycle[0]]):
            print(f"  {a} -> {b}: {', '.join(sorted(edges[a][b]))}")
    mods = sorted(set(edges) | {t for v in edges.values() for t in v})
    if LEVELS and not cycles:
        print_levels(mods, edges)
    if ok:
        print(f"layers: {len(mods)} top-level modules, {sum(len(v) for v in edges.values())} edges, no cycle; no file over {MAX_LINES} lines")
    return 0 if ok else 1


def print_levels(mods, edges):
    """Each module on the level above everything it imports: the layer diagram, top first."""
    level = {}

    def of(m):
        if m not in level:
            level[m] = 1 + max((of(t) for t in edges.get(m, {})), default=-1)
        return level[m]

    for m in mods:
        of(m)
    for lv in sorted(set(level.values()), reverse=True):
        names = sorted(m for m in mods if level[m] == lv)
        print(f"level {lv}: {' '.join(names)}")


def find_cycles(edges):
    """Strongly connected components with more than one module (Tarjan), each as one cycle path."""
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(comp)

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return [cycle_in(sorted(c), edges) for c in comps]


def cycle_in(comp, edges):
    """One concrete cycle through the component's first module."""
    start, members = comp[0], set(comp)
    path, seen = [start], {start}

    def walk(v):
        for w in sorted(edges.get(v, {})):
            if w == start and len(path) > 1:
                return True
            if w in members and w not in seen:
                seen.add(w)
                path.append(w)
                if walk(w):
                    return True
                path.pop()
        return False

    walk(start)
    return path


if __name__ == "__main__":
    sys.exit(main())
