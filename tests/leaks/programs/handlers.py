"""Leak: request handlers kept in a set, each retaining its buffers.

Every 40th request is a long poll whose handler is added to a set of
active handlers and never removed; each handler retains its connection
and read buffers, more than 1 % of what is new, so each one looks like
an owner of its own.
Culprit: set at __main__.server.active.

    python3 handlers.py OUTDIR
"""
import churn


class Connection:
    def __init__(self, n):
        self.peer = ("10.0.0.%d" % (n % 250), 40000 + n % 20000)
        self.buffers = [bytearray(512) for _ in range(8)]


class Handler:
    def __init__(self, n):
        self.request_id = "req-%d" % n
        self.conn = Connection(n)
        self.headers = {"h%d" % k: "v%d" % k for k in range(6)}


class Server:
    def __init__(self):
        self.active = set()


server = Server()


def step(i):
    if i % 40 == 0:
        server.active.add(Handler(i))


if __name__ == "__main__":
    churn.main(step)
