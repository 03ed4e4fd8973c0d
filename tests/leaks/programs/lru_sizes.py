"""Leak beside an LRU cache at capacity whose entries vary in size.

functools.lru_cache(maxsize=...) holds a fixed number of results; the
results vary in size and later ones are larger, so its bytes go up
between dumps while its object count stays flat: it never grows past its
capacity. The real leak: a list of timings that is never trimmed.
Culprit: list at __main__.stats.timings.

    python3 lru_sizes.py OUTDIR
"""
import functools

import churn


@functools.lru_cache(maxsize=700)
def render(i):
    return ("row", "x" * ((i * 7919) % 97 + i // 4))


class Stats:
    def __init__(self):
        self.timings = []


stats = Stats()


def step(i):
    render(i)
    if i % 8 == 0:
        stats.timings.append((i, i * 0.001))


if __name__ == "__main__":
    churn.main(step)
