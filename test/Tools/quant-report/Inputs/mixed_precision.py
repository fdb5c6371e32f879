"""A model with one sensitive layer: fc2's weights have an outlier row (it
multiplies a ReLU output that is always zero, so float never sees it) that
per-channel scales spread over every column. The report must rank fc2's
output first, and mixed precision with a budget 6 dB above plain int8 must
keep fc2, and only fc2, in float.

usage: mixed_precision.py WORKDIR
"""

import os
import sys

import numpy as np

import qmlir
from qmlir.report import by_added_error, format_table

sys.path.insert(0, os.path.dirname(__file__))
from mlp import mlp  # noqa: E402

rng = np.random.default_rng(3)
W1 = rng.normal(0, 0.4, (16, 12)).astype(np.float32)
B1 = rng.normal(0, 0.1, 12).astype(np.float32)
B1[0] = -100.0  # relu1's channel 0 is always zero
W2 = rng.normal(0, 0.3, (12, 12)).astype(np.float32)
W2[0, :] = 40.0
B2 = rng.normal(0, 0.1, 12).astype(np.float32)
W3 = rng.normal(0, 0.4, (12, 4)).astype(np.float32)
B3 = rng.normal(0, 0.1, 4).astype(np.float32)


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "sensitive.mlir")
    with open(path, "w") as f:
        f.write(mlp([(W1, B1, True), (W2, B2, True), (W3, B3, False)]))
    x = rng.normal(0, 1, (64, 1, 16)).astype(np.float32)
    plain = qmlir.report(path, [x])
    print("most added error:", by_added_error(plain)[0]["id"])
    baseline = plain["outputs"][0]["sqnr_db"]
    budget = baseline + 6
    mixed = qmlir.report(path, [x], budget_db=budget, output=os.path.join(work, "mixed.int8.mlir"))
    m = mixed["mixed_precision"]
    print("float:", m["float"], "of", m["contractions"])
    print("budget met:", m["sqnr_db"] >= budget, "report agrees:",
          abs(mixed["outputs"][0]["sqnr_db"] - m["sqnr_db"]) < 1e-9)
    print("most sensitive alone:", min(m["sensitivity"], key=lambda s: s["alone_sqnr_db"])["id"])
    print(format_table(mixed).splitlines()[-1])
    # The same with labels: top-1 accuracy within 5 points of float.
    labels = np.argmax((np.maximum(np.maximum(x @ W1 + B1, 0) @ W2 + B2, 0) @ W3 + B3).reshape(64, -1), axis=1)
    by_accuracy = qmlir.report(path, [x], labels=labels, max_accuracy_drop=0.05)["mixed_precision"]
    print("accuracy: float %.3f, int8 %.3f, mixed %.3f, float ops %s" % (
        by_accuracy["float_accuracy"], by_accuracy["baseline_accuracy"], by_accuracy["accuracy"],
        by_accuracy["float"]))


if __name__ == "__main__":
    main()
