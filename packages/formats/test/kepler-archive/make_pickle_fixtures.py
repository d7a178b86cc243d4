#!/usr/bin/python3
"""Writes packages/formats/test/fixtures/kepler-archive/pickles.json: pickles of plain data and numpy
arrays in every protocol, as CPython 3 + numpy (Debian's /usr/bin/python3) write them, each with the
value it must load as (in a JSON spelling: tuples/sets/bytes/arrays tagged). Run it again only to
change the cases: python3 packages/formats/test/kepler-archive/make_pickle_fixtures.py
"""
import base64, json, pickle, os
import numpy as np

def spell(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if abs(v) < 2**53 else {"bigint": str(v)}
    if isinstance(v, float):
        return {"float": repr(v)}
    if isinstance(v, bytes):
        return {"bytes": base64.b64encode(v).decode()}
    if isinstance(v, tuple):
        return {"tuple": [spell(x) for x in v]}
    if isinstance(v, list):
        return [spell(x) for x in v]
    if isinstance(v, (set, frozenset)):
        return {"set": sorted(spell(x) for x in v)}
    if isinstance(v, dict):
        return {"dict": [[spell(k), spell(x)] for k, x in v.items()]}
    if isinstance(v, np.ndarray):
        if v.dtype.names:
            return {"ndarray": list(v.shape), "fields": {n: [float(x) for x in v[n].ravel(order="C")] for n in v.dtype.names}}
        return {"ndarray": list(v.shape), "data": [float(x) for x in v.ravel(order="C")]}
    if isinstance(v, np.generic):
        return {"float": repr(float(v))}
    raise TypeError(type(v))

plain = {
    "ints": [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31 - 1, 2**31, 2**63, -2**63 - 1, 10**30],
    "floats": [0.0, -0.0, 1.5, 1e308, 5e-324, float("inf"), float("-inf")],
    "text": ["", "a", "é", "日本", "x" * 300],
    "bytes": b"\x00\x01\xff" * 100,
    "tuple": (1, (2, (3, 4)), ()),
    "set": {1, 2, 3},
    "frozen": frozenset({"a", "b"}),
    "nested": [[[]], {"k": [None, True, False]}],
    "shared": None,
}
shared = [1, 2]
plain["shared"] = (shared, shared)

arrays = {
    "f8": np.arange(12, dtype="<f8").reshape(3, 4) / 7,
    "f4": np.linspace(-1, 1, 5, dtype="<f4"),
    "i8": np.array([-3, 0, 2**40], dtype="<i8"),
    "u1": np.array([0, 7, 255], dtype="u1"),
    "bool": np.array([True, False, True]),
    "fortran": np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)),
    "be": np.array([1.25, -2.5], dtype=">f8"),
    "record": np.array([(1, 2.5, 0), (-1, -2.0, 1)], dtype=[("left_child", "<i8"), ("threshold", "<f8"), ("missing_go_to_left", "u1")]),
    "scalar": np.float64(3.25),
    "empty": np.zeros((0, 3)),
}

cases = []
for proto in range(6):
    cases.append({"name": f"plain-p{proto}", "protocol": proto, "pickle": base64.b64encode(pickle.dumps(plain, protocol=proto)).decode(), "value": spell(plain)})
for proto in (2, 3, 4, 5):
    for k, a in arrays.items():
        cases.append({"name": f"{k}-p{proto}", "protocol": proto, "pickle": base64.b64encode(pickle.dumps(a, protocol=proto)).decode(), "value": spell(a)})

out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kepler-archive", "pickles.json")
with open(out, "w") as fh:
    json.dump({"numpy": np.__version__, "cases": cases}, fh, indent=0)
print(out, len(cases))
