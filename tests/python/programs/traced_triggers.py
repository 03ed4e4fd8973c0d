"""Allocation sites through the triggers: a process tracing with
tracemalloc dumps on a signal and every few tenths of a second, as a
service would, and each dump must carry the sites of its objects.

usage: python -X tracemalloc=4 traced_triggers.py OUT_DIR

Prints one JSON line: the dumps written by each trigger, the line that
made the Ticket objects, and what the trigger reported as failed.
"""

import json
import os
import signal
import sys
import time

import heapscope


class Ticket:
    __slots__ = ("number", "note")

    def __init__(self, number):
        self.number = number
        self.note = "ticket %d" % number


def open_tickets(n):
    return [Ticket(i) for i in range(n)]  # MAKES_TICKETS


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def main():
    out = sys.argv[1]
    tickets = open_tickets(300)
    with open(__file__) as f:
        line = next(i for i, text in enumerate(f, 1)
                    if text.rstrip().endswith("# MAKES_TICKETS"))

    signal_pattern = os.path.join(out, "signal-{n}.json")
    previous = heapscope.dump_on_signal(signal.SIGUSR1, signal_pattern)
    os.kill(os.getpid(), signal.SIGUSR1)
    # The handler runs between bytecodes of this thread: the dump is
    # written (or skipped, with a reason) once the loop below has run.
    trigger = signal.getsignal(signal.SIGUSR1).trigger
    wait_for(lambda: trigger.written or trigger.last_error is not None)
    signal.signal(signal.SIGUSR1, previous)

    every = heapscope.dump_every(0.2, os.path.join(out, "every-{n}.json"),
                                 keep=2)
    wait_for(lambda: len(every.written) >= 2 or every.last_error)
    every.stop(60)

    print(json.dumps({
        "signal": list(trigger.written),
        "signal_error": repr(trigger.last_error),
        "every": every.written,
        "every_error": repr(every.last_error),
        "file": os.path.abspath(__file__),
        "line": line,
        "tickets": len(tickets),
    }))


if __name__ == "__main__":
    main()
