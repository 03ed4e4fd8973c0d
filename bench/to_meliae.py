"""Rewrite a heapscope dump as meliae's scanner would have written the
same heap on Python 3 (the `py3`/`py311` dialect, docs/format.md §2):

    python3 bench/to_meliae.py IN.json OUT.json

heapscope's dumper has no such mode: `dump(header=False)` only leaves out
what meliae's loader rejects (the header, allocation sites, unset_slots),
its dicts stay key, value pairs. This converter drops what meliae does not
write and writes dicts the way CPython 3's dict_traverse visits them:

* the header line and every `heapscope_*` line (frames, sites) go;
* the `unset_slots` and `tb` members go;
* an exact `dict` whose keys are all str records keeps its values only
  (refs = len: attribute names are absent, as in meliae's dumps); any
  other dict gets value, key pairs (refs = 2 x len).

What stays heapscope's: sizes (`sys.getsizeof`, not meliae's estimates),
type names as text rather than meliae's mojibake, and the [dict, type]
shape of 3.11 instances (meliae writes [v1..vn, type] for those whose
dict was never materialised). None of these changes what the loader
parses per byte, which is what bench/load.sh measures.

Two passes over IN: the first collects the addresses of str records.
"""

import re
import sys

UNSET = re.compile(r', "unset_slots": \[[0-9, ]*\]')
TB = re.compile(r',"tb":[0-9]+')
REFS = '"refs": ['


def str_addresses(path):
    found = set()
    with open(path, "rb") as f:
        for line in f:
            if b'"type": "str"' in line[:60]:
                found.add(int(line[12:line.index(b",")]))
    return found


def dict_line(line, strs):
    start = line.index(REFS) + len(REFS)
    stop = line.index("]", start)
    if stop == start:
        return line
    refs = line[start:stop].split(", ")
    keys, values = refs[0::2], refs[1::2]
    if all(int(k) in strs for k in keys):
        out = values
    else:
        out = [x for pair in zip(values, keys) for x in pair]
    return line[:start] + ", ".join(out) + line[stop:]


def convert(src, dst):
    strs = str_addresses(src)
    with open(src, encoding="utf-8") as f, \
            open(dst, "w", encoding="utf-8") as out:
        for line in f:
            if line.startswith('{"heapscope_'):
                continue
            if '"unset_slots"' in line:
                line = UNSET.sub("", line)
            if ',"tb":' in line:
                line = TB.sub("", line)
            if line.startswith('"type": "dict", ', line.index(",") + 2):
                line = dict_line(line, strs)
            out.write(line)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1].strip())
    convert(sys.argv[1], sys.argv[2])
