"""weakref.WeakKeyDictionary whose values refer back to their keys.

Reproduces python/cpython#88846 ("Reference cycles from a
WeakKeyDictionary value to its key aren't collected",
https://github.com/python/cpython/issues/88846): metadata attached to
objects in a module-level WeakKeyDictionary holds a strong reference to
its own key, so no entry ever goes away although every key is otherwise
dead.

Churn that outweighs it: a second WeakKeyDictionary used correctly
(values that do not refer to their key: entries go with their objects),
a cache of parsed documents pruned in bursts (a sawtooth), large stable
data, and big per-request objects.

Culprit: dict at annotations.data (the WeakKeyDictionary's own table)
"""
import weakref

import scenario

EXPECT = [("dict", "['data']")]

annotations = weakref.WeakKeyDictionary()
healthy = weakref.WeakKeyDictionary()
documents = scenario.SawtoothCache(limit=1400, keep=900)
schema = scenario.stable_data(2500)
keep_alive = scenario.InFlight(30)


class Document:
    def __init__(self, n):
        self.n = n
        self.words = ["w%d" % (n * k % 997) for k in range(6)]


class Annotation:
    def __init__(self, doc):
        self.doc = doc  # the bug: the value refers to its key
        self.tags = ["tag-%d" % (doc.n % 13)]


def step(i):
    doc = Document(i)
    if i % 2 == 0:
        annotations[doc] = Annotation(doc)
    else:
        healthy[doc] = {"seen": i}
    keep_alive.add(doc)
    documents.put(i, (doc.words, scenario.blob(i, 300, 1500)))
    big = [scenario.blob(i + k, 2000, 100) for k in range(4)]
    del big


def culprits():
    return [annotations.data]


if __name__ == "__main__":
    scenario.main(step, culprits)
