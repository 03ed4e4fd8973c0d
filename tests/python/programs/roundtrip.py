"""Round trip: build known structures, dump, check the dump against what
gc.get_referents reaches. Prints one JSON report on stdout.

usage: roundtrip.py DUMP_PATH
"""

import gc
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import dumpcheck  # noqa: E402
import fixtures  # noqa: E402
import heapscope  # noqa: E402


def first(objs, name):
    o = objs[name]
    return o[0] if isinstance(o, list) else o


def main(path):
    objs, holder, thread = fixtures.build()
    gc.collect()
    reach = dumpcheck.reachable()
    before = dumpcheck.sizes_of(reach)
    result = heapscope.dump(path)
    after = dumpcheck.sizes_of(reach)
    d = dumpcheck.Dump(path)
    report = {
        "python": sys.version.split()[0],
        "result": list(result),
        "records": len(d.records),
        "header": d.header,
        "duplicates": d.duplicates,
        "dangling": len(d.dangling()),
    }
    missing = [i for i in reach if i not in d.records]
    report["missing"] = len(missing)
    report["missing_types"] = sorted({type(reach[i]).__name__
                                      for i in missing})
    compared, bad = dumpcheck.size_mismatches(d, reach, before, after)
    report["sizes_compared"] = compared
    report["size_mismatch"] = {t: v[:3] for t, v in bad.items()}
    per_type = {}
    for i in reach:
        if i in d.records and i in before and before[i] == after.get(i):
            per_type.setdefault(type(reach[i]).__name__, 0)
            per_type[type(reach[i]).__name__] += 1
    report["size_types"] = len(per_type)

    attrs = {}
    for name, expected in fixtures.EXPECT_ATTRS.items():
        got = d.attr_names(first(objs, name))
        attrs[name] = sorted(expected - (got or set()))
    report["missing_attrs"] = {k: v for k, v in attrs.items() if v}

    rec = d.get
    checks = {}
    checks["astral"] = rec(objs["astral"])["value"] == objs["astral"][:100]
    checks["astral_len"] = rec(objs["astral"])["len"] == 154
    checks["control"] = rec(objs["control"])["value"] == objs["control"]
    checks["bytes"] = (rec(objs["bytes"])["value"]
                       == bytes(range(100)).decode("latin-1"))
    bi = objs["big_ints"]
    checks["bigint"] = rec(bi[0])["value"] == str(10 ** 100)
    checks["neg_bigint"] = rec(bi[1])["value"] == str(-(10 ** 50))
    checks["int64_min"] = rec(bi[3])["value"] == -(2 ** 63)
    checks["uint64"] = rec(bi[4])["value"] == str(2 ** 64)
    checks["huge"] = rec(bi[5])["value"] == "<int: 100001 bits>"
    checks["smallint"] = rec(bi[8])["value"] == 12345678901234567
    fl = objs["floats"]
    checks["floats"] = [rec(x)["value"] for x in fl] == [
        "1.5", "-0", "1e+300", "inf", "nan", "0.1"]
    checks["bool"] = rec(True)["value"] == "True"
    checks["module_name"] = rec(sys.modules["json.decoder"])["name"] == \
        "json.decoder"
    checks["function_name"] = rec(fixtures.make_closure)["name"] == \
        "make_closure"
    checks["qualname"] = rec(fixtures.Holder.run)["name"] == "Holder.run"
    checks["class_name"] = rec(fixtures.Ünïcode)["name"] == "Ünïcode"
    checks["type_field"] = rec(objs["unicode"])["type"] == "Ünïcode"
    checks["code_name"] = rec(fixtures.Holder.run.__code__)["name"] in (
        "Holder.run", "run")
    frames = [r for r in d.records.values() if r["type"] == "frame"]
    checks["thread_frame"] = any(holder.sentinel_id in r["refs"]
                                 for r in frames)
    checks["frame_names"] = any(r.get("value") == "run" or
                                r.get("value") == "Holder.run"
                                for r in frames)
    ctl = objs["ctypes"]
    checks["ctypes"] = all(id(x) in d.records for x in ctl)
    checks["union_class"] = id(fixtures.IntOrFloat) in d.records
    mixed = rec(objs["mixed_dict"])
    checks["kv_pairs"] = len(mixed["refs"]) == 2 * mixed["len"]
    sd = rec(objs["str_dict"])
    checks["str_keys"] = d.dict_keys(sd) == {"alpha", "beta", "gamma"}
    report["failed_checks"] = sorted(k for k, v in checks.items() if not v)

    fixtures.finish(objs, holder, thread)
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
