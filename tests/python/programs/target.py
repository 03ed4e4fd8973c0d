"""A process for `dump --pid` tests: holds a marker object, then either
sleeps in a system call or spins in Python. usage: target.py sleep|busy"""

import sys
import time


class InjectMarker:
    def __init__(self):
        self.tag = "heapscope-inject-marker"


marker = InjectMarker()


def busy():
    n = 0
    while True:
        n = (n + 1) % 1000003


def main(mode):
    print("ready", flush=True)
    if mode == "busy":
        busy()
    else:
        while True:
            time.sleep(1000)


if __name__ == "__main__":
    main(sys.argv[1])
