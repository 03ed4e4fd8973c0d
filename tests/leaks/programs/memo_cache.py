"""Leak: a memo cache keyed by request id, never evicted.

A pricing service memoizes quotes per request in a dict on the service
object; every request id is new, so every quote stays.
Culprit: dict at __main__.service._quotes.

    python3 memo_cache.py OUTDIR
"""
import churn


class Quote:
    def __init__(self, sku, price):
        self.sku = sku
        self.price = price
        self.currency = "EUR"


class PricingService:
    def __init__(self):
        self._quotes = {}

    def quote(self, request_id, sku):
        q = self._quotes.get(request_id)
        if q is None:
            q = self._quotes[request_id] = Quote(sku, 9.5 + len(sku))
        return q


service = PricingService()


def step(i):
    if i % 5 == 0:
        service.quote("req-%06d" % i, "sku-%d" % (i % 97))


if __name__ == "__main__":
    churn.main(step)
