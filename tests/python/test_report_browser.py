"""`heapscope report` in a real browser: Debian's chromium, headless.

The report of a real leaking program's dumps (tests/data/log-leak) is
opened from disk and checked through the DevTools protocol, spoken over
--remote-debugging-pipe with Python's standard library only: the suspects
table, the growth chart, sorting by clicking a header (real mouse events),
and no error logged (script errors, CSP violations, failed loads). A
screenshot is saved to tests/artifacts/report.png. What keeps an object
alive (its retainers view: paths from a root and dominators), opened
from a suspect's button and from the zoomed map box's button, is checked
the same way, with a screenshot in tests/artifacts/report-retainers.png.

Then a hostile report: dumps whose str values, type names, dict keys,
file name and title are `<script>alert(1)</script>` and
`"><img src=x onerror=alert(2)>` must run no script and inject no
element, both as written and with its Content-Security-Policy removed (so
that escaping alone is tested, not only the CSP behind it).

Chromium comes from scripts/deps.sh; the test skips, saying why, only
when it is missing and cannot be installed.
"""

import base64
import hashlib
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN",
                           os.path.join(ROOT, "build", "bin", "heapscope"))
LOG_LEAK = [os.path.join(ROOT, "tests", "data", "log-leak",
                         "memory-%d.json.gz" % t) for t in (200, 400, 600)]
ARTIFACTS = os.path.join(ROOT, "tests", "artifacts")

EVIL = ["<script>alert(1)</script>", '"><img src=x onerror=alert(2)>']


def find_chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def chromium():
    path = find_chromium()
    if not path:
        proc = subprocess.run(["sh", os.path.join(ROOT, "scripts", "deps.sh")],
                              capture_output=True, text=True, timeout=1800)
        path = find_chromium()
        if not path:
            pytest.skip("chromium is not installed and scripts/deps.sh could "
                        "not install it (exit %d): %s"
                        % (proc.returncode, proc.stderr.strip()[-300:]))
    return path


class Browser:
    """Headless chromium driven over --remote-debugging-pipe: messages
    are JSON, each ended by a NUL byte, on fds 3 (to chromium) and 4
    (from chromium)."""

    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="hs-chromium-")
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()
        # Move the child's ends above 4 so that dup2 cannot clobber them.
        hi_r = os.dup(to_r) if to_r <= 4 else to_r
        hi_w = os.dup(from_w) if from_w <= 4 else from_w

        def child_fds():
            # dup2 leaves 3 and 4 inheritable; Python's own fds are
            # close-on-exec, so close_fds=False passes exactly these.
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-dev-shm-usage",
             "--user-data-dir=" + self.profile, "--remote-debugging-pipe",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=child_fds,
            close_fds=False)
        for fd in {to_r, from_w, hi_r, hi_w}:
            os.close(fd)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def close(self):
        try:
            self.send("Browser.close", session=False, wait=False)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_w)
        os.close(self.from_r)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer")
            ready, _, _ = select.select([self.from_r], [], [], left)
            if ready:
                chunk = os.read(self.from_r, 1 << 16)
                if not chunk:
                    raise EOFError("chromium closed the pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=True, wait=True,
             timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        if not wait:
            return None
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self._event(reply)

    def _event(self, msg):
        self.events.append(msg)
        if msg.get("method") == "Page.javascriptDialogOpening":
            # Dismiss it, or the page would hang; the test fails on it.
            self.send("Page.handleJavaScriptDialog", {"accept": False},
                      wait=False)

    def wait_event(self, method, timeout=30):
        deadline = time.monotonic() + timeout
        for msg in self.events:
            if msg.get("method") == method:
                return msg
        while True:
            msg = self._read_message(deadline)
            self._event(msg)
            if msg.get("method") == method:
                return msg

    def open_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"},
                           session=False)["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(domain + ".enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 1000, "deviceScaleFactor": 1,
                   "mobile": False})

    def navigate(self, path):
        self.events = []
        self.send("Page.navigate", {"url": "file://" + path})
        self.wait_event("Page.loadEventFired")
        # Let timers and late errors land.
        self.evaluate("new Promise(r => setTimeout(r, 200))", wait=True)

    def evaluate(self, expr, wait=False):
        res = self.send("Runtime.evaluate",
                        {"expression": expr, "returnByValue": True,
                         "awaitPromise": wait})
        if "exceptionDetails" in res:
            raise RuntimeError("%s: %s" % (expr, res["exceptionDetails"]))
        return res["result"].get("value")

    def click(self, selector):
        rect = self.evaluate(
            "(() => { const e = document.querySelector(%s);"
            " e.scrollIntoView(); const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
            % json.dumps(selector))
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent",
                      {"type": kind, "x": rect[0], "y": rect[1],
                       "button": "left", "clickCount": 1})

    def problems(self):
        """Errors logged, exceptions thrown and dialogs opened so far."""
        out = []
        for msg in self.events:
            method, params = msg.get("method"), msg.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(("exception", params["exceptionDetails"]))
            elif method == "Runtime.consoleAPICalled" and \
                    params.get("type") in ("error", "warning", "assert"):
                out.append(("console", params["args"]))
            elif method == "Log.entryAdded" and \
                    params["entry"]["level"] in ("error", "warning"):
                out.append(("log", params["entry"]["text"]))
            elif method == "Page.javascriptDialogOpening":
                out.append(("dialog", params.get("message")))
        return out

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


@pytest.fixture(scope="module")
def browser(chromium):
    b = Browser(chromium)
    try:
        b.open_page()
        yield b
    finally:
        b.close()


def report(out, *dumps, title=None):
    args = [HEAPSCOPE, "report", "-o", out] + list(dumps)
    if title:
        args += ["--title", title]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return out


def test_script_hash_matches_csp(tmp_path):
    page = open(report(str(tmp_path / "r.html"), *LOG_LEAK)).read()
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(
        hashlib.sha256(scripts[0].encode()).digest()).decode()
    csp = re.search(r"script-src 'sha256-([^']+)'", page).group(1)
    assert csp == digest, ("update hs_report_script_sha256 in "
                           "lib/export/hs_report_assets.c to \"%s\"" % digest)
    # No network: nothing is fetched from anywhere.
    assert not re.search(r"(src|href)=\"(https?:)?//", page)


def test_many_dumps_compare_first_second_last(tmp_path):
    # Past 8 dumps the leak finder compares the first, the second and the
    # last (the others are only counted for the chart): the same culprit,
    # its series numbered by the dumps' places in the run.
    dumps = LOG_LEAK[:1] + LOG_LEAK[1:2] * 7 + LOG_LEAK[2:]
    page = open(report(str(tmp_path / "many.html"), *dumps)).read()
    suspects = page[page.index('id="suspects-table"'):
                    page.index('id="retainers"')]
    first = suspects[suspects.index("<tbody>"):].split("</tr>")[0]
    assert "collections.deque<br>" in first
    assert re.findall(r'<li value="(\d+)">', first) == ["1", "2", "9"]
    assert page.count("<th class=\"n\">t = ") == 2   # chart table: 9 dumps


def column(browser, table, col):
    return browser.evaluate(
        "Array.from(document.querySelectorAll('#%s tbody tr'))"
        ".map(r => Number(r.cells[%d].getAttribute('data-v')))"
        % (table, col))


def test_leak_report(browser, tmp_path):
    path = report(str(tmp_path / "leak.html"), *LOG_LEAK)
    browser.navigate(path)
    ev = browser.evaluate
    assert ev("document.title") == "heapscope report"
    # The suspects (hs_leaks): the culprit first, the log observer's
    # history deque, with its path, signature, growth and a sample.
    rows = ev("Array.from(document.querySelectorAll('#suspects-table tbody "
              "tr')).map(r => Array.from(r.cells).map(c => c.innerText))")
    first = rows[0]
    assert first[1].split()[:2] == ["collections.deque", "139862182498352"]
    assert first[7].startswith("__main__.observer.history")
    assert "signature: module __main__.observer -> LogObserver.history -> " \
        "collections.deque -> dict" in first[7]
    assert int(ev("document.querySelector('#suspects-table tbody tr')"
                  ".cells[4].getAttribute('data-v')")) > 0
    assert len(first[5].split("\n")) == 3        # retained in each dump
    assert "dict" in first[6] and "str" in first[6]
    assert "'log_text': 'request " in first[8]
    assert first[9].startswith("grows at every dump")
    assert "+600 objects" in first[9]
    # The top retainers of the last dump, sortable like the rest.
    retained = column(browser, "retainers-table", 3)
    assert len(retained) == 30 and retained == sorted(retained, reverse=True)
    assert "collections.deque" in ev(
        "Array.from(document.querySelectorAll('#retainers-table tbody tr'))"
        ".map(r => r.cells[0].textContent).join(' ')")
    browser.click("#retainers-table th:nth-child(4)")
    browser.click("#retainers-table th:nth-child(4)")
    assert column(browser, "retainers-table", 3) == sorted(retained)
    assert ev("document.querySelector('#retainers-table th:nth-child(4)')"
              ".getAttribute('aria-sort')") == "ascending"
    browser.click("#retainers-table th:nth-child(4)")
    assert column(browser, "retainers-table", 3) == retained
    # The chart: inline SVG with one line per type.
    assert ev("document.querySelectorAll('#growth-chart svg polyline')"
              ".length") >= 3
    assert ev("document.querySelector('#growth-chart svg').getBBox()"
              ".width") > 100
    # A path opens when clicked; its steps name each edge.
    assert ev("document.querySelector('#suspects-table details').open") \
        is False
    browser.click("#suspects-table details summary")
    assert ev("document.querySelector('#suspects-table details').open") \
        is True
    steps = ev("Array.from(document.querySelectorAll('#suspects-table "
               "details li .label')).map(e => e.textContent)")
    assert steps[:2] == [".observer", ".history"]
    # Sorting the summary by a header click: bytes descending (the page's
    # order), then objects descending, then ascending.
    browser.click("#summary-table th:nth-child(2)")
    counts = column(browser, "summary-table", 1)
    assert counts == sorted(counts, reverse=True) and len(counts) == 30
    assert ev("document.querySelector('#summary-table th:nth-child(2)')"
              ".getAttribute('aria-sort')") == "descending"
    browser.click("#summary-table th:nth-child(2)")
    assert column(browser, "summary-table", 1) == sorted(counts)
    # Text columns sort ascending first.
    browser.click("#diff-table th:nth-child(1)")
    types = ev("Array.from(document.querySelectorAll('#diff-table tbody "
               "tr')).map(r => r.cells[0].textContent.toLowerCase())")
    assert types == sorted(types)
    assert browser.problems() == []
    # The screenshot, from the top, with the first path open.
    ev("window.scrollTo(0, 0)")
    browser.screenshot(os.path.join(ARTIFACTS, "report.png"))


SITES_LEAK = [os.path.join(ROOT, "tests", "data", "sites-leak",
                           "dump-%d.json.gz" % n) for n in (1, 2, 3)]


MAP_BOX = re.compile(
    r'<g class="box ([^"]*)" tabindex="0" data-i="(\d+)" data-p="(-?\d+)" '
    r'data-d="(\d+)" data-x0="(\d+)" data-x1="(\d+)" data-r="(\d+)" '
    r'data-l="([^"]*)">')


def map_boxes(page):
    return [dict(cls=m[0].split(), i=int(m[1]), p=int(m[2]), d=int(m[3]),
                 x0=int(m[4]), x1=int(m[5]), r=int(m[6]), label=m[7])
            for m in MAP_BOX.findall(page)]


def test_memory_map_layout(tmp_path):
    # The map as written: every box inside its parent's extent, one row
    # below it, siblings side by side, and as wide as its retained share
    # of the heap (rounded to a millionth). The heap is the first row's
    # retained sizes plus what is merged or too small to draw, so the
    # widths are checked against each other: retained bytes per
    # millionth agree across the boxes.
    page = open(report(str(tmp_path / "map.html"), *LOG_LEAK)).read()
    boxes = map_boxes(page)
    assert 20 <= len(boxes) <= 3000
    by_index = {b["i"]: b for b in boxes}
    assert [b["i"] for b in boxes] == list(range(len(boxes)))
    per_ppm = [b["r"] / (b["x1"] - b["x0"]) for b in boxes
               if b["x1"] - b["x0"] >= 1000]
    assert max(per_ppm) / min(per_ppm) < 1.01
    ends = {}
    for b in boxes:
        assert b["x0"] < b["x1"] <= 1000000
        parent = by_index.get(b["p"])
        if parent is None:
            assert b["p"] == -1 and b["d"] == 0
        else:
            assert b["d"] == parent["d"] + 1
            assert parent["x0"] <= b["x0"] and b["x1"] <= parent["x1"]
            assert b["r"] <= parent["r"]
        assert b["x0"] >= ends.get(b["p"], 0)   # no overlap, left to right
        ends[b["p"]] = b["x1"]
    # Coloured by growth since the first dump, the culprit outlined.
    suspect = [b for b in boxes if "suspect" in b["cls"]]
    assert suspect and suspect[0]["label"] == "collections.deque .history"
    assert suspect[0]["cls"][0] in ("gnew", "gup3", "gup2", "gup1")
    assert any("gflat" in b["cls"] for b in boxes)
    assert 'class="legend"' in page
    # One dump: no colours to give, no legend claiming any.
    one = open(report(str(tmp_path / "one.html"), LOG_LEAK[-1])).read()
    assert 'class="legend"' not in one
    assert {b["cls"][0] for b in map_boxes(one)} <= {"plain", "gmerged"}


def test_memory_map_zoom(browser, tmp_path):
    path = report(str(tmp_path / "zoom.html"), *LOG_LEAK)
    browser.navigate(path)
    ev = browser.evaluate
    total = ev("document.querySelectorAll('#map-svg g.box').length")
    assert total > 20
    assert ev("Array.from(document.querySelectorAll('#map-crumbs button'))"
              ".map(b => b.textContent)") == ["whole heap"]
    # A real click on the culprit's box: it fills the width, only it and
    # what it retains stay drawn, its ancestors become the breadcrumb.
    browser.click("#map-svg g.suspect")
    focus = ev("document.getElementById('map-svg').getAttribute("
               "'data-focus')")
    assert focus == ev("document.querySelector('#map-svg g.suspect')"
                       ".getAttribute('data-i')")
    assert ev("Array.from(document.querySelectorAll('#map-crumbs button'))"
              ".map(b => b.textContent)") == [
        "whole heap", "module __main__", "LogObserver .observer",
        "collections.deque .history"]
    width = ev("Number(document.querySelector('#map-svg g.suspect rect')"
               ".getAttribute('width'))")
    assert width > 990
    shown = ev("Array.from(document.querySelectorAll('#map-svg g.box'))"
               ".filter(g => g.style.display !== 'none').length")
    assert 1 <= shown < total
    label = ev("document.querySelector('#map-svg g.suspect text')"
               ".textContent")
    assert label == "collections.deque .history"
    # Back to the whole heap from the breadcrumb.
    browser.click("#map-crumbs button")
    assert ev("document.getElementById('map-svg').getAttribute("
              "'data-focus')") == "-1"
    assert ev("Array.from(document.querySelectorAll('#map-svg g.box'))"
              ".filter(g => g.style.display !== 'none').length") == total
    assert browser.problems() == []


def alive_text(browser, selector):
    return browser.evaluate(
        "Array.from(document.querySelectorAll('#alive-body %s'))"
        ".map(e => e.innerText)" % selector)


def test_retainers_view_of_suspect(browser, tmp_path):
    """A suspect's button opens what keeps its owner alive: the shortest
    paths from a root (as `heapscope path`), step by step, and the chain
    of dominators (as `heapscope dominators`) as nested <details>."""
    path = report(str(tmp_path / "alive.html"), *LOG_LEAK)
    browser.navigate(path)
    ev = browser.evaluate
    assert ev("document.getElementById('alive-dialog').open") is False
    browser.click("#suspects-table button.alive-open")
    assert ev("document.getElementById('alive-dialog').open") is True
    what = alive_text(browser, ".alive-what")
    assert len(what) == 1 and what[0].startswith(
        "collections.deque 139862182498352 retains ")
    # The paths: the first open, named like `heapscope path`'s.
    summaries = alive_text(browser, ".alive-paths summary")
    assert summaries[0] == "__main__.observer.history"
    assert 1 <= len(summaries) <= 3
    steps = ev("Array.from(document.querySelectorAll('#alive-body "
               ".alive-paths details[open] li .label'))"
               ".map(e => e.textContent)")
    assert steps == [".observer", ".history"]
    assert "at most 3" in ev("document.getElementById('alive-dialog')"
                             ".innerText")
    # The dominators, root outermost, each nested in the one above.
    chain = alive_text(browser, ".dom-tree summary")
    assert chain[0].startswith("root (module) module(139862182970288")
    assert "'__main__'" in chain[0]
    assert chain[1].startswith(".observer LogObserver(139862180965968")
    leaf = ev("document.querySelector('#alive-body .dom-tree details "
              "details .dom-leaf').innerText")
    assert leaf.startswith(".history collections.deque(139862182498352")
    assert "retains 228,055 B" in leaf
    # A dominator folds like any <details>.
    browser.click("#alive-body .dom-tree summary")
    assert ev("document.querySelector('#alive-body .dom-tree details')"
              ".open") is False
    browser.click("#alive-close")
    assert ev("document.getElementById('alive-dialog').open") is False
    assert browser.problems() == []


def test_retainers_view_of_map_box(browser, tmp_path):
    path = report(str(tmp_path / "alive-map.html"), *LOG_LEAK)
    page = open(path).read()
    boxes = map_boxes(page)
    # Every box that is an object has a view on this small dump.
    views = set(int(b) for b in re.findall(
        r'<div class="alive" data-k="\d+" data-b="(\d+)"', page))
    assert views == {b["i"] for b in boxes if "gmerged" not in b["cls"]}
    assert 'id="alive-cut"' not in page
    browser.navigate(path)
    ev = browser.evaluate
    assert ev("document.getElementById('map-alive').hidden") is True
    # Zoom into the culprit's box: its button names it, and opens its view.
    browser.click("#map-svg g.suspect")
    assert ev("document.getElementById('map-alive').hidden") is False
    assert ev("document.getElementById('map-alive').textContent") == \
        "What keeps collections.deque .history alive?"
    browser.click("#map-alive")
    assert ev("document.getElementById('alive-dialog').open") is True
    assert alive_text(browser, ".alive-paths summary")[0] == \
        "__main__.observer.history"
    assert len(alive_text(browser, ".dom-tree summary")) == 2
    # The screenshot of the zoomed map with the view open (README).
    ev("document.getElementById('map').scrollIntoView()")
    browser.screenshot(os.path.join(ARTIFACTS, "report-retainers.png"))
    browser.click("#alive-close")
    # The zoom still works under the button: back to the whole heap.
    browser.click("#map-crumbs button")
    assert ev("document.getElementById('map-svg').getAttribute("
              "'data-focus')") == "-1"
    assert ev("document.getElementById('map-alive').hidden") is True
    # A root's box: it is a root itself, its chain is itself.
    browser.click('#map-svg g.box[data-i="0"]')
    browser.click("#map-alive")
    assert alive_text(browser, ".alive h3 + p")[0].startswith(
        "It is a root itself (module)")
    assert alive_text(browser, ".dom-tree .dom-leaf")[0].startswith(
        "root (module) module(")
    browser.click("#alive-close")
    # A box of merged smaller objects has no button.
    merged = [b for b in boxes if "gmerged" in b["cls"]]
    browser.click('#map-crumbs button')
    browser.click('#map-svg g.box[data-i="%d"]' % merged[0]["i"])
    assert ev("document.getElementById('map-alive').hidden") is True
    assert browser.problems() == []


def test_retainers_budget(browser, tmp_path):
    """A map of 3,000 boxes (300 chains of 13 objects, each chain 1/300
    of the heap): the boxes' views stop at their budget, rows from the
    top, the page says how many boxes have one, stays under 2 MB, and a
    box without a view says so instead of opening an empty one."""
    dump = str(tmp_path / "wide.json")
    addr = iter(range(4096, 1 << 40, 16))
    with open(dump, "w") as f:
        for i in range(300):
            ids = [next(addr) for _ in range(13)]
            for k, a in enumerate(ids):
                refs = ids[k + 1:k + 2]
                f.write(json.dumps({"address": a, "type": "list",
                                    "size": 10000 if k == 12 else 64,
                                    "len": len(refs), "refs": refs}) + "\n")
    path = report(str(tmp_path / "wide.html"), dump)
    page = open(path).read()
    assert len(page.encode()) < 2 * 1024 * 1024
    boxes = map_boxes(page)
    assert len(boxes) >= 3000
    kept = set(int(b) for b in re.findall(r'data-b="(\d+)"', page))
    objects = [b for b in boxes if "gmerged" not in b["cls"]]
    note = re.search(r'id="alive-cut">The page keeps what keeps the map\'s '
                     r'boxes alive up to 640 KiB, rows from the top: (\d+) '
                     r'of the (\d+) boxes of objects have it', page)
    assert note and int(note[1]) == len(kept) and int(note[2]) == len(objects)
    assert 0 < len(kept) < len(objects)
    # Rows from the top: no box without a view is above one with a view.
    depth = {b["i"]: b["d"] for b in boxes}
    assert max(depth[i] for i in kept) <= min(
        b["d"] for b in objects if b["i"] not in kept)
    browser.navigate(path)
    ev = browser.evaluate
    without = max(b["i"] for b in objects if b["i"] not in kept)
    ev("document.querySelector('#map-svg g.box[data-i=\"%d\"]')"
       ".dispatchEvent(new MouseEvent('click'))" % without)
    assert ev("document.getElementById('map-alive').disabled") is True
    assert "is not in this page" in ev(
        "document.getElementById('map-alive').textContent")
    with_view = min(kept)
    ev("document.querySelector('#map-svg g.box[data-i=\"%d\"]')"
       ".dispatchEvent(new MouseEvent('click'))" % with_view)
    browser.click("#map-alive")
    assert ev("document.getElementById('alive-dialog').open") is True
    browser.click("#alive-close")
    assert browser.problems() == []


def test_leak_report_sites(browser, tmp_path):
    """Dumps with allocation sites (tracemalloc on): a suspect's cell
    "made of" names the line that allocated its new objects."""
    path = report(str(tmp_path / "sites.html"), *SITES_LEAK)
    browser.navigate(path)
    first = browser.evaluate(
        "Array.from(document.querySelector('#suspects-table tbody tr')"
        ".cells).map(c => c.innerText)")
    made = first[6].split("\n")
    at = made.index("allocated at:")
    assert made[at + 1] == ("/tmp/sites-leak/leak.py:18: 300 objects "
                            "(55,200 B), 86 %")
    assert "@ leak.py:18" in first[7]


def write_dump(path, n, t):
    """A dump whose every string is hostile: n objects of each evil
    type, each with an evil key and value, held from __main__ through a
    dict keyed by evil text."""
    lines = ['{"heapscope_dump": 1, "python": "3.12.1", "pointer_size": 8, '
             '"time": %d, "pid": 1}' % t]
    addr = iter(range(4096, 1 << 40, 64))
    rec = []

    def add(type_, refs=(), value=None, name=None, size=64):
        a = next(addr)
        r = {"address": a, "type": type_, "size": size, "refs": list(refs)}
        if value is not None:
            r["value"] = value
            r["len"] = len(value)
        if name is not None:
            r["name"] = name
        rec.append(r)
        return a

    held = []
    for evil in EVIL:
        for i in range(n):
            k = add("str", value=EVIL[1 - EVIL.index(evil)])
            v = add("str", value=evil + " %d" % i)
            d = add("dict", refs=[k, v])
            held.append(add(evil, refs=[d]))
    lst = add("list", refs=held)
    keys = [add("str", value=e) for e in EVIL]
    main_dict = add("dict", refs=[keys[0], lst, keys[1], keys[1]])
    add("module", refs=[main_dict], name="__main__")
    with open(path, "w") as f:
        f.write("\n".join(lines + [json.dumps(r) for r in rec]) + "\n")


EVIL_CHECK = """(() => {
  const bad = [];
  if (document.scripts.length !== 1) bad.push('scripts: ' + document.scripts.length);
  if (document.querySelector('img')) bad.push('an img element');
  if (document.querySelector('[onerror]')) bad.push('an onerror attribute');
  if (window.__pwned) bad.push('pwned');
  return bad;
})()"""


def test_hostile_dump_runs_no_script(browser, tmp_path):
    dumps = []
    for i, n in enumerate((1, 2, 3)):
        name = 'x<img src=x onerror=alert(4)>"-%d.json' % (i + 1)
        dumps.append(str(tmp_path / name))
        write_dump(dumps[-1], n, 1000 + 100 * i)
    path = report(str(tmp_path / "evil.html"), *dumps,
                  title="<script>alert(3)</script>")
    page = open(path).read()
    text = page.replace("&lt;script&gt;", "")
    assert "<script>alert" not in text and "<img" not in text
    # With its CSP, and with the CSP cut out: escaping alone must hold.
    bare = str(tmp_path / "evil-no-csp.html")
    with open(bare, "w") as f:
        f.write(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>',
                       "", page))
    for p in (path, bare):
        browser.navigate(p)
        assert browser.evaluate(EVIL_CHECK) == []
        assert browser.evaluate("document.title") == EVIL[0].replace(
            "1", "3")
        # The evil strings show as text: types, keys and values.
        body = browser.evaluate("document.body.innerText")
        for evil in EVIL:
            assert evil in body
        assert browser.evaluate(
            "document.querySelectorAll('#suspects-table tbody tr').length") \
            >= 1
        assert browser.evaluate(
            "document.querySelectorAll('#retainers-table tbody tr').length") \
            >= 1
        # The retainers views of a suspect and of a map box: the evil
        # types and keys show as text in the paths and the dominators.
        browser.click("#suspects-table button.alive-open")
        assert browser.evaluate(
            "document.getElementById('alive-dialog').open") is True
        view = browser.evaluate(
            "document.getElementById('alive-body').innerText")
        assert any(evil in view for evil in EVIL)
        assert "__main__[" in view
        browser.click("#alive-close")
        browser.click("#map-svg g.suspect")
        assert any(evil in browser.evaluate(
            "document.getElementById('map-alive').textContent")
            for evil in EVIL)
        browser.click("#map-alive")
        assert browser.evaluate(
            "document.getElementById('alive-dialog').open") is True
        assert browser.evaluate(EVIL_CHECK) == []
        browser.click("#alive-close")
        assert browser.problems() == []
