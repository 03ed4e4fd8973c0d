"""asyncio: done-callbacks left on a long-lived future.

Reproduces python/cpython#80794 (bpo-36613, "asyncio._wait() don't
remove callback in case of exception",
https://github.com/python/cpython/issues/80794): a callback added to a
future that outlives the waiter is never removed, so the future's
callback list keeps every waiter's callback and what it refers to. Here
each connection registers its close() on the server's shutdown future
and does not remove it when the connection ends.

Churn that outweighs it: a task per request (futures, coroutines,
handles: per-request garbage), a cache of parsed messages pruned in
bursts (a sawtooth) and a stats table filled once after start-up.

Culprit: the shutdown future's callback list (a list under
server.shutdown)
"""
import asyncio
import gc

import scenario

EXPECT = [("list", ".shutdown")]

loop = asyncio.new_event_loop()
parsed = scenario.SizedLRU(1000)
stats = scenario.FillOnceTable(250)


class Server:
    def __init__(self):
        self.shutdown = loop.create_future()


class Connection:
    def __init__(self, n):
        self.peer = ("10.2.%d.%d" % (n // 250 % 250, n % 250), 40000 + n)
        self.buffer = bytearray(96)

    def close(self, future=None):
        self.buffer = None


server = Server()


async def serve(i):
    conn = Connection(i)
    if i % 2 == 0:
        # The bug: the callback stays after the connection ends.
        server.shutdown.add_done_callback(conn.close)
    await asyncio.sleep(0)
    message = {"id": i, "body": scenario.blob(i, 200, 2400).decode()}
    parsed.put(i, message)


def step(i):
    loop.run_until_complete(serve(i))


def culprits():
    # The C future's callback list has no Python name: the one list it
    # refers to.
    return [next(o for o in gc.get_referents(server.shutdown)
                 if type(o) is list)]


if __name__ == "__main__":
    scenario.main(step, culprits, fill_once=lambda i: stats.add(i % 997, i))
