#!/usr/bin/env python3
"""lib/ depends one way (docs/style.md 1-2, docs/architecture.md "Layers"):

    util < io < parse < graph < passes < analysis < query, export
                                passes < load

A module may use its own layer and the layers below it, never one above
nor a sibling: query and export know nothing of each other, and load
(a file to a graph: the pipeline, the snapshot reader, writer and cache)
stands on passes beside analysis, so that nothing in lib/ opens a dump
but load (its callers are the public API's: cli/ and python/). Checked
two ways, since either alone misses something:

  - the #include "../<layer>/..." lines of lib/'s sources;
  - the symbols each object file of the library uses (nm): a function
    declared in the public header but defined in a layer above its caller
    (as hs_load_options_init once was, defined in passes and called by
    graph) includes nothing upward, yet links upward.

Also: cli/ and python/src/ include nothing of lib/ (docs/style.md 1): they
see the library through include/heapscope.h only. lib/'s folder is not on
their include path (lib/CMakeLists.txt), but a relative "../lib/..." would
still compile, so every #include of theirs is checked here.

And no file in cli/ or lib/ longer than MAX_LINES (docs/style.md 4), but
for the files listed in LONG_FILES.

Usage: check_layers.py --objects LIST   (LIST: the object files, a line
each; the build writes it as tests/hs_objects.txt)
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# Each layer and the layer(s) right under it; a layer may use everything
# reachable downward from it (BELOW, the closure).
UNDER = {"util": (), "io": ("util",), "parse": ("io",), "graph": ("parse",),
         "passes": ("graph",), "analysis": ("passes",), "load": ("passes",),
         "query": ("analysis",), "export": ("analysis",)}


def below(layer):
    out = set()
    for u in UNDER[layer]:
        out |= {u} | below(u)
    return out


BELOW = {layer: below(layer) for layer in UNDER}

# Known exceptions, as (from module, to module): none today. Each entry
# must say why it is allowed and which issue will remove it.
KNOWN = set()

MAX_LINES = 1000
# Files allowed past MAX_LINES, each with why (none today).
LONG_FILES = set()

INCLUDE = re.compile(r'#\s*include\s+"\.\./([a-z]+)/([^"]+)"')
ANY_INCLUDE = re.compile(r'#\s*include\s+["<]([^">]+)[">]')
# The library's users, which may include only <heapscope.h> of it.
USERS = ("cli", os.path.join("python", "src"))


def allowed(a, b):
    return a == b or b in BELOW[a]


def module(path):
    """("graph", "graph/hs_read") for .../graph/hs_read.c(.o)."""
    layer = os.path.basename(os.path.dirname(path))
    name = os.path.basename(path).split(".")[0]
    return layer, layer + "/" + name


def include_violations():
    bad = []
    lib = os.path.join(ROOT, "lib")
    for layer in sorted(os.listdir(lib)):
        d = os.path.join(lib, layer)
        if not os.path.isdir(d):
            continue
        assert layer in UNDER, "lib/%s has no place in UNDER" % layer
        for f in sorted(os.listdir(d)):
            if not f.endswith((".c", ".h")):
                continue
            with open(os.path.join(d, f), encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    to = m.group(1)
                    pair = (layer + "/" + f.split(".")[0],
                            to + "/" + m.group(2).split(".")[0])
                    if to not in UNDER:
                        bad.append("lib/%s/%s:%d includes unknown layer %s"
                                   % (layer, f, n, to))
                    elif not allowed(layer, to) and pair not in KNOWN:
                        bad.append("lib/%s/%s:%d includes ../%s/%s (%s is "
                                   "not under %s)" % (layer, f, n, to,
                                                      m.group(2), to, layer))
    return bad


def lib_headers():
    """lib/'s headers: their paths under lib/ and their base names."""
    lib = os.path.join(ROOT, "lib")
    paths = set()
    for d, _, names in os.walk(lib):
        for n in names:
            if n.endswith(".h"):
                paths.add(os.path.relpath(os.path.join(d, n), lib))
    return paths, {os.path.basename(p) for p in paths}


def user_violations():
    """#include lines of cli/ and python/src/ that reach into lib/."""
    lib = os.path.join(ROOT, "lib")
    paths, names = lib_headers()
    bad = []
    for top in USERS:
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(d, f)
                with open(path, encoding="utf-8") as fh:
                    for n, line in enumerate(fh, 1):
                        m = ANY_INCLUDE.match(line.strip())
                        if not m:
                            continue
                        inc = m.group(1)
                        here = os.path.realpath(os.path.join(d, inc))
                        local = os.path.exists(here)
                        if (here.startswith(lib + os.sep)
                                or inc.startswith("lib/") or inc in paths
                                or (not local
                                    and os.path.basename(inc) in names)):
                            bad.append("%s:%d includes %s from lib/ (only "
                                       "<heapscope.h> is public)"
                                       % (os.path.relpath(path, ROOT), n,
                                          inc))
    return bad


def symbols(obj):
    out = subprocess.run(["nm", obj], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRC":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
    return defined, used


def link_violations(objects):
    owner, uses = {}, {}
    for obj in objects:
        layer, mod = module(obj)
        if layer not in UNDER:
            continue
        defined, used = symbols(obj)
        for s in defined:
            owner[s] = (layer, mod)
        uses[(layer, mod)] = used
    bad = []
    for (layer, mod), used in sorted(uses.items()):
        for s in sorted(used):
            if s not in owner:
                continue  # libc, zlib, SQLite...
            to_layer, to_mod = owner[s]
            if not allowed(layer, to_layer) and (mod, to_mod) not in KNOWN:
                bad.append("%s uses %s from %s (%s is not under %s)"
                           % (mod, s, to_mod, to_layer, layer))
    return bad, len(uses)


def long_files():
    bad = []
    for top in ("cli", "lib"):
        for d, _, names in os.walk(os.path.join(ROOT, top)):
            for n in sorted(names):
                if not n.endswith((".c", ".h")):
                    continue
                path = os.path.join(d, n)
                rel = os.path.relpath(path, ROOT)
                with open(path, encoding="utf-8") as fh:
                    lines = sum(1 for _ in fh)
                if lines > MAX_LINES and rel not in LONG_FILES:
                    bad.append("%s: %d lines (at most %d)"
                               % (rel, lines, MAX_LINES))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", required=True)
    args = ap.parse_args()
    with open(args.objects) as f:
        objects = [line.strip() for line in f if line.strip()]
    bad = include_violations() + user_violations()
    linked, nmods = link_violations(objects)
    bad += linked + long_files()
    if nmods < 20:
        bad.append("only %d library objects found in %s" % (nmods,
                                                             args.objects))
    for b in bad:
        print(b)
    print("layers: %d modules checked, %d problem%s"
          % (nmods, len(bad), "" if len(bad) == 1 else "s"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
