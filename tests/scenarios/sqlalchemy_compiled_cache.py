"""SQLAlchemy: an unbounded dict given as an engine's compiled_cache.

Reproduces the setup of sqlalchemy/sqlalchemy#5002
(https://github.com/sqlalchemy/sqlalchemy/issues/5002: "my_cache = {};
create_engine(...).execution_options(compiled_cache=my_cache)") with the
statements of sqlalchemy/sqlalchemy#9506
(https://github.com/sqlalchemy/sqlalchemy/issues/9506: statements whose
cache keys never repeat make the cache take a new entry per execution):
a reporting engine is given a plain dict as its compiled cache, and each
report renders its threshold into the SQL, so the dict keeps one Compiled
statement per request, forever.

Churn that outweighs it: the same statements on the default engine,
whose compiled cache is SQLAlchemy's bounded LRUCache (500 entries, let
to overflow to 750 and then pruned in place: a sawtooth of the very same
kind of objects as the leak), an ORM Session per request, and an LRU of
report pages at capacity with entries of varying size.

Culprit: dict at reporting._execution_options['compiled_cache']
"""
import sqlalchemy as sa
from sqlalchemy.orm import Session, declarative_base

import scenario

EXPECT = [("dict", "['compiled_cache']")]

Base = declarative_base()


class Order(Base):
    __tablename__ = "orders"
    id = sa.Column(sa.Integer, primary_key=True)
    customer = sa.Column(sa.String(40))
    total = sa.Column(sa.Integer)


engine = scenario.sqlite_engine(
    Base, [Order(id=k, customer="c%d" % (k % 50), total=k * 7 % 900)
           for k in range(1, 500)])

# The bug: an unbounded cache for the reporting queries.
reporting = engine.execution_options(compiled_cache={})
pages = scenario.SizedLRU(1000)


def report(bind, i):
    # The threshold is rendered into the SQL (with the request number, as
    # an id would be): a new cache key each time.
    threshold = sa.literal_column("%d + 0 * %d" % (i % 800, i))
    query = (sa.select(Order.customer, sa.func.sum(Order.total))
             .where(Order.total > threshold)
             .group_by(Order.customer))
    with bind.connect() as conn:
        return conn.execute(query).fetchall()


def step(i):
    rows = report(engine, i + 1)  # bounded cache: churn
    if i % 6 == 0:
        rows = report(reporting, i)    # unbounded cache: the leak
    with Session(engine) as s:
        recent = s.query(Order).filter(Order.id > i % 400).limit(10).all()
        del recent
    pages.put(i, [(c, t, scenario.blob(i, 40, 400)) for c, t in rows[:15]])


def culprits():
    return [reporting._execution_options["compiled_cache"]]


if __name__ == "__main__":
    scenario.main(step, culprits)
