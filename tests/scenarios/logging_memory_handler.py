"""logging: a MemoryHandler that never flushes keeps every record.

Reproduces python/cpython#107028 ("Ambiguity in documentation of
logger.handlers.MemoryHandler method flush()",
https://github.com/python/cpython/issues/107028): without a target,
MemoryHandler.flush() keeps the buffer, so a handler attached to the
root logger as an in-memory log (the way Tribler's logging endpoint
used one, Tribler/tribler#8530) keeps every record, each with its
request's arguments.

Churn that outweighs it: a logger per module (created once), a cache of
rendered pages pruned in bursts (a sawtooth), requests in flight (each
lives for a few requests), and a table of big rows filled once after the
first dump.

Culprit: the handler's buffer (a list: `__main__.audit.buffer`, also
`logging.root.handlers[0].buffer`).
"""
import logging
import logging.handlers

import scenario

EXPECT = [("list", ".buffer")]

audit = logging.handlers.MemoryHandler(capacity=100, target=None)
logging.root.addHandler(audit)
logging.root.setLevel(logging.INFO)
log = logging.getLogger("shop.checkout")
pages = scenario.SawtoothCache(300, 100)
in_flight = scenario.InFlight(50)
table = scenario.FillOnceTable(250)


def step(i):
    request = {"id": i, "user": "user-%d" % (i % 97),
               "cart": [("sku-%05d" % (i * 7 + k), k + 1) for k in range(4)]}
    in_flight.add(request)
    # Each record keeps its args (the request) in the handler's buffer.
    log.info("checkout %(id)s for %(user)s", request)
    pages.put(i, scenario.blob(i, 3000, 6000))


def culprits():
    return [audit.buffer]


if __name__ == "__main__":
    scenario.main(step, culprits,
                  fill_once=lambda i: table.add(i % 997, scenario.blob(
                      i, 20000, 20000)))
