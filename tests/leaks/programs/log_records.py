"""Leak: a logging handler that buffers every record and never flushes.

A debugging handler attached to the "app" logger keeps each LogRecord
in a list. The path goes through the logging module's manager.
Culprit: list at logging.root.manager.loggerDict['app'].handlers[0].records.

    python3 log_records.py OUTDIR
"""
import logging

import churn


class KeepingHandler(logging.Handler):
    def __init__(self):
        logging.Handler.__init__(self)
        self.records = []

    def emit(self, record):
        self.records.append(record)


log = logging.getLogger("app")
log.setLevel(logging.INFO)
log.propagate = False
log.addHandler(KeepingHandler())


def step(i):
    if i % 5 == 0:
        log.info("served request %d", i)


if __name__ == "__main__":
    churn.main(step)
