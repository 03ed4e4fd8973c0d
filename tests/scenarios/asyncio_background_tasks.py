"""asyncio: fire-and-forget tasks kept in a set that is never pruned, and
upload streams whose buffers are big, kept in a list after they end.

Reproduces the fire-and-forget pattern of the asyncio documentation as
projects adopted it (python-discord/bot-core#140,
https://github.com/python-discord/bot-core/issues/140, quotes it):
`background_tasks.add(task)` keeps each task alive, and the
`task.add_done_callback(background_tasks.discard)` that lets it go is
left out, so every finished task stays with its result (here the
response it built). Beside it, a second leak of few but big items: a
session that appends each upload stream to `_open_streams` and never
removes it when the upload ends (each stream holds a 512 KiB buffer,
more than 1 % of the heap). Two leaks at once, the bigger one made of
big items.

Churn that outweighs them: a task per request (futures, coroutines,
handles: per-request garbage), a cache of parsed messages at capacity
with entries of varying size, and a table of big rows filled once after
the first dump.

Culprits: the session's list of streams (`session._open_streams`), then
the set of background tasks (`background_tasks`).
"""
import asyncio

import scenario

EXPECT = [("list", "._open_streams"), ("set", "background_tasks")]

loop = asyncio.new_event_loop()
background_tasks = set()
parsed = scenario.SizedLRU(500)
stats = scenario.FillOnceTable(300)


class UploadStream:
    def __init__(self, n):
        self.name = "upload-%d" % n
        self.buffer = bytearray(512 * 1024)
        self.done = False


class Session:
    def __init__(self):
        self._open_streams = []

    def upload(self, n):
        stream = UploadStream(n)
        self._open_streams.append(stream)   # the bug: never removed
        stream.done = True


session = Session()


async def handle(i):
    await asyncio.sleep(0)
    return {"id": i, "status": 200, "body": "r%06d " % i * 60}


async def serve(i):
    # The bug: the task stays in the set once done, with its result.
    background_tasks.add(loop.create_task(handle(i)))
    if i % 60 == 0:
        session.upload(i)
    await asyncio.sleep(0)
    message = {"id": i, "body": scenario.blob(i, 20000, 20000).decode()}
    parsed.put(i, message)


def step(i):
    loop.run_until_complete(serve(i))


def culprits():
    return [session._open_streams, background_tasks]


if __name__ == "__main__":
    # The table's rows are big: born after the first dump and kept to the
    # last, they outweigh the leaks among the candidates without growing.
    scenario.main(step, culprits,
                  fill_once=lambda i: stats.add(i % 997, scenario.blob(
                      i, 20000, 20000)))
