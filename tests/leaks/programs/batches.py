"""Leak: a job keeps every batch it processed, one batch per interval.

A nightly job appends each finished batch (a list of row dicts) to its
archive and never drops one. One batch is born per interval between
dumps, so of the batches only the one born between dumps 1 and 2 is a
candidate (new since dump 1, alive in dump 2); each batch is complete
once born (its count is flat), while the archive's count rises at every
dump. The archive is the owner, not the one batch.
Culprit: list at __main__.job.archive.

    python3 batches.py OUTDIR
"""
import churn


class Job:
    def __init__(self):
        self.archive = []

    def run_batch(self, n):
        rows = [{"row": n * 1000 + k, "status": "done"} for k in range(150)]
        self.archive.append(rows)


job = Job()


def step(i):
    # One batch in the middle of each interval between dumps.
    if i in (500, 1500, 2300):
        job.run_batch(i)


if __name__ == "__main__":
    churn.main(step)
