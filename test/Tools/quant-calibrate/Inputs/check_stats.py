"""Checks a stats file against the schema in docs/Calibration.md."""
import json
import sys

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
print("default", d["default_method"])
for tid in sorted(t):
    print(tid, t[tid].get("method", "-"))
