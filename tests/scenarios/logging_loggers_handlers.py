"""stdlib logging: two leaks at once, a logger per connection and a
handler per client.

Reproduces vertica/vertica-python#476 ("Connection Loggers Leaking
Memory", https://github.com/vertica/vertica-python/issues/476): every
connection calls logging.getLogger() with a unique name, and the logging
manager's loggerDict keeps every Logger forever; and
PaddleHQ/paddle-python-sdk#144 ("Client.null_logger() adds a new
NullHandler on every instantiation",
https://github.com/PaddleHQ/paddle-python-sdk/issues/144): every client
adds a NullHandler (with its RLock) to one shared logger's handlers list.
The per-connection loggers are the bigger leak.

Churn that outweighs both: a MemoryHandler buffering LogRecords that is
flushed in bursts (a sawtooth), its target keeping the newest records by
slicing, an LRU of rendered messages at capacity (entries of varying
size), and per-request LogRecords that die with the request.

Culprits: dict at logging.root.manager.loggerDict (most bytes), then
list at ...loggerDict['billing.null'].handlers
"""
import logging
import logging.handlers

import scenario

EXPECT = [("dict", ".loggerDict"), ("list", ".handlers")]


class KeepNewest(logging.Handler):
    """The flush target: keeps the newest records only."""

    def __init__(self):
        super().__init__()
        self.history = scenario.SlicedHistory(600)

    def emit(self, record):
        self.history.add(record)


app_log = logging.getLogger("service")
app_log.setLevel(logging.INFO)
app_log.propagate = False
buffered = logging.handlers.MemoryHandler(capacity=900,
                                          flushLevel=logging.CRITICAL,
                                          target=KeepNewest())
app_log.addHandler(buffered)
messages = scenario.SizedLRU(800)


class Connection:
    """vertica-python's connection: a logger named after itself."""

    def __init__(self, n):
        self.n = n
        self._logger = logging.getLogger(
            "vertica_%d_%08x" % (n, n * 2654435761 % 2 ** 32))
        self._logger.setLevel(logging.WARNING)


class BillingClient:
    """paddle's Client: a NullHandler added to a shared logger."""

    def __init__(self, key):
        self.key = key
        self.log = logging.getLogger("billing.null")
        self.log.addHandler(logging.NullHandler())


def step(i):
    conn = Connection(i)
    if i % 3 == 0:
        BillingClient("key-%d" % i)
    app_log.info("request %d on %s: %s", i, conn._logger.name,
                 scenario.blob(i, 40, 400))
    messages.put(i, "served %d: %s" % (i, "-" * (i * 13 % 700)))
    del conn


def culprits():
    return [logging.root.manager.loggerDict,
            logging.getLogger("billing.null").handlers]


if __name__ == "__main__":
    scenario.main(step, culprits)
