"""heapscope.meliae keeps the promises meliae scripts rely on where
heapscope's own API differs (docs/python.md, "The meliae package"):
load() of an iterable of JSON lines, om.objs.keys()/values()/items() as
lists, .value of modules, classes and functions as their names, () for
no children or parents, and refs_as_dict() of dicts whose keys meliae's
Python 3 dumps did not record: the values under distinct placeholder
keys and one warning per process, where heapscope.load keeps raising."""

import gzip
import json
import os
import subprocess
import sys

import pytest

import api_util

heapscope = api_util.require_analyzer()
from heapscope.meliae import loader  # noqa: E402

REQUEST = 140549144549328      # a Request whose __dict__ lost its keys
REQUEST_CLASS = "Request"


@pytest.fixture(scope="module")
def dump311():
    return api_util.dump_path("py311")


@pytest.fixture(scope="module")
def om(dump311):
    return loader.load(dump311)


def lines_of(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return f.read().splitlines()


class _quiet(object):
    """Ignore the once-per-process warning (tested in a process of its
    own below)."""

    def __enter__(self):
        import warnings
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", loader.KeysNotRecordedWarning)

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)


# ---- load() of lines --------------------------------------------------

def test_load_list_of_lines_equals_load_of_the_file(dump311):
    lines = lines_of(dump311)
    assert not lines[0].endswith("\n")
    from_list = loader.load(lines)
    from_file = loader.load(dump311)
    assert isinstance(from_list, loader.ObjManager)
    assert len(from_list) == len(from_file) > 50000
    assert str(from_list.summarize()) == str(from_file.summarize())
    assert from_list[REQUEST].children == from_file[REQUEST].children


def test_load_generator_of_bytes_lines_and_native_load(dump311):
    lines = lines_of(dump311)[:500]
    gen = (line.encode("utf-8") + b"\n" for line in lines)
    om = loader.load(gen, collapse=False)
    addresses = set(json.loads(line)["address"] for line in lines)
    assert len(om) == len(addresses) and set(om.objs.keys()) == addresses
    # heapscope's own load takes them too (the same source handling).
    assert len(heapscope.load(iter(lines), collapse=False)) == len(om)


def test_load_lines_error_names_the_source_and_line():
    good = '{"address": 1, "type": "int", "size": 28, "value": 5, "refs": []}'
    with pytest.raises(heapscope.HeapscopeError) as err:
        loader.load([good, good.replace("1", "2", 1), '{"address": 3, "ty'])
    assert err.value.path == "<list>" and err.value.line == 3
    assert str(err.value).startswith("<list>:3: ")
    with pytest.raises(TypeError, match="line 2 is int"):
        loader.load([good, 7])


# ---- om.objs ----------------------------------------------------------

def test_objs_keys_values_items_are_lists(om):
    objs = om.objs
    keys, values, items = objs.keys(), objs.values(), objs.items()
    assert type(keys) is list and type(values) is list and type(items) is list
    assert len(keys) == len(values) == len(items) == len(om)
    assert keys[0] == values[0].address == items[0][0]
    assert items[-1][1] == values[-1]
    assert list(items) == list(items)        # readable twice
    keys.sort()
    assert keys == sorted(om.addresses())
    values.sort(key=lambda o: o.size)
    assert values[-1].size == max(o.size for o in om)
    assert next(objs.iteritems())[0] == next(objs.iterkeys())


# ---- .value -------------------------------------------------------------

def test_value_of_module_class_function_is_the_name(om, dump311):
    req = om[REQUEST]
    cls = req[-1]
    assert cls.type_str == "type" and cls.value == REQUEST_CLASS
    main = [m for m in om.get_all("module") if m.name == "__main__"][0]
    assert main.value == "__main__"
    func = om.get_all("function")[0]
    assert func.value == func.name and isinstance(func.value, str)
    assert req[0].value == "/café/2999"          # values stay values
    # heapscope's own proxies keep value and name apart.
    native = heapscope.load(dump311)
    assert native[cls.address].value is None
    assert native[cls.address].name == REQUEST_CLASS


def test_value_of_python2_classes_and_modules():
    om27 = loader.load(api_util.dump_path("py27"))
    mod = [m for m in om27.get_all("module") if m.name == "__main__"][0]
    assert mod.value == "__main__"
    named = [o for o in om27 if o.name is not None]
    assert named and all(o.value == o.name for o in named)


# ---- () for nothing ---------------------------------------------------

def test_empty_children_and_parents_are_tuples(om):
    leaf = om[REQUEST][0]                 # a str: no refs
    assert leaf.children == () and type(leaf.children) is tuple
    assert leaf.ref_list == ()
    roots = [o for o in om if o.num_parents == 0]
    assert roots
    assert all(type(o.parents) is tuple and o.parents == () for o in roots)
    assert all(o.referrers == () for o in roots[:5])
    req = om[REQUEST]
    assert type(req.children) is list and len(req.children) == 5
    assert type(req.parents) is list and len(req.parents) == 1


# ---- refs_as_dict of dicts without keys -------------------------------

def test_refs_as_dict_gives_values_under_placeholder_keys(om, dump311):
    req = om[REQUEST]
    with _quiet():
        d = req.refs_as_dict()
        again = om.refs_as_dict(req)
    assert d == again and list(d) == list(again)      # deterministic
    keys = list(d)
    assert all(isinstance(k, loader.UnrecordedKey) for k in keys)
    assert len(set(keys)) == len(keys) == 4           # the class is left out
    assert all("not recorded" in k for k in keys)
    assert [k.index for k in keys] == [0, 1, 2, 3]
    values = list(d.values())
    assert values[0] == "/café/2999"
    assert [getattr(v, "address", None) for v in values[1:]] == \
        req.children[1:4]
    # A dict of the values layout: one placeholder per ref.
    keyless = [x for x in om.get_all("dict") if x.layout == "values"][0]
    with _quiet():
        assert len(keyless.refs_as_dict()) == keyless.num_refs
    # Where the dump has the keys, they are given as before, silently.
    conn = loader.load(api_util.dump_path("py27"))[140239820241088]
    assert conn.refs_as_dict() == {"peer": "10.0.0.0", "buf": "", "id": 0}
    # heapscope's own API keeps saying that the keys are not there.
    native = heapscope.load(dump311)
    with pytest.raises(heapscope.HeapscopeError, match="not recorded"):
        native[REQUEST].refs_as_dict()


def test_placeholders_leave_out_the_class_after_expensive_refs(dump311):
    """The classic pipeline drops refs to classes for a ref to
    <ex-reference>: that is no value either, in both kinds of instance
    of meliae's 3.11 dumps (a merged __dict__, inline values)."""
    om = loader.load(dump311)
    conn = om.get_all("Connection")[0]
    with _quiet():
        before = (om[REQUEST].refs_as_dict(), conn.refs_as_dict())
        om.remove_expensive_references()
        assert om[REQUEST][-1].type_str == "<ex-reference>"
        assert conn[-1].type_str == "<ex-reference>"
        after = (om[REQUEST].refs_as_dict(), conn.refs_as_dict())
    assert before == after
    assert list(after[1].values()) == ["10.0.0.0", b"", 0]
    assert len(after[0]) == 4


SCRIPT = os.path.join(api_util.PROGRAMS, "meliae_keyless.py")


def test_investigation_script_runs_to_the_end_and_warns_once(dump311):
    # -W always: Python's own filter would show a warning once per line
    # of the caller; the script calls refs_as_dict from three lines.
    proc = subprocess.run([sys.executable, "-W", "always", SCRIPT, dump311],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout.splitlines()
    assert out[-1] == "done"
    assert out[0].startswith("Request(%d " % REQUEST)
    assert out[1] == "['<key #0 not recorded>', '<key #1 not recorded>', " \
        "'<key #2 not recorded>', '<key #3 not recorded>']"
    assert int(out[2].split()[0]) > 1000      # keyless dicts read
    warned = [line for line in proc.stderr.splitlines()
              if "KeysNotRecordedWarning" in line]
    assert len(warned) == 1, proc.stderr
    assert "heapscope.dump()" in warned[0]


# ---- scanner.dump_all_referenced ---------------------------------------

def test_dump_all_referenced_writes_what_obj_reaches(tmp_path):
    pytest.importorskip("heapscope._dumper")
    from heapscope.meliae import scanner
    # Only static types (they are not traversed): the dump is exactly these.
    inner = [b"xyz", 3.5]
    root = {1: 2, None: "a string", "k": (inner, "tail")}
    parts = [root, 1, 2, None, "a string", "k", root["k"], inner, inner[0],
             inner[1], "tail"]
    path = tmp_path / "root.json"
    scanner.dump_all_referenced(str(path), root)
    om = loader.load(str(path))
    assert set(om.objs.keys()) == set(id(x) for x in parts)
    assert om[id(root)].refs_as_dict() == {1: 2, None: "a string",
                                           "k": om[id(root["k"])]}
    # A file object, read back through its descriptor (meliae's smoke
    # test); is_pending: the list's items, not the list.
    pending = [inner, "tail"]
    with open(str(tmp_path / "pending.json"), "w+b") as f:
        scanner.dump_all_referenced(f, pending, is_pending=True)
        f.seek(0)
        om = loader.load(f)
    assert set(om.objs.keys()) == set(id(x) for x in inner + pending)
