"""Leak beside a history that is trimmed by re-creating its list.

`self.recent = self.recent[-KEEP:]` makes a new list every time the
history is trimmed: the list alive at the last dump did not exist at the
first, yet the history does not grow. The real leak: a dict of sessions
that are never closed.
Culprit: dict at __main__.server.sessions.

    python3 recreated.py OUTDIR
"""
import churn

KEEP = 1200


class Server:
    def __init__(self):
        self.recent = []
        self.sessions = {}

    def handle(self, i):
        self.recent.append(("GET", "/item/%d" % i, i))
        if len(self.recent) > 2 * KEEP:
            self.recent = self.recent[-KEEP:]
        if i % 6 == 0:
            self.sessions["s-%d" % i] = {"user": "u%d" % i, "n": i}


server = Server()


def step(i):
    server.handle(i)


if __name__ == "__main__":
    churn.main(step)
