"""SQLAlchemy: event listeners added to a long-lived Engine per request.

Reproduces DataDog/dd-trace-py#18361 ("avoid duplicate engine
listeners", https://github.com/DataDog/dd-trace-py/pull/18361) and
open-telemetry/opentelemetry-python-contrib#1761
(https://github.com/open-telemetry/opentelemetry-python-contrib/issues/1761):
each call creates a new tracer object whose bound methods are registered
with `sqlalchemy.event.listen` on the same engine and never removed, so
the engine's listener collection keeps every tracer (and what it holds).

Churn that outweighs it: SQLAlchemy's own compiled cache (an LRUCache of
500 entries that overflows to 750 and is then pruned in a burst, a
sawtooth of large Compiled objects: the requests run 3330 distinct SQL
texts), an ORM Session per request with its loaded instances, and the
application's LRU of rendered pages at capacity (entries of varying
size, that outlive a dump).

Culprit: collections.deque at engine.dispatch.before_cursor_execute.listeners
"""
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, declarative_base

import scenario

EXPECT = [("collections.deque", ".listeners")]

Base = declarative_base()


class Item(Base):
    __tablename__ = "items"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(40))
    price = sa.Column(sa.Integer)


engine = scenario.sqlite_engine(
    Base, [Item(id=k, name="item %d" % k, price=k * 3)
           for k in range(1, 400)])


class QueryTracer:
    """What the tracing integration creates on every trace_engine()."""

    def __init__(self, service, n):
        self.service = service
        self.tags = {"db.system": "sqlite", "request": n}
        self.calls = 0
        event.listen(engine, "before_cursor_execute", self.before)

    def before(self, conn, cursor, statement, params, context, many):
        self.calls += 1


# The application's cache of rendered pages: at capacity, varying sizes.
page_cache = scenario.SizedLRU(900)


def step(i):
    # The bug: a tracer per request on the shared engine.
    if i % 3 == 0:
        QueryTracer("svc-%d" % (i % 5), i)
    with Session(engine) as s:
        # A distinct SQL text per request: a new compiled-cache entry.
        rows = s.execute(sa.text(
            "SELECT id, name, price FROM items WHERE id > %d "
            "ORDER BY id LIMIT 25 OFFSET %d" % (i % 370, i % 9))).fetchall()
        items = s.query(Item).filter(Item.price > (i % 50)).limit(20).all()
        page = [(r.id, r.name, scenario.blob(i, 20, 120)) for r in rows]
        page_cache.put("/items?page=%d" % i, page)
        del items


def culprits():
    return [engine.dispatch.before_cursor_execute.listeners]


if __name__ == "__main__":
    scenario.main(step, culprits)
