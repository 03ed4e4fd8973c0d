"""Flask and blinker: a receiver connected to a signal on every request.

Reproduces the leak of pallets-eco/blinker#12 ("Fixed memory leaks",
https://github.com/pallets-eco/blinker/pull/12: a Signal's receiver
tables grow without bound) as Flask applications hit it: a view connects
a closure to `flask.request_finished` with `weak=False` (the form
DataDog/dd-trace-py#273, https://github.com/DataDog/dd-trace-py/pull/273,
switched to, so that the receiver is not collected) on every request and
never disconnects it, so the signal keeps every closure and the request
data it captured.

Churn that outweighs it: real requests through Flask's test client
(request contexts, responses, sessions: per-request garbage), templates
rendered by Jinja2, an application cache of rendered fragments pruned in
bursts (a sawtooth), and an access log re-created by slicing.

Culprit: dict at flask.signals.request_finished.receivers
"""
import flask

import scenario

EXPECT = [("dict", ".receivers")]

app = flask.Flask(__name__)
app.secret_key = "scenario"
fragments = scenario.SawtoothCache(limit=1200, keep=700)
access_log = scenario.SlicedHistory(700)

PAGE = ("<h1>{{ title }}</h1><ul>{% for r in rows %}<li>{{ r.name }}: "
        "{{ r.qty }}</li>{% endfor %}</ul>")


@app.route("/orders/<int:n>")
def orders(n):
    rows = [{"name": "part-%d" % k, "qty": k * n % 17} for k in range(12)]
    html = flask.render_template_string(PAGE, title="order %d" % n,
                                        rows=rows)
    fragments.put(n, html + "<!-- %s -->" % ("." * (n * 31 % 900)))
    flask.session["last"] = n
    if n % 2 == 0:
        # The bug: one receiver per request, held strongly, never removed.
        audit = {"order": n}

        def log_finished(sender, response, **extra):
            audit["status"] = response.status_code
        flask.request_finished.connect(log_finished, app, weak=False)
    return html


client = app.test_client()


def step(i):
    response = client.get("/orders/%d" % i)
    access_log.add(("GET", "/orders/%d" % i, response.status_code,
                    len(response.data)))
    response.close()


def culprits():
    return [flask.request_finished.receivers]


if __name__ == "__main__":
    scenario.main(step, culprits)
