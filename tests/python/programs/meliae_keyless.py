# A meliae investigation of one dump, as people wrote them, on a dump of
# meliae's Python 3 scanner, which recorded no keys for str-keyed dicts:
# it must run to the end under heapscope.meliae (placeholder keys and one
# warning) where refs_as_dict() used to raise half-way.
# tests/python/test_api_meliae_compat.py runs it.
import sys

from heapscope.meliae import loader

om = loader.load(sys.argv[1])
om.collapse_instance_dicts()
om.compute_parents()
om.remove_expensive_references()
req = om.get_all('Request')[0]
print(req)
print(sorted(req.refs_as_dict().keys()))
dicts = om.get_all('dict')
values = sum(len(d.refs_as_dict()) for d in dicts)
print('%d dicts, %d values' % (len(dicts), values))
for obj in req.p:
    print(obj, len(om.refs_as_dict(obj)))
print('done')
