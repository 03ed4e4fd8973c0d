"""Leak beside a cache that prunes in bursts (its size is a sawtooth).

The cache keeps every rendered fragment until it holds PRUNE_AT, then
evicts every other one at once, so old fragments linger and later ones
are larger: between the last two dumps its bytes go up while its count
falls. The slow real leak: an audit trail that keeps one entry every
ten steps.
Culprit: list at __main__.audit.trail.

    python3 burst_cache.py OUTDIR
"""
import churn

PRUNE_AT = 1000


class FragmentCache:
    def __init__(self):
        self.fragments = {}

    def put(self, key, text):
        self.fragments[key] = text
        if len(self.fragments) >= PRUNE_AT:
            for k in list(self.fragments)[::2]:
                del self.fragments[k]


class Audit:
    def __init__(self):
        self.trail = []


fragments = FragmentCache()
audit = Audit()


def step(i):
    fragments.put("frag-%d" % i, "<div>%s</div>" % ("x" * (i // 8)))
    if i % 10 == 0:
        audit.trail.append(("login", "user-%d" % i, i))


if __name__ == "__main__":
    churn.main(step)
