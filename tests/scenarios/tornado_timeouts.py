"""Tornado: a timeout scheduled on the IOLoop per request, never removed.

Reproduces pika/pika#730 ("Tornado ioloop._Timeout grows with every
request", https://github.com/pika/pika/issues/730): each request
schedules an hour-long timeout with IOLoop.call_later and nothing ever
removes it once the request has finished, so the loop's scheduled timers
(and the request state their callbacks hold) pile up. With Tornado 6 the
IOLoop runs on asyncio, whose loop keeps the timers in `_scheduled`.

Churn that outweighs it: short timers that fire within the request,
coroutines and futures per request, a response cache pruned in bursts
(a sawtooth), and a table filled once after start-up.

Culprit: list at loop.asyncio_loop._scheduled
"""
import functools

from tornado import gen
from tornado.ioloop import IOLoop

import scenario

EXPECT = [("list", "._scheduled")]

loop = IOLoop()
responses = scenario.SawtoothCache(limit=1300, keep=800)
geo = scenario.FillOnceTable(300)


class RequestState:
    def __init__(self, n):
        self.n = n
        self.headers = {"X-Request": str(n), "Accept": "text/html"}


def expire(state):
    state.headers.clear()


async def handle(i):
    state = RequestState(i)
    if i % 2 == 0:
        # The bug: the request's timeout outlives the request.
        loop.call_later(3600, functools.partial(expire, state))
    short = loop.call_later(0.0, lambda: None)
    await gen.sleep(0)
    loop.remove_timeout(short)
    body = "<p>%d</p>" % i + "." * (i * 37 % 1500)
    responses.put(i, body.encode())


def step(i):
    loop.run_sync(functools.partial(handle, i))


def culprits():
    return [loop.asyncio_loop._scheduled]


if __name__ == "__main__":
    scenario.main(step, culprits,
                  fill_once=lambda i: geo.add("10.0.%d" % i, i))
