"""refs_as_dict() keys that are not strings (docs/python.md, "Keys"):
meliae's key rule (docs/format.md 4.9: the key record's value, else its name,
else the record) where it is right, and the documented differences: a
None key is None (meliae: the NoneType proxy), a bool key is True or
False (meliae: the text 'True', b'True' on Python 3), and when two keys
give the same Python value (two classes of one name), the later pair
keeps it, as in meliae, and the earlier one is keyed by its proxy
instead of being lost. Checked in each dialect's dict layout:
key, value (heapscope, Python 2) and value, key (meliae's Python 3)."""

import json

import pytest

import api_util

heapscope = api_util.require_analyzer()

HEADER = {"heapscope_dump": 1, "python": "3.11.2", "pointer_size": 8,
          "time": 1732650000, "pid": 4242}


def rec(address, type_, refs=(), **fields):
    out = {"address": address, "type": type_, "size": 32}
    out.update(fields)
    out["refs"] = list(refs)
    return out


# Keys (address, record) and the Python key refs_as_dict must give.
def keys(text_type, bytes_type, int_type):
    return [
        (11, rec(11, "type", name="Twin"), ("proxy", 11)),   # same name
        (12, rec(12, "type", name="Twin"), "Twin"),          # later wins
        (13, rec(13, "NoneType"), None),
        (14, rec(14, "bool", value="True"), True),
        (15, rec(15, int_type, value=7), 7),
        (16, rec(16, text_type, len=1, value="k"), "k"),
        (17, rec(17, "float"), ("proxy", 17)),               # no value
        (18, rec(18, "tuple", len=0), ("proxy", 18)),
        (19, rec(19, "function", name="handler"), ("proxy", 19)),
        (20, rec(20, text_type, len=7, value="handler"), "handler"),
        (21, rec(21, bytes_type, len=2, value="b\u00e9"), None),  # below
    ]


def write(path, records, header):
    with open(str(path), "w") as f:
        if header:
            f.write(json.dumps(HEADER) + "\n")
        for r in records:
            f.write(json.dumps(r) + "\n")


def expected(om, key_table, bytes_key):
    out = {}
    for n, (address, _, want) in enumerate(key_table):
        if address == 21:
            want = bytes_key
        if isinstance(want, tuple):
            want = om[want[1]]
        out[want] = "v%d" % n
    return out


def check(om, key_table, bytes_key):
    got = om[1].refs_as_dict()
    want = expected(om, key_table, bytes_key)
    assert got == want
    # Keys that stay objects are proxies of the key records.
    for k in got:
        if isinstance(k, heapscope.MemObject):
            assert k.manager is om
    assert sorted(type(k).__name__ for k in got if k is not None) == \
        sorted(type(k).__name__ for k in want if k is not None)
    assert [v for v in got.values()] == ["v%d" % n
                                         for n in range(len(key_table))]


def dump_records(key_table, text_type, value_first):
    values = [rec(100 + n, text_type, len=2, value="v%d" % n)
              for n in range(len(key_table))]
    refs = []
    for (address, _, _), v in zip(key_table, values):
        refs.extend([v["address"], address] if value_first
                    else [address, v["address"]])
    holder = rec(1, "dict", refs, len=len(key_table))
    return [holder] + [r for _, r, _ in key_table] + values


def test_heapscope_dump_keys(tmp_path):
    table = keys("str", "bytes", "int")
    write(tmp_path / "d.json", dump_records(table, "str", False), True)
    om = heapscope.load(str(tmp_path / "d.json"), snapshot=False)
    assert om.dialect == "heapscope"
    check(om, table, "b\u00e9".encode("latin-1"))


def test_python2_dump_keys(tmp_path):
    # Python 2: str is bytes, shown as text (one code point a byte);
    # unicode is text; long records carry no value, so they stay objects.
    table = keys("unicode", "str", "int")
    table.append((22, rec(22, "long"), ("proxy", 22)))
    write(tmp_path / "d.json", dump_records(table, "unicode", False), False)
    om = heapscope.load(str(tmp_path / "d.json"), dialect="py2",
                        snapshot=False)
    check(om, table, "b\u00e9")


def test_meliae_python3_value_key_dict(tmp_path):
    # meliae on Python 3 lists a dict with a non-str key as value, key
    # pairs (refs = 2 x len): swapped back, None and bools as above.
    table = keys("str", "bytes", "int")
    records = dump_records(table, "str", True)
    write(tmp_path / "d.json", records, False)
    om = heapscope.load(str(tmp_path / "d.json"), dialect="py3",
                        snapshot=False)
    assert om[1].layout == "vk"
    check(om, table, "b\u00e9".encode("latin-1"))


def test_str_keyed_meliae_python3_dict_says_keys_are_missing(tmp_path):
    records = [rec(1, "dict", [2], len=1), rec(2, "str", len=1, value="x")]
    write(tmp_path / "d.json", records, False)
    om = heapscope.load(str(tmp_path / "d.json"), dialect="py3",
                        snapshot=False)
    with pytest.raises(heapscope.HeapscopeError,
                       match="keys not recorded"):
        om[1].refs_as_dict()
