"""A pre-fork server in miniature: triggers armed in the parent, then
workers made by os.fork (as gunicorn and uwsgi do) or by multiprocessing's
fork context; each worker must dump on its own, into its own files.
usage: prefork.py os|multiprocessing FOLDER; prints JSON {parent, workers}.
"""

import json
import os
import signal
import sys
import time

import heapscope

FOLDER = sys.argv[2]


def wait_until(cond, seconds=30):
    deadline = time.time() + seconds
    while not cond() and time.time() < deadline:
        time.sleep(0.02)
    return cond()


def work():
    """A worker's life: dump_every runs on, then a signal asks for one."""
    trigger = signal.getsignal(signal.SIGUSR2).trigger
    assert wait_until(lambda: len(EVERY.written) >= 2)
    os.kill(os.getpid(), signal.SIGUSR2)
    assert wait_until(lambda: trigger.written), trigger.last_error
    EVERY.stop(60)
    return os.getpid()


def main(how):
    global EVERY
    EVERY = heapscope.dump_every(0.1, os.path.join(FOLDER,
                                                   "every-{pid}-{n}.json"),
                                 keep=2)
    heapscope.dump_on_signal(signal.SIGUSR2, os.path.join(FOLDER,
                                                          "signal.json"))
    if how == "os":
        pids = []
        for _ in range(2):
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    work()
                    code = 0
                finally:
                    os._exit(code)
            pids.append(pid)
        for pid in pids:
            _, status = os.waitpid(pid, 0)
            assert status == 0, "worker %d: status %d" % (pid, status)
    else:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(2) as pool:
            pids = pool.map(slow_work, range(2), chunksize=1)
    assert wait_until(lambda: len(EVERY.written) >= 1)
    EVERY.stop(60)
    json.dump({"parent": os.getpid(), "workers": pids}, sys.stdout)


def slow_work(i):
    # Two tasks on two workers: each keeps its worker busy long enough
    # that the other task goes to the other worker.
    return work()


if __name__ == "__main__":
    main(sys.argv[1])
