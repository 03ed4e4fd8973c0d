"""functools.lru_cache on methods: the caches keep every instance (two
leaks at once).

Reproduces pytest-dev/pytest#9148 ("Avoid @lru_cache on methods",
https://github.com/pytest-dev/pytest/pull/9148, which fixed two such
methods) and python/cpython#102618
(https://github.com/python/cpython/issues/102618): `@lru_cache` on a
method puts `self` in the cache key, so with maxsize=None each short-lived
instance (and everything it holds) stays in the cache forever. Two
classes do it: price books (the bigger leak) and route resolvers.

Churn that outweighs it: a module-level lru_cache(maxsize=1000) at
capacity whose results differ in size (it evicts as it fills), large
price tables loaded at start-up, big per-request reports that die with
the request, and requests in flight.

Culprits: the lru_cache wrappers' cache dicts, reached through
PriceBook.__dict__['quote'] (most bytes) and Resolver.__dict__['resolve']
"""
import functools
import gc

import scenario

EXPECT = [("dict", "['quote']"), ("dict", "['resolve']")]

catalogue = scenario.stable_data(3000)
in_flight = scenario.InFlight(25)


@functools.lru_cache(maxsize=1000)
def render_listing(page):
    """Bounded: at capacity, results of varying size."""
    return ["%s: %d" % catalogue["sku-%05d" % ((page * 11 + k) % 3000)][:2]
            for k in range(10 + page % 40)]


class PriceBook:
    def __init__(self, customer):
        self.customer = customer
        self.discounts = {"sku-%05d" % k: k % 9
                          for k in range(customer % 7, 60, 7)}

    @functools.lru_cache(maxsize=None)
    def quote(self, sku):
        return catalogue[sku][1] * (100 - self.discounts.get(sku, 0)) // 100


class Resolver:
    def __init__(self, n):
        self.prefix = "/v%d" % (n % 3)

    @functools.lru_cache(maxsize=None)
    def resolve(self, path):
        return self.prefix + path


def step(i):
    listing = render_listing(i)
    report = [scenario.blob(i + k, 100, 400) for k in range(8)]
    in_flight.add((listing, report))
    if i % 2 == 0:
        book = PriceBook(i)  # one per request: leaked through quote's cache
        book.quote("sku-%05d" % (i % 3000))
    if i % 3 == 0:
        Resolver(i).resolve("/orders")  # leaked through resolve's cache


def cache_of(wrapper):
    # An lru_cache wrapper's cache dict has no Python name: find it among
    # what the wrapper refers to, by its size.
    size = wrapper.cache_info().currsize
    return next(o for o in gc.get_referents(wrapper)
                if type(o) is dict and len(o) == size)


def culprits():
    return [cache_of(PriceBook.__dict__["quote"]),
            cache_of(Resolver.__dict__["resolve"])]


if __name__ == "__main__":
    scenario.main(step, culprits)
