"""A receive buffer that is extended with every packet and never trimmed.

Reproduces ArduPilot/pymavlink#130 ("Memory leak in generated dialect
code", https://github.com/ArduPilot/pymavlink/issues/130): the generated
parser's `parse_char()` extends `self.buf` with each chunk and drops
what it has decoded only on the path where no complete message is
waiting; a link that always delivers whole messages never takes that
path, so the bytearray grows by every byte received. The pure-Python
msgpack Unpacker had the same shape (msgpack/msgpack-python#283,
https://github.com/msgpack/msgpack-python/issues/283). The parser below
follows pymavlink's logic on a small framing of its own (start byte,
length, payload, checksum), decoded with `struct`.

This leak adds no object: one bytearray grows in place, so nothing new
piles up under an owner; the finder must see the object itself grow.

Churn that outweighs it in new objects: the decoded messages of recent
packets (a history re-created by slicing), telemetry pages in a cache
pruned in bursts (a sawtooth), requests in flight, and a table of big
rows filled once after the first dump.

Culprit: the parser's buffer (a bytearray: `__main__.link.buf`).
"""
import struct
import zlib

import scenario

EXPECT = [("bytearray", ".buf")]

START = 0xFE


class Message:
    def __init__(self, seq, kind, payload):
        self.seq, self.kind, self.payload = seq, kind, payload


class Link:
    """pymavlink's MAVLink.parse_char, on a framing of its own."""

    def __init__(self):
        self.buf = bytearray()
        self.buf_index = 0
        self.received = 0

    def parse_char(self, data):
        self.buf.extend(data)
        self.received += len(data)
        m = self.parse_next()
        if m is not None:
            return m
        # Only here is the decoded part dropped: a link whose packets
        # always hold a whole message never gets here.
        if self.buf_index:
            del self.buf[:self.buf_index]
            self.buf_index = 0
        return None

    def parse_next(self):
        rest = len(self.buf) - self.buf_index
        if rest < 4 or self.buf[self.buf_index] != START:
            return None
        seq, kind, n = struct.unpack_from("<HBB", self.buf,
                                          self.buf_index + 1)
        end = self.buf_index + 5 + n + 4
        if len(self.buf) < end:
            return None
        payload = bytes(self.buf[self.buf_index + 5:end - 4])
        (crc,) = struct.unpack_from("<I", self.buf, end - 4)
        self.buf_index = end
        if crc != zlib.crc32(payload):
            return None
        return Message(seq, kind, payload)


def frame(seq, kind, payload):
    return (struct.pack("<BHBB", START, seq & 0xFFFF, kind, len(payload))
            + payload + struct.pack("<I", zlib.crc32(payload)))


link = Link()
recent = scenario.SlicedHistory(150)
pages = scenario.SawtoothCache(300, 100)
in_flight = scenario.InFlight(40)
table = scenario.FillOnceTable(250)


def step(i):
    payload = b"telemetry %06d " % i + b"\x01" * (60 + i % 120)
    m = link.parse_char(frame(i, i % 7, payload))
    recent.add({"seq": m.seq, "kind": m.kind, "text": m.payload.decode(
        "latin-1")})
    in_flight.add({"id": i, "body": scenario.blob(i, 300, 900)})
    pages.put(i, scenario.blob(i, 2000, 4000))


def culprits():
    return [link.buf]


if __name__ == "__main__":
    scenario.main(step, culprits,
                  fill_once=lambda i: table.add(i % 997, scenario.blob(
                      i, 20000, 20000)))
