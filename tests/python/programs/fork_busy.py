"""A busy multi-threaded process dumped with fork=True; prints a JSON
report of everything that shows the clone disturbed it or ran Python
code. usage: fork_busy.py DUMP_PATH

While the dump runs, worker threads keep allocating and mutating dicts
(the clone must see a consistent heap: every thread was parked where it
released the GIL). Watched for the clone, which must run no Python code:
a profile hook on every thread, an audit hook, an atexit handler and an
os.register_at_fork hook, each writing to a pipe when they run in a
process other than this one. Watched for this process: its SIGCHLD
handler and os.waitpid(-1) (the clone must be invisible to both), and a
socket this process closes during the dump (its peer must see EOF while
the clone still runs: the clone closed its copies).
"""

import atexit
import json
import os
import signal
import socket
import sys
import threading
import time

import heapscope

PARENT = os.getpid()
RFD, WFD = os.pipe()


def tell(what):
    # Runs only where it must not: in the clone.
    if os.getpid() != PARENT:
        os.write(WFD, (what + "\n").encode())


def profile(frame, event, arg):
    if os.getpid() != PARENT:
        tell("profile %s %s" % (event, frame.f_code.co_name))


def audit(event, args):
    if os.getpid() != PARENT:
        tell("audit " + event)


SIGCHLD_CALLS = []
STOP = threading.Event()
SHARED = {}


def worker(k):
    # Allocates and mutates dicts as fast as the GIL lets it.
    n = 0
    mine = {}
    while not STOP.is_set():
        n += 1
        mine[n % 5000] = {"k": k, "n": n, "s": "x%d" % n}
        SHARED[(k, n % 997)] = [n, str(n)]
        if n % 3 == 0:
            SHARED.pop((k, (n - 1) % 997), None)


def main(path):
    ballast = [{"i": i, "s": str(i)} for i in range(200000)]
    sys.addaudithook(audit)
    atexit.register(tell, "atexit")
    os.register_at_fork(after_in_child=lambda: tell("at-fork"))
    signal.signal(signal.SIGCHLD, lambda s, f: SIGCHLD_CALLS.append(s))
    threads = [threading.Thread(target=worker, args=(k,), daemon=True)
               for k in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    a, b = socket.socketpair()
    threading.setprofile(profile)
    sys.setprofile(profile)
    t0 = time.perf_counter()
    handle = heapscope.dump(path, fork=True)
    pause = time.perf_counter() - t0
    sys.setprofile(None)
    threading.setprofile(None)
    a.close()
    b.settimeout(5)
    peer_eof = b.recv(1) == b""
    clone_running = not handle.done()
    try:
        os.waitpid(-1, os.WNOHANG)
        wait_any = "saw a child"
    except ChildProcessError:
        wait_any = "no child"
    result_path = handle.wait(120)
    STOP.set()
    for t in threads:
        t.join()
    time.sleep(0.1)   # a SIGCHLD would have arrived by now
    os.close(WFD)
    with os.fdopen(RFD) as f:
        clone_ran = f.read().splitlines()
    json.dump({
        "path": result_path, "objects": handle.result.objects,
        "pause": pause, "clone_ran": clone_ran,
        "sigchld": len(SIGCHLD_CALLS), "wait_any": wait_any,
        "peer_eof": peer_eof, "clone_running_at_eof": clone_running,
        "pid": PARENT, "ballast": len(ballast),
    }, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
