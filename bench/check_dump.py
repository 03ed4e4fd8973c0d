#!/usr/bin/env python3
"""Check that a generated dump reads like meliae's scanner output.

    python3 bench/check_dump.py DUMP

Checks every line against docs/format.md §1: the exact key
order and separators, the len/value rules of str and bytes, the 100-unit
truncation, escapes, and that every address is unique and every ref has a
record.  Then loads the dump with the reference oracle and checks that it
is a Python 3.11 dump whose instance dicts collapse.  Prints the shape
(type mix, refs per object, bytes per line) as JSON; exits 1 on a problem.
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "oracle"))
import meliae_ref  # noqa: E402

STRING = r'"(?:[^"\\/\x00-\x1f\x7f]|\\["\\/]|\\u[0-9a-f]{4})*"'
LINE = re.compile(
    r'\{"address": (\d+), "type": (' + STRING + r'), "size": (\d+)'
    r'(?:, "name": ' + STRING + r')?'
    r'(?:, "len": (\d+))?'
    r'(?:, "value": (?:' + STRING + r'|-?\d+))?'
    r', "refs": \[((?:\d+(?:, \d+)*)?)\]\}\n$')


def check_line(number, raw, problems):
    text = raw.decode("ascii")     # the scanner escapes all non-ASCII
    # STRING admits no short escapes and only lowercase \u escapes.
    if not LINE.match(text):
        problems.append("line %d: not in scanner form: %.120s"
                        % (number, text))
        return None
    obj = json.loads(text)
    if obj["type"] in ("str", "bytes"):
        shown = obj["value"]
        units = len(shown)
        if units != min(obj["len"], 100):
            problems.append("line %d: value has %d units, len %d"
                            % (number, units, obj["len"]))
    return obj


def main(path):
    problems = []
    addresses = set()
    refs = []
    types = {}
    nbytes = 0
    nrefs = 0
    lines = 0
    with open(path, "rb") as f:
        for lines, raw in enumerate(f, 1):
            nbytes += len(raw)
            obj = check_line(lines, raw, problems)
            if obj is None:
                if len(problems) > 20:
                    break
                continue
            if obj["address"] in addresses:
                problems.append("line %d: duplicate address" % lines)
            addresses.add(obj["address"])
            refs.extend(obj["refs"])
            nrefs += len(obj["refs"])
            types[obj["type"]] = types.get(obj["type"], 0) + 1
    dangling = sum(1 for r in refs if r not in addresses)
    if dangling:
        problems.append("%d dangling refs" % dangling)
    del refs, addresses

    om = meliae_ref.load(path, collapse=False)
    if om.dialect != "py311":
        problems.append("dialect %s, not py311" % om.dialect)
    collapsed = om.collapse_instance_dicts()
    if collapsed == 0:
        problems.append("nothing collapsed")
    if om.dangling_refs():
        problems.append("dangling refs after collapse")

    shape = {
        "lines": lines, "bytes": nbytes,
        "bytes_per_line": round(nbytes / max(lines, 1), 1),
        "refs_per_object": round(nrefs / max(lines, 1), 2),
        "collapsed": collapsed,
        "types": dict(sorted(types.items(), key=lambda kv: -kv[1])[:20]),
    }
    print(json.dumps(shape, indent=2))
    for p in problems:
        sys.stderr.write("check_dump: %s\n" % p)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: check_dump.py DUMP\n")
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
