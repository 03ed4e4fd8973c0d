"""Several leaks at once: listeners, a memo dict and an error log.

Culprits: list at __main__.bus.listeners (the largest), dict at
__main__.memo and list at __main__.errors; all must grow at every dump
and rank above the bounded churn.

    python3 several.py OUTDIR
"""
import churn


class Bus:
    def __init__(self):
        self.listeners = []


class Listener:
    def __init__(self, n):
        self.name = "listener-%d" % n
        self.tags = ["t%d" % (n % 5), "u%d" % (n % 3)]

    def __call__(self, event):
        return event


bus = Bus()
memo = {}
errors = []


def step(i):
    if i % 3 == 0:
        bus.listeners.append(Listener(i))
    if i % 7 == 0:
        memo["k-%d" % i] = "value-%d" % i
    if i % 11 == 0:
        errors.append(("E%d" % (i % 4), "failed %d" % i))


if __name__ == "__main__":
    churn.main(step)
