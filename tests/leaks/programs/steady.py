"""No leak: only the churn every scenario runs (a bounded LRU cache at
capacity, a lookup table that fills after the first dump, requests in
flight). `heapscope leaks --fail-on-growth` must exit 0.

    python3 steady.py OUTDIR
"""
import churn


def step(i):
    pass


if __name__ == "__main__":
    churn.main(step)
