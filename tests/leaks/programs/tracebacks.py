"""Leak: failures kept with their tracebacks.

A job runner keeps sys.exc_info() of every failed job for a report that
is never sent; each traceback holds the frames and their locals.
Culprit: list at __main__.runner.failures.

    python3 tracebacks.py OUTDIR
"""
import sys

import churn


class JobError(Exception):
    pass


def parse(job):
    payload = {"job": job, "data": "x" * 40}
    raise JobError("bad job %d" % job)


class Runner:
    def __init__(self):
        self.failures = []

    def run(self, job):
        try:
            parse(job)
        except JobError:
            self.failures.append(sys.exc_info())


runner = Runner()


def step(i):
    if i % 5 == 0:
        runner.run(i)


if __name__ == "__main__":
    churn.main(step)
