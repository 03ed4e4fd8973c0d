"""aiohttp: a long-lived ClientSession's CookieJar keeps every cookie.

Reproduces aio-libs/aiohttp#1061 ("Cookie expiration timers keep piling
up", https://github.com/aio-libs/aiohttp/issues/1061) and the growth of
aio-libs/aiohttp#11052 ("Possible memory leak in the CookieJar",
https://github.com/aio-libs/aiohttp/issues/11052): the service answers
every request with a cookie of its own name and path and a day-long
Max-Age (so that it is not sent back on the next requests), and
the client's one shared session stores each in its CookieJar (the
cookies and their expirations) for a day. A real aiohttp server and
client on 127.0.0.1, in one event loop.

Churn that outweighs it: real requests and responses (per-request
garbage: messages, payloads, futures), a cache of response bodies at
capacity whose entries differ in size, and tasks in flight.

Culprit: collections.defaultdict at session.cookie_jar._cookies (one
SimpleCookie per (domain, path) in aiohttp 3.8)
"""
import asyncio

import aiohttp
from aiohttp import web

import scenario

EXPECT = [("collections.defaultdict", "['_cookies']")]

bodies = scenario.SizedLRU(1000)


async def track(request):
    n = int(request.match_info["n"])
    response = web.Response(
        text="item %d %s" % (n, "#" * (300 + n * 41 % 2500)))
    if n % 2 == 0:
        # A cookie per request, named after it, kept for a day.
        response.set_cookie("trk_%d" % n, "%08x" % (n * 2654435761 % 2 ** 32),
                            max_age=86400, path="/items/%d" % n)
    return response


async def start():
    app = web.Application()
    app.router.add_get("/items/{n}", track)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    # unsafe=True: the jar accepts cookies from an IP address host.
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    return runner, session, "http://127.0.0.1:%d" % port


loop = asyncio.new_event_loop()
runner, session, BASE = loop.run_until_complete(start())


async def fetch(i):
    async with session.get("%s/items/%d" % (BASE, i)) as response:
        bodies.put(i, await response.read())


def step(i):
    loop.run_until_complete(fetch(i))


async def stop():
    await session.close()
    await runner.cleanup()


def culprits():
    return [session.cookie_jar._cookies]


if __name__ == "__main__":
    scenario.main(step, culprits)
    loop.run_until_complete(stop())
