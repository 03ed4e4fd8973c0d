"""warnings: every distinct message stays in a module's __warningregistry__.

Reproduces python/cpython#97557 ("Memory leak: warnings module",
https://github.com/python/cpython/issues/97557): warnings.warn() records
each (message, category, line) it has shown in the calling module's
`__warningregistry__`, so that the "default" action shows it once; a
message that embeds a value that changes per call (the issue names
aiomysql's cursor warnings, which quote the query's warning text) adds an
entry per call, forever. The interval in which the process is sampled
does not matter: the registry only grows. Warnings are routed to logging
(`logging.captureWarnings`), as services do, to a handler that drops them.

Churn that outweighs it: per-request log records and request objects in
flight, a page cache pruned in bursts (a sawtooth), an LRU of query
results at capacity with entries of varying size, and a table of big
rows filled once after the first dump.

Culprit: the registry (a dict: `__main__.__dict__['__warningregistry__']`,
labelled `__main__.__warningregistry__`).
"""
import logging
import warnings

import scenario

EXPECT = [("dict", "__warningregistry__")]

logging.captureWarnings(True)
logging.getLogger("py.warnings").addHandler(logging.NullHandler())
logging.getLogger("py.warnings").propagate = False
# What `python -W default` or a test runner sets: every warning shown
# once per place and text, which is what the registry remembers.
warnings.simplefilter("default")

pages = scenario.SawtoothCache(300, 100)
results = scenario.SizedLRU(200)
in_flight = scenario.InFlight(40)
table = scenario.FillOnceTable(250)


def execute(query, args):
    """A database cursor's execute: the server's warning quotes the
    statement, so its text differs per call (aiomysql's pattern)."""
    rows = [(args[0], "row-%d" % k) for k in range(3)]
    warnings.warn("Data truncated for column 'note' at row 1: %s %r"
                  % (query, args), Warning)
    return rows


def step(i):
    request = {"id": i, "path": "/orders/%d" % (i % 500),
               "body": scenario.blob(i, 300, 900)}
    in_flight.add(request)
    rows = execute("UPDATE orders SET note=%s WHERE id=%s",
                   ("note for order %d" % i, i))
    results.put(i % 400, (rows, scenario.blob(i, 500, 2500)))
    pages.put(i, scenario.blob(i, 2000, 4000))


def culprits():
    return [globals()["__warningregistry__"]]


if __name__ == "__main__":
    scenario.main(step, culprits,
                  fill_once=lambda i: table.add(i % 997, scenario.blob(
                      i, 20000, 20000)))
