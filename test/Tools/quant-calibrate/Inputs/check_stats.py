"""Checks a stats file against the schema in docs/Calibration.md."""
import json
import sys

import numpy as np

d = json.load(open(sys.argv[1]))
assert d["format"] == "qmlir-stats" and d["version"] == 1, d
t = d["tensors"]
for tid, s in t.items():
    assert s["min"] <= s["max"], tid
    assert s["samples"] == 20, (tid, s["samples"])
    h = s["histogram"]
    assert len(h["counts"]) == 2048 and h["lo"] < h["hi"], tid
    assert sum(h["counts"]) == s["count"], tid
    assert h["lo"] <= s["min"] and s["max"] <= h["hi"], tid
# The input's means along each dimension, against numpy.
x = np.load(sys.argv[2]) if len(sys.argv) > 2 else None
if x is not None:
    means = t["main.arg0"]["axis_means"]
    for axis, m in enumerate(means):
        other = tuple(a for a in range(x.ndim) if a != axis + 1)
        assert np.allclose(m, x.astype(np.float64).mean(axis=other), rtol=1e-9, atol=1e-12), axis
    print("axis means of main.arg0 match numpy:", [len(m) for m in means])
for tid, s in t.items():
    assert len(s["axis_means"]) in (2, 1), tid
print("default", d["default_method"])
for tid in sorted(t):
    print(tid, t[tid].get("method", "-"))
