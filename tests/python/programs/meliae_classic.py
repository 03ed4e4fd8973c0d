# The classic meliae leak hunt, as people wrote it for meliae (Python 2
# era, kept valid Python 3). tests/python/test_api_classic.py changes only
# the import line below to `from heapscope.meliae import loader` and runs
# it on two dumps of classic_leak.py.
import sys
from meliae import loader


def load(path):
    om = loader.load(path)
    om.collapse_instance_dicts()
    om.compute_referrers()
    om.remove_expensive_references()
    om.guess_intern_dict()
    return om


om = load(sys.argv[1])
print(om.summarize())
om2 = load(sys.argv[2])
s = om2.summarize()
print(s)

dicts = om.get_all('dict')
dicts2 = om2.get_all('dict')
addrs = set([d.address for d in dicts])
diff = set([d.address for d in dicts2]) - addrs
diff_list = [om2[a] for a in diff]
diff_list.sort(key=lambda o: o.address)
print('%d new dicts' % len(diff_list))
i = 0
print(diff_list[i])
print(sorted(diff_list[i].refs_as_dict().keys()))
print(diff_list[i].p)
print(diff_list[i].p[0].p)
print(diff_list[i].p[0].p[0].p)
