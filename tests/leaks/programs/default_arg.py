"""Leak: a mutable default argument that collects every call.

record_visit's `seen` default list is created once, with the function,
and every call appends to it.
Culprit: list in __main__.record_visit's defaults.

    python3 default_arg.py OUTDIR
"""
import churn


class Visit:
    def __init__(self, user, page):
        self.user = user
        self.page = page


def record_visit(user, page, seen=[]):
    seen.append(Visit(user, page))
    return len(seen)


def step(i):
    if i % 5 == 0:
        record_visit("user-%d" % i, "/p/%d" % (i % 13))


if __name__ == "__main__":
    churn.main(step)
