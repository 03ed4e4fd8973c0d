"""Makes objects at known lines with tracemalloc tracing, dumps, and
reports as JSON how the dump's allocation tracebacks compare with
tracemalloc.get_object_traceback() taken after the dump, and whether the
walk changed the heap or ran Python code. usage: sites.py DUMP_PATH
[NFRAMES]"""

import gc
import json
import sys
import tracemalloc

NFRAMES = int(sys.argv[2]) if len(sys.argv) > 2 else 8
tracemalloc.start(NFRAMES)

from heapscope import _dumper  # noqa: E402


class Plain:
    def __init__(self, i):
        self.i = i                                  # attributes: inline values on 3.11+


class Slotted:
    __slots__ = ("a", "b")


def make():
    # Each object's expected line is its own line's number; the samples
    # pair each object with it (SITE lines below).
    out = {}
    out["plain"] = [Plain(i) for i in range(5)]     # SITE plain
    out["slotted"] = Slotted()                      # SITE slotted
    out["dict"] = {"k%d" % i: i for i in range(3)}  # SITE dict
    out["list"] = [None] * 7                        # SITE list
    out["str"] = "s" * 40 + str(len(out))           # SITE str
    out["tuple"] = tuple(range(10, 20))             # SITE tuple
    out["bytes"] = b"x" * 300                       # SITE bytes
    out["fromkeys"] = dict.fromkeys(range(40))      # SITE fromkeys
    out["json"] = json.loads('{"a": [1, 2, 3]}')    # SITE json
    out["joined"] = ",".join(["ab", "cd"] * 20)     # SITE joined
    out["mapped"] = list(map(str, range(300, 310)))  # SITE mapped
    return out


def site_lines():
    lines = {}
    with open(__file__) as f:
        for n, line in enumerate(f, 1):
            if "# SITE " in line:
                lines[line.split("# SITE ")[1].strip()] = n
    return lines


def samples(objs):
    """(name, object) pairs: each made object, and what it holds."""
    for name, o in objs.items():
        yield name, o
        if name in ("plain", "mapped"):
            for item in o:
                yield name + "-item", item
    yield "json-inner", objs["json"]["a"]


def read_dump(path):
    frames, tbs, recs, keys = {}, {}, {}, set()
    with open(path) as f:
        for line in f:
            d = json.loads(line)
            keys.update(d)
            if "heapscope_frame" in d:
                frames[d["heapscope_frame"]] = [d["file"], d["line"]]
            elif "heapscope_traceback" in d:
                tbs[d["heapscope_traceback"]] = [frames[i] for i in d["frames"]]
            elif "address" in d:
                recs[d["address"]] = tbs[d["tb"]] if "tb" in d else None
    return recs, keys


def counts():
    return len(gc.get_objects()), sys.getallocatedblocks()


def main(path):
    objs = make()
    gc.collect()
    with open(path, "wb") as f:
        _dumper.dump_fd(f.fileno(), False, True)   # lazy initialisations
    events = []

    def profile(frame, event, arg):
        if frame.f_code.co_name != "main":
            events.append(frame.f_code.co_name)

    with open(path, "wb") as f:
        n0, b0 = counts()
        _dumper.dump_fd(f.fileno(), False, True)
        n1, b1 = counts()
        c0, cb0 = counts()
        _dumper.last_stats  # the control: a call returning nothing new
        (1, 2)
        c1, cb1 = counts()
    with open(path, "wb") as f:
        sys.setprofile(profile)
        _dumper.dump_fd(f.fileno(), False, True)
        sys.setprofile(None)
    stats = _dumper.last_stats()
    recs, keys = read_dump(path)
    lines = site_lines()
    compared = []
    for name, o in samples(objs):
        tb = tracemalloc.get_object_traceback(o)
        got = recs.get(id(o), "absent")
        compared.append({
            "name": name,
            "type": type(o).__name__,
            "want": [[f.filename, f.lineno] for f in tb] if tb else None,
            "got": got,
            "line": lines[name.split("-")[0]],
        })
    print(json.dumps({
        "file": __file__,
        "compared": compared,
        "gc_delta": n1 - n0, "blocks_delta": b1 - b0,
        "control_gc_delta": c1 - c0, "control_blocks_delta": cb1 - cb0,
        "events": events,
        "stats": {k: stats[k] for k in ("objects", "traced", "tracebacks",
                                        "site_frames", "sites_unavailable")},
        "keys": sorted(keys),
    }))


if __name__ == "__main__":
    main(sys.argv[1])
