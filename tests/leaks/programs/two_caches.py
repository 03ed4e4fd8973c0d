"""Leak: two functools.lru_cache(maxsize=None) methods on one class.

Each memoizes per call with new arguments, so each holds about half of
the growth; both live in the class's __dict__.
Culprits: the two _lru_cache_wrapper under __main__.Geo.

    python3 two_caches.py OUTDIR
"""
import functools

import churn


class Geo:
    @functools.lru_cache(maxsize=None)
    def lookup(self, ip):
        return ("country", ip)

    @functools.lru_cache(maxsize=None)
    def distance(self, a, b):
        return [a, b, abs(a - b)]


geo = Geo()


def step(i):
    if i % 4 == 0:
        geo.lookup("10.1.%d.%d" % (i // 250, i % 250))
    if i % 4 == 2:
        geo.distance(i, i + 7)


if __name__ == "__main__":
    churn.main(step)
