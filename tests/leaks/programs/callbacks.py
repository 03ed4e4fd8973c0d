"""Leak: closures registered per request in a registry created lazily.

The first request creates the callback registry (after the first
dump); each request then registers a closure over its payload under a
new name and nobody unregisters it. The registry's owner was born after
the first dump: the report must name the registry's dict, not the
module above it.
Culprit: dict at __main__._registry._callbacks.

    python3 callbacks.py OUTDIR
"""
import churn


class Registry:
    def __init__(self):
        self._callbacks = {}

    def register(self, name, fn):
        self._callbacks[name] = fn


_registry = None


def registry():
    global _registry
    if _registry is None:
        _registry = Registry()
    return _registry


def step(i):
    if i >= churn.SCHEDULE[0] and i % 5 == 0:
        payload = {"order": i, "note": "deliver order %d" % i}

        def on_done(payload=payload):
            return payload["order"]

        registry().register("done-%d" % i, on_done)


if __name__ == "__main__":
    churn.main(step)
