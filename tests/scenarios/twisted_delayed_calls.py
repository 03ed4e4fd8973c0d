"""Twisted: connection-attempt timers left scheduled after cancellation.

Reproduces twisted/twisted#8223 ("HostnameEndpoint leaves timer running
when cancelled", https://github.com/twisted/twisted/issues/8223): a
connection attempt schedules a timeout with callLater, and when the
attempt's Deferred is cancelled the DelayedCall is not, so the reactor
keeps every timer and the attempt it refers to. The reactor here is
twisted.internet.task.Clock, Twisted's own IReactorTime, advanced by one
second per request.

Churn that outweighs it: Deferreds with callback chains fired per
request, short timers that fire and go, a result LRU at capacity with
entries of varying size, and results kept by slicing.

Culprit: list at clock.calls
"""
from twisted.internet import defer, task

import scenario

EXPECT = [("list", ".calls")]

clock = task.Clock()
results = scenario.SizedLRU(900)
recent = scenario.SlicedHistory(500)


class Attempt:
    def __init__(self, host, n):
        self.host = host
        self.n = n
        self.deferred = defer.Deferred()

    def timed_out(self):
        self.deferred.cancel()


def step(i):
    attempt = Attempt("db-%d.internal" % (i % 40), i)
    if i % 2 == 0:
        # The bug: a 30-minute timer, not cancelled with the attempt.
        clock.callLater(1800, attempt.timed_out)
        attempt.deferred.addErrback(lambda f: None)
        attempt.deferred.cancel()
    d = defer.Deferred()
    d.addCallback(lambda rows: [r * 2 for r in rows])
    d.addCallback(lambda rows: results.put(i, (rows, scenario.blob(i))))
    clock.callLater(0.5, d.callback, list(range(i % 20)))
    recent.add(("attempt", i))
    clock.advance(1)


def culprits():
    return [clock.calls]


if __name__ == "__main__":
    scenario.main(step, culprits)
