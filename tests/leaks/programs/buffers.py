"""Three leaks that add no object: buffers that only grow.

A connection's receive buffer (a bytearray) extended with every packet
and never trimmed; a request log kept as one str, replaced by a longer
copy at every line (`self.log += line`); latency samples appended to an
array.array. None of them holds a new object, so no new object piles up
anywhere: each buffer itself grows, by a different amount a request.
Culprits: bytearray at __main__.conn.rbuf, str at __main__.conn.log,
array.array at __main__.stats.samples (most bytes first).

    python3 buffers.py OUTDIR
"""
import array

import churn


class Conn:
    def __init__(self):
        self.rbuf = bytearray()
        self.log = ""


class Stats:
    def __init__(self):
        self.samples = array.array("d")


conn = Conn()
stats = Stats()


def step(i):
    conn.rbuf += b"packet %06d " % i + b"\x00" * 40
    conn.log += "GET /item/%d 200\n" % i
    stats.samples.append(i * 0.25)


if __name__ == "__main__":
    churn.main(step)
