"""Leak: listeners subscribed per connection and never unsubscribed.

Each connection subscribes its bound method to a global event bus; when
the connection closes nobody unsubscribes, so the bus's list keeps the
bound method, hence the connection and its buffers.
Culprit: list at __main__.bus.listeners.

    python3 listeners.py OUTDIR
"""
import churn


class EventBus:
    def __init__(self):
        self.listeners = []

    def subscribe(self, fn):
        self.listeners.append(fn)


class Connection:
    def __init__(self, n):
        self.peer = "10.1.%d.%d" % (n // 250 % 250, n % 250)
        self.buffer = bytearray(64)

    def on_event(self, event):
        pass


bus = EventBus()


def step(i):
    if i % 5 == 0:
        conn = Connection(i)
        bus.subscribe(conn.on_event)
        del conn  # "closed": only the bus still holds it


if __name__ == "__main__":
    churn.main(step)
