"""Exceptions kept for a report keep their tracebacks, frames and locals.

Reproduces RedHatInsights/insights-core#4763 ("Fix memory leak - cleanup
broker exception traceback",
https://github.com/RedHatInsights/insights-core/pull/4763): a broker
records every exception a component raised, with its formatted
traceback, for a report at the end; a live exception holds its
`__traceback__`, whose frames hold every local of the calls that failed
(here the raw input and the half-parsed document). quora/asynq#168
(https://github.com/quora/asynq/pull/168) is the same leak through a
task's stored error. The broker lives as long as the process, so each
failed request's input stays.

The two tables of the broker share the exceptions (a list per component,
and a dict from exception to its text), so neither table alone keeps
them alive: the owner is the broker, under whose dict both grow.

Churn that outweighs it: requests in flight with their bodies, a cache
of parsed documents at capacity with entries of varying size, a history
of results re-created by slicing, and a table of big rows filled once
after the first dump.

Culprit: the broker (`__main__.broker`, a Broker whose instance dict
holds `exceptions` and `tracebacks`).
"""
import collections
import traceback

import scenario

EXPECT = [("Broker", "broker")]


class Broker:
    """What the components ran and what they raised (insights-core's
    broker keeps both for the final report)."""

    def __init__(self):
        self.exceptions = collections.defaultdict(list)
        self.tracebacks = {}

    def add_exception(self, component, ex, tb):
        self.exceptions[component].append(ex)
        self.tracebacks[ex] = tb


class ParseError(ValueError):
    pass


broker = Broker()
parsed = scenario.SizedLRU(300)
history = scenario.SlicedHistory(200)
in_flight = scenario.InFlight(40)
table = scenario.FillOnceTable(250)


def parse_section(raw, lines):
    # The frame of a failed call keeps raw and lines (its locals).
    fields = [line.split("=", 1) for line in lines]
    if len(fields) % 3 == 0:
        raise ParseError("section %d: no closing tag" % len(raw))
    return dict(f for f in fields if len(f) == 2)


def parse(raw):
    lines = raw.decode().splitlines()
    return parse_section(raw, lines)


def step(i):
    raw = b"\n".join(b"key%d=value %d %s" % (k, i, b"v" * (i % 40))
                     for k in range(6 + i % 5))
    in_flight.add({"id": i, "body": raw})
    try:
        doc = parse(raw)
    except ParseError as ex:
        broker.add_exception("parse", ex, traceback.format_exc())
        doc = None
    parsed.put(i % 500, (doc, scenario.blob(i, 1000, 3000)))
    history.add(("result", i, scenario.blob(i, 300, 600)))


def culprits():
    return [broker]


if __name__ == "__main__":
    scenario.main(step, culprits,
                  fill_once=lambda i: table.add(i % 997, scenario.blob(
                      i, 20000, 20000)))
