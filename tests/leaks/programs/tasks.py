"""Leak: finished asyncio tasks kept in a set.

A server keeps a strong reference to each background task (as the
asyncio docs advise) but forgets to discard it when done, so every
finished task and its result stay.
Culprit: set at __main__.server._tasks.

    python3 tasks.py OUTDIR
"""
import asyncio

import churn


class Server:
    def __init__(self):
        self._tasks = set()
        self.loop = asyncio.new_event_loop()

    async def handle(self, n):
        return {"request": n, "status": "ok %d" % n}

    def spawn(self, n):
        task = self.loop.create_task(self.handle(n))
        self._tasks.add(task)  # never discarded
        self.loop.run_until_complete(task)


server = Server()


def step(i):
    if i % 5 == 0:
        server.spawn(i)


if __name__ == "__main__":
    churn.main(step)
