"""Leak: a cache in a class attribute, keyed by a value that never repeats.

Resolver._resolved is shared by every instance and keyed by the full
host name of each request, which includes a request id.
Culprit: dict at __main__.Resolver._resolved.

    python3 class_cache.py OUTDIR
"""
import churn


class Address:
    def __init__(self, host, ip):
        self.host = host
        self.ip = ip


class Resolver:
    _resolved = {}

    def resolve(self, host):
        addr = Resolver._resolved.get(host)
        if addr is None:
            addr = Resolver._resolved[host] = Address(host, "192.0.2.%d"
                                                      % (len(host) % 250))
        return addr


def step(i):
    if i % 5 == 0:
        Resolver().resolve("r%d.api.example.com" % i)


if __name__ == "__main__":
    churn.main(step)
