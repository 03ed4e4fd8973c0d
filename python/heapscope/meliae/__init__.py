"""meliae's module layout on heapscope, so that an existing meliae script
needs one changed line:

    from meliae import loader            # before
    from heapscope.meliae import loader  # after

``loader`` is heapscope's analyzer (heapscope.load) and ``scanner`` its
dumper (heapscope.dump), on Python 3.8-3.13, without meliae's defects
(docs/format.md §5).
"""
