"""Float vs int8 on the digits models: calibrate, quantize, run, compare.

    /usr/bin/python3 examples/digits/evaluate.py [--max-drop 0.5] [models...]

With no models, all four bundled ones. Prints accuracy, the logit error of
int8 against float, model size and time per sample; with --max-drop, exits
non-zero if a model loses more than that many accuracy points.
"""

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
from qmlir import tools  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ["mlp_linalg", "mlp_tosa", "cnn_linalg", "cnn_tosa"]
SHAPES = {"mlp": (1, 64), "cnn_linalg": (1, 1, 8, 8), "cnn_tosa": (1, 8, 8, 1)}


def samples(name, split):
    """A data split shaped as the model's samples: [N, *argument shape]."""
    x = np.load(os.path.join(HERE, "data.npz"))[split]
    shape = next(s for k, s in SHAPES.items() if name.startswith(k))
    return x.reshape((-1,) + shape)


def timed_logits(model, x):
    start = time.perf_counter()
    y = tools.run(model, x)[0].reshape(len(x), -1)
    return y, (time.perf_counter() - start) / len(x)


def evaluate(name, work, method=None, progress="none"):
    model = os.path.join(HERE, name + ".mlir")
    stats = os.path.join(work, name + ".stats.json")
    qmodel = os.path.join(work, name + ".int8.mlir")
    tools.calibrate(model, [samples(name, "calib")], stats, method=method, progress=progress)
    tools.quantize(model, qmodel, stats=stats)
    labels = np.load(os.path.join(HERE, "data.npz"))["labels"]
    x = samples(name, "test")
    yf, tf = timed_logits(model, x)
    yq, tq = timed_logits(qmodel, x)
    return {
        "model": name,
        "float": 100 * float((yf.argmax(1) == labels).mean()),
        "int8": 100 * float((yq.argmax(1) == labels).mean()),
        "err": float(np.abs(yq - yf).max()),
        "rel": float(np.abs(yq - yf).mean() / np.abs(yf).mean()),
        "size_f": os.path.getsize(model), "size_q": os.path.getsize(qmodel),
        "t_f": tf, "t_q": tq, "n": len(x),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("models", nargs="*", default=MODELS)
    p.add_argument("--max-drop", type=float)
    p.add_argument("--method")
    p.add_argument("--progress", default="none")
    a = p.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name in a.models:
            rows.append(evaluate(name, work, a.method, a.progress))
    print("%-11s %9s %9s %6s %12s %8s %12s %15s" % (
        "model", "float acc", "int8 acc", "drop", "max |dlogit|", "rel err", "MLIR KB f/q",
        "run ms f/q"))
    failed = False
    for r in rows:
        drop = r["float"] - r["int8"]
        failed |= a.max_drop is not None and drop > a.max_drop
        print("%-11s %8.2f%% %8.2f%% %6.2f %12.4f %7.2f%% %8d/%-3d %10.0f/%-4.0f" % (
            r["model"], r["float"], r["int8"], drop, r["err"], 100 * r["rel"],
            r["size_f"] // 1024, r["size_q"] // 1024, 1000 * r["t_f"] * r["n"], 1000 * r["t_q"] * r["n"]))
    print("%d test samples per model; run time is quant-run's wall time for all of them, "
          "JIT compilation included" % rows[0]["n"])
    if failed:
        print("FAILED: accuracy drop above %.2f points" % a.max_drop)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
