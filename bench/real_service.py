"""A real program's heap for the load benchmark (bench/load.sh).

    PYTHONPATH=<dumper> /usr/bin/python3 bench/real_service.py \
        [--objects N] [--seed S] -o DUMP

An asyncio HTTP-ish service that has served traffic for a while: it
parses raw requests into Request objects (a __dict__ each, headers as a
dict of str, query lists of varying length, bytes bodies), answers with
Response objects, keeps Sessions (__slots__, some left unset), an access
log, an id index, an LRU of rendered pages, per-client rate counters and
a few hundred keep-alive connections waiting on futures. Then heapscope's
own dumper (heapscope.dump) writes every live object of the process.

Unlike bench/gen's synthetic dump, nothing here is written to match a
shape: the lines are what CPython's objects really look like, in the
order the dumper's walk meets them. What matters for the loader:

* many short strings with JSON escapes (quotes, backslashes, newlines,
  tabs) and non-ASCII text (é, 中文, emoji as surrogate pairs);
* lists of every length, and a few huge containers (the access log, the
  id index, the LRU) whose lines run to megabytes;
* references far from their targets: the walk is depth first, so shared
  strings, classes and old requests are written long before (or after)
  the objects that point at them.

The heap is built to about N objects (default 7,500,000; a unit of
traffic is about UNIT_OBJECTS of them, on top of BASE_OBJECTS); the
dump's own count is printed.
Deterministic for a seed, apart from addresses.
"""

import argparse
import asyncio
import collections
import random
import sys
import time

import heapscope

# Objects in the dump: the interpreter, asyncio and the 5,000 sessions,
# then each served request with its share of the indexes (3.11, measured).
BASE_OBJECTS = 86000
UNIT_OBJECTS = 26.7

METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH"]
AGENTS = [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "like Gecko"',
    "curl/7.88.1",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edge\\118",
]
WORDS = ["café", "naïve", "中文", "日本語", "données", "Grüße", "🎉",
         "emoji 😀 ok", "plain", "ascii", "path\\to\\file", 'say "hi"',
         "tab\tsep", "two\nlines", "slash/ok", "<tag>&amp;", "Ünïcode"]


class Session:
    """A logged-in client: slotted, and some slots are never set."""
    __slots__ = ("user", "token", "roles", "expires", "csrf", "extra")

    def __init__(self, rng, i):
        self.user = "user-%d@example.com" % i
        self.token = "%032x" % rng.getrandbits(128)
        self.roles = ("reader", "writer") if i % 3 else ("reader",)
        self.expires = time.time() + rng.random() * 3600.0
        if i % 4 == 0:
            self.csrf = b"%016x" % rng.getrandbits(64)


class Request:
    def __init__(self, rid, method, path, headers, query, body, session):
        self.id = rid
        self.method = method
        self.path = path
        self.headers = headers
        self.query = query
        self.body = body
        self.session = session
        self.received = time.time()


class Response:
    def __init__(self, status, headers, chunks):
        self.status = status
        self.headers = headers
        self.chunks = chunks


class Service:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.sessions = {}
        self.access_log = []            # huge list: one line of MBs
        self.by_id = {}                 # huge dict: key, value refs
        self.pages = collections.OrderedDict()   # the LRU
        self.rate = collections.Counter()
        self.errors = collections.deque(maxlen=5000)
        self.connections = []

    def raw_request(self, i):
        """What arrives on the socket: bytes with escapes and UTF-8."""
        rng = self.rng
        word = rng.choice(WORDS)
        path = "/api/v%d/items/%d/%s" % (rng.randint(1, 3), i, word)
        lines = ["%s %s HTTP/1.1" % (rng.choice(METHODS), path),
                 "Host: svc-%d.internal" % rng.randint(0, 40),
                 "User-Agent: %s" % rng.choice(AGENTS),
                 "Accept: application/json; q=\"0.9\"",
                 "X-Request-Id: %d-%08x" % (i, rng.getrandbits(32)),
                 "X-Client: %s" % rng.choice(WORDS)]
        for k in range(rng.randint(0, 4)):
            lines.append("X-Extra-%d: %s %d" % (k, rng.choice(WORDS), k))
        body = b""
        if rng.random() < 0.4:
            body = ('{"name": "%s", "n": %d}' % (word, i)).encode()
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def parse(self, i, raw):
        head, _, body = raw.partition(b"\r\n\r\n")
        first, *rest = head.decode().split("\r\n")
        method, rest_ = first.split(" ", 1)
        target = rest_.rsplit(" ", 1)[0]
        headers = {}
        for line in rest:
            k, _, v = line.partition(": ")
            headers[sys.intern(k.lower())] = v
        query = [self.rng.choice(WORDS) + str(k)
                 for k in range(self.rng.choice((0, 0, 1, 2, 3, 5, 9, 17)))]
        client = i % 5000
        session = self.sessions.get(client)
        if session is None:
            session = self.sessions[client] = Session(self.rng, client)
        return Request(10**12 + i, sys.intern(method), target, headers,
                       query, body or None, session)

    async def handle(self, req):
        await asyncio.sleep(0)
        self.rate[req.session.user] += 1
        status = 200 if self.rng.random() > 0.02 else 500
        text = "item %s\nserved by %s\t\"ok\"" % (req.path, req.headers["host"])
        chunks = [text.encode()]
        if req.body:
            chunks.append(req.body[::-1])
        resp = Response(status, {"content-type": "application/json",
                                 "x-took-ms": "%.3f" % self.rng.random()},
                        chunks)
        if status != 200:
            self.errors.append((req.id, "boom \\ %r" % req.path))
        key = req.path.rsplit("/", 1)[0]
        self.pages[key] = resp
        if len(self.pages) > 60000:
            self.pages.popitem(last=False)
        return resp

    async def serve(self, units):
        batch = 2000
        for start in range(0, units, batch):
            reqs = [self.parse(i, self.raw_request(i))
                    for i in range(start, min(units, start + batch))]
            resps = await asyncio.gather(*(self.handle(r) for r in reqs))
            for req, resp in zip(reqs, resps):
                self.by_id[req.id] = (req, resp)
                self.access_log.append(req)
        # Keep-alive connections: tasks parked on futures at dump time.
        loop = asyncio.get_running_loop()
        for k in range(300):
            fut = loop.create_future()
            self.connections.append(
                (fut, asyncio.ensure_future(asyncio.wait_for(fut, 3600))))
        await asyncio.sleep(0)
        # Old requests shuffled into another index: refs far away.
        self.audit = self.access_log[:]
        self.rng.shuffle(self.audit)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--objects", type=int, default=7500000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    units = max(1, int((args.objects - BASE_OBJECTS) / UNIT_OBJECTS))
    service = Service(args.seed)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    start = time.time()
    loop.run_until_complete(service.serve(units))
    built = time.time() - start
    start = time.perf_counter()
    result = heapscope.dump(args.output)
    took = time.perf_counter() - start
    print("real_service: %d requests served in %.1f s; dumped %d objects,"
          " %d bytes in %.2f s (%.2f M objects/s)"
          % (units, built, result.objects, result.bytes, took,
             result.objects / took / 1e6), file=sys.stderr)
    # The parked tasks are never awaited: leave without their warnings.
    loop.close = lambda: None


if __name__ == "__main__":
    main()
