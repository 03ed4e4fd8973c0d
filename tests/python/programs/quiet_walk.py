"""Dumps a heap holding one kind of hostile object (hostile_kinds.py) and
reports, as JSON, everything that shows Python code ran or objects were
created during the walk. usage: quiet_walk.py KIND DUMP_PATH

Three independent detectors, each armed only around the C walk
(heapscope._dumper.dump_fd), so they see the walk and nothing else:
  * the hostile methods' own record (hostile_kinds.HITS);
  * a profile hook (sys.setprofile), which Python calls for every Python
    function entered, and an audit hook (sys.addaudithook: subprocesses,
    imports, opens...), both recording only while the walk runs;
  * the heap counts (tracked objects, allocated blocks) around the walk,
    against a control call that returns the same shape of result.
The counts are taken in a second dump (the first sets up what the
interpreter initialises lazily) with no hook installed (a hook's own
calls would blur them); the profile hook watches a third dump. Then the
records of the first dump are checked (the case's check) and the case's
own after-effects (its after()).
"""

import gc
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import hostile_kinds  # noqa: E402
from heapscope import _dumper  # noqa: E402

INSIDE = [False]
AUDIT = []
EVENTS = []


def audit(event, args):
    if INSIDE[0]:
        AUDIT.append(event)


def counts():
    n = len(gc.get_objects())
    return n, sys.getallocatedblocks()


def measured(fn, *args):
    """Tracked objects and allocated blocks fn(*args) leaves behind."""
    n0, b0 = counts()
    INSIDE[0] = True
    result = fn(*args)
    INSIDE[0] = False
    n1, b1 = counts()
    return result, n1 - n0, b1 - b0


def hooked_dump(fd):
    me = sys._getframe()

    def profile(frame, event, arg):
        if INSIDE[0] and frame is not me:
            EVENTS.append("%s %s" % (event, frame.f_code.co_name))

    sys.setprofile(profile)
    INSIDE[0] = True
    _dumper.dump_fd(fd, False, True)
    INSIDE[0] = False
    sys.setprofile(None)


def read_records(path):
    recs = {}
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if "address" in rec:
                recs[rec["address"]] = rec
    return recs


def main(kind, path):
    sys.addaudithook(audit)
    case = hostile_kinds.build(kind)
    fds = [os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
           for p in (path + ".warm", path, path + ".hooked")]
    gc.collect()
    gc.disable()
    # The first walk of a process sets up lazily what later ones reuse;
    # measure the second. A hostile call in the first is in HITS too.
    INSIDE[0] = True
    _dumper.dump_fd(fds[0], False, True)
    INSIDE[0] = False
    # Same shape as dump_fd's result: a 2-tuple of two new ints.
    _, control_gc, control_blocks = measured(divmod, 10 ** 12 + 999, 10 ** 6)
    _, dump_gc, dump_blocks = measured(_dumper.dump_fd, fds[1], False, True)
    hooked_dump(fds[2])
    hits = [h[0] for h in hostile_kinds.HITS]
    gc.enable()
    for fd in fds:
        os.close(fd)
    report = {
        "hits": hits,
        "events": EVENTS,
        "audit": AUDIT,
        "control_gc": control_gc, "dump_gc": dump_gc,
        "control_blocks": control_blocks, "dump_blocks": dump_blocks,
        "records": case.check(read_records(path)),
        "after": case.after(),
    }
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
