"""requests: a transport adapter mounted on the shared Session per call.

Reproduces gardener/cc-utils#105 ("deduplicate mounting of adapters to
request.Session", https://github.com/gardener/cc-utils/pull/105) and
WeblateOrg/wlc#1683 (https://github.com/WeblateOrg/wlc/pull/1683: stop
"updating the session adapter mapping for every API call"): API calls
(one in four here) mount a new HTTPAdapter (with its urllib3 PoolManager)
for a prefix derived from the request URL, so Session.adapters grows by
one adapter per distinct URL. Real HTTP requests to a local http.server.

Churn that outweighs it: real responses (per-request garbage) and a
response cache at capacity with bodies of varying size.

Culprit: collections.OrderedDict at session.adapters
"""
import http.server
import threading

import requests
from requests.adapters import HTTPAdapter

import scenario

EXPECT = [("collections.OrderedDict", ".adapters")]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        n = int(self.path.rsplit("/", 1)[1])
        pad = b"x" * (500 + n * 53 % 3000)
        body = b"{\"n\": %d, \"pad\": \"%s\"}" % (n, pad)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
BASE = "http://127.0.0.1:%d" % server.server_address[1]

session = requests.Session()
bodies = scenario.SizedLRU(1000)


def step(i):
    url = "%s/projects/%d/units/%d" % (BASE, i % 400, i)
    if i % 4 == 0:
        # The bug: an adapter mounted for this URL's prefix on every call.
        session.mount(url.rsplit("/", 1)[0] + "/%d/" % i,
                      HTTPAdapter(max_retries=3))
    response = session.get(url)
    bodies.put(url, response.content)
    response.close()


def culprits():
    return [session.adapters]


if __name__ == "__main__":
    scenario.main(step, culprits)
