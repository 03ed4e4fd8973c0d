"""A process for `dump --pid` tests: holds a marker object, then either
waits in a system call or spins in Python, and answers on stdin.

usage: target.py sleep|busy [OBJECTS] [PLANT_DIR SECRET]

* sleep: the main thread blocks reading stdin (GIL released);
  busy: the main thread runs Python code, a second thread reads stdin.
* each line read is answered on stdout: "ping" -> "pong", "modules" ->
  the heapscope modules in sys.modules (what an injection left behind),
  "lencalls" -> how often LazyTuple.__len__ ran (a dump must never run it).
* OBJECTS: that many extra objects, so that a dump takes a while.
* PLANT_DIR SECRET: a thread keeps planting symbolic links to SECRET where
  `dump --pid` might read the target's messages (PLANT_DIR/out.json.error
  and PLANT_DIR/.heapscope-dump-*/result), as a hostile target would.
"""

import os
import sys
import threading
import time


class InjectMarker:
    def __init__(self):
        self.tag = "heapscope-inject-marker"


class LazyTuple(tuple):
    """Counts its __len__ calls: the dump must never make one
    (docs/dumper.md, Guarantees)."""
    calls = 0

    def __len__(self):
        LazyTuple.calls += 1
        return tuple.__len__(self)


marker = InjectMarker()
lazy = LazyTuple((1, 2, 3))
ballast = []


def busy():
    n = 0
    while True:
        n = (n + 1) % 1000003


def answer():
    for line in sys.stdin:
        word = line.strip()
        if word == "ping":
            print("pong", flush=True)
        elif word == "modules":
            names = sorted(k for k in sys.modules if "heapscope" in k)
            print("modules %s" % ",".join(names), flush=True)
        elif word == "lencalls":
            print("lencalls %d" % LazyTuple.calls, flush=True)
    os._exit(0)   # stdin closed: the test is over


def plant(folder, secret):
    links = [os.path.join(folder, "out.json.error")]
    while True:
        for name in os.listdir(folder):
            if name.startswith(".heapscope-dump-"):
                links.append(os.path.join(folder, name, "result"))
        for link in links:
            try:
                os.symlink(secret, link)
            except OSError:
                pass
        del links[1:]
        time.sleep(0.001)


def main(argv):
    if len(argv) > 1:
        ballast.extend([i, str(i)] for i in range(int(argv[1])))
    if len(argv) > 3:
        threading.Thread(target=plant, args=(argv[2], argv[3]),
                         daemon=True).start()
    print("ready", flush=True)
    if argv[0] == "busy":
        threading.Thread(target=answer, daemon=True).start()
        busy()
    else:
        answer()


if __name__ == "__main__":
    main(sys.argv[1:])
