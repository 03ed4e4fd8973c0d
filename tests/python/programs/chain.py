"""A linked list N long (default 1,000,000), dumped; prints the number of
Node records, so a test can check none is lost or written twice without
parsing millions of lines. usage: chain.py DUMP_PATH [N]"""

import sys
import time

import heapscope


class Node:
    __slots__ = ("next",)

    def __init__(self, nxt):
        self.next = nxt


class DictNode:
    def __init__(self, nxt):
        self.next = nxt


def main(path, n):
    head = None
    for _ in range(n // 2):
        head = Node(head)
    head2 = None
    for _ in range(n - n // 2):
        head2 = DictNode(head2)
    t = time.perf_counter()
    result = heapscope.dump(path, header=False)
    elapsed = time.perf_counter() - t
    nodes = dicts = 0
    with open(path, "rb") as f:
        for line in f:
            if b'"type": "Node"' in line:
                nodes += 1
            elif b'"type": "DictNode"' in line:
                dicts += 1
    print(nodes, dicts, result.objects, "%.2f" % elapsed)
    del head, head2


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000000)
