"""A small pure-Python checker for heapscope dumps (the oracle until the
analyzer can load them): parses every line with json, indexes records by
address, and answers the questions the dumper's tests ask."""

import gc
import json
import sys


class Dump:
    def __init__(self, path):
        opener = open
        if path.endswith(".gz"):
            import gzip
            opener = gzip.open
        self.header = None
        self.records = {}
        self.duplicates = 0
        self.order = []
        with opener(path, "rt", encoding="ascii") as f:
            for i, line in enumerate(f):
                rec = json.loads(line)
                if i == 0 and "heapscope_dump" in rec:
                    self.header = rec
                    continue
                addr = rec["address"]
                if addr in self.records:
                    self.duplicates += 1
                    continue
                self.records[addr] = rec
                self.order.append(addr)

    def dangling(self):
        return [(a, r) for a, rec in self.records.items()
                for r in rec["refs"] if r not in self.records]

    def get(self, obj):
        return self.records.get(id(obj))

    def attr_names(self, obj):
        """Attribute names of obj as a reader sees them: refs [dict, type]
        (slot values first), the dict's refs key, value pairs."""
        rec = self.get(obj)
        if rec is None:
            return None
        for ref in rec["refs"]:
            d = self.records.get(ref)
            if d is not None and d["type"] == "dict":
                return self.dict_keys(d)
        return set()

    def dict_keys(self, drec):
        refs = drec["refs"]
        keys = set()
        for k in refs[0::2]:
            krec = self.records.get(k)
            if krec is not None and krec["type"] == "str":
                keys.add(krec["value"])
        return keys


def reachable():
    """Every object reachable from gc.get_objects() through
    gc.get_referents, as {id: object} (keeps them alive)."""
    seen = {}
    stack = list(gc.get_objects())
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen[id(o)] = o
        stack.extend(gc.get_referents(o))
    return seen


def sizes_of(objs):
    out = {}
    for i, o in objs.items():
        try:
            out[i] = sys.getsizeof(o)
        except Exception:
            pass
    return out


def size_mismatches(dump, objs, before, after):
    """Objects whose size did not change around the dump but whose record
    says otherwise, grouped by type name."""
    bad = {}
    compared = 0
    for i, s in before.items():
        if after.get(i) != s or i not in dump.records:
            continue
        compared += 1
        if dump.records[i]["size"] != s:
            t = type(objs[i]).__qualname__
            bad.setdefault(t, []).append((dump.records[i]["size"], s))
    return compared, bad
