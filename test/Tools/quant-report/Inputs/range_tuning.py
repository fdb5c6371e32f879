"""Range methods chosen by output error: the input has rare outliers in a
channel the model ignores, so clipping the input range helps and clipping
the ReLU output does not. The tuned choice must be at least as good as
every single method, be what the tuned stats file says, and be what the
report of the tuned model measures.

usage: range_tuning.py WORKDIR
"""

import json
import os
import sys

import numpy as np

import qmlir

sys.path.insert(0, os.path.dirname(__file__))
from mlp import mlp  # noqa: E402

rng = np.random.default_rng(5)
W1 = rng.normal(0, 0.4, (16, 12)).astype(np.float32)
B1 = rng.normal(0, 0.1, 12).astype(np.float32)
W2 = rng.normal(0, 0.3, (12, 4)).astype(np.float32)
B2 = rng.normal(0, 0.1, 4).astype(np.float32)
W1[3, :] = 0.0


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "outliers.mlir")
    with open(path, "w") as f:
        f.write(mlp([(W1, B1, True), (W2, B2, False)]))
    x = rng.normal(0, 1, (200, 1, 16)).astype(np.float32)
    x[::50, 0, 3] = 60.0
    stats = os.path.join(work, "tuned.json")
    rep = qmlir.report(path, [x], tune_ranges_top=3, tuned_stats=stats)
    t = rep["range_tuning"]
    best_single = max(v for v in t["methods_sqnr_db"].values())
    print("tuned", t["default_method"], t["per_tensor"])
    print("not worse than any single method:", t["sqnr_db"] >= best_single)
    print("report measures the tuned model:", abs(rep["outputs"][0]["sqnr_db"] - t["sqnr_db"]) < 1e-9)
    with open(stats) as f:
        written = json.load(f)
    methods = {n: s["method"] for n, s in written["tensors"].items() if "method" in s}
    print("stats file:", written["default_method"], methods)


if __name__ == "__main__":
    main()
