"""quant-report's numbers against numpy: a two-layer MLP is quantized by
hand from the stats file as docs/Calibration.md specifies, run with the qnn
reference arithmetic (python/qmlir/reference.py, written from
docs/Dialects/QNN.md), and every metric of the report recomputed.

usage: report_check.py WORKDIR
"""

import json
import math
import os
import sys

import numpy as np

import qmlir
from qmlir import reference as ref
from qmlir import tools
from qmlir.report import by_added_error

sys.path.insert(0, os.path.dirname(__file__))
from mlp import mlp  # noqa: E402

rng = np.random.default_rng(7)
W1 = rng.normal(0, 0.5, (16, 8)).astype(np.float32)
B1 = rng.normal(0, 0.2, 8).astype(np.float32)
W2 = rng.normal(0, 0.5, (8, 4)).astype(np.float32)
B2 = rng.normal(0, 0.2, 4).astype(np.float32)

MODEL = mlp([(W1, B1, True), (W2, B2, False)])


def round_away(v):
    """std::round: halves away from zero."""
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def activation(stats, name):
    """minmax, asymmetric i8 (docs/Calibration.md)."""
    lo, hi = min(stats[name]["min"], 0.0), max(stats[name]["max"], 0.0)
    scale = (hi - lo) / 255.0
    zp = int(np.clip(round_away(-128 - lo / scale), -128, 127))
    return ref.QType("i8", scale, zp)


def weights(w):
    """Symmetric per output channel, narrow i8."""
    s = np.abs(w.astype(np.float64)).max(axis=0) / 127.0
    q = np.clip(round_away(w / s), -127, 127).astype(np.int64)
    return q, ref.QType("i8", s, [0] * len(s), axis=1, qmin=-127, qmax=127)


def layer(qx, tx, w, b, tout):
    qw, tw = weights(w)
    qb = round_away(b.astype(np.float64) / (tx.scales[0] * np.array(tw.scales))).astype(np.int64)
    return ref.matmul(qx, qw, qb, tx, tw, tout, "fixedpoint")


def metrics(f, q, t=None):
    f, q = f.astype(np.float64).ravel(), q.astype(np.float64).ravel()
    e = q - f
    out = {"sqnr_db": 10 * math.log10((f @ f) / (e @ e)), "mse": float(e @ e) / f.size,
           "cosine": float(f @ q) / math.sqrt((f @ f) * (q @ q)), "max_abs_error": float(np.abs(e).max())}
    if t:
        s, zp = t.scales[0], t.zero_points[0]
        out["clipped"] = float(np.mean((f < s * (t.qmin - zp)) | (f > s * (t.qmax - zp))))
    return out


def close(name, key, got, want, tol):
    if abs(got - want) > tol:
        sys.exit("%s %s: report %r, numpy %r" % (name, key, got, want))


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "mlp.mlir")
    with open(path, "w") as f:
        f.write(MODEL)
    x = rng.normal(0, 1, (40, 1, 16)).astype(np.float32)
    stats_path = os.path.join(work, "stats.json")
    tools.calibrate(path, [x], stats_path)
    rep = qmlir.report(path, [x], stats=stats_path)
    stats = json.load(open(stats_path))["tensors"]

    # Float, then int8 by hand, per sample.
    h = np.maximum(x @ W1 + B1, 0)
    y = h @ W2 + B2
    tx, th, ty = activation(stats, "main.arg0"), activation(stats, "relu1"), activation(stats, "fc2.bias")
    qx = ref.quantize(x, tx)
    qh = layer(qx, tx, W1, B1, th)
    qy = layer(qh, th, W2, B2, ty)
    # Each layer alone: the float input quantized with its parameters.
    qy_own = layer(ref.quantize(h, th), th, W2, B2, ty)
    want = {
        "main.arg0": (x, ref.dequantize(qx, tx), ref.dequantize(qx, tx), tx),
        "relu1": (h, ref.dequantize(qh, th), ref.dequantize(qh, th), th),
        "fc2.bias": (y, ref.dequantize(qy, ty), ref.dequantize(qy_own, ty), ty),
    }
    got = {t["id"]: t for t in rep["tensors"]}
    if sorted(got) != sorted(want):
        sys.exit("report tensors %s, expected %s" % (sorted(got), sorted(want)))
    for name, (f, q, own, t) in want.items():
        r = got[name]
        close(name, "scale", r["scale"], t.scales[0], 1e-12 * t.scales[0])
        close(name, "zero_point", r["zero_point"], t.zero_points[0], 0)
        m = metrics(f, q, t)
        close(name, "sqnr_db", r["sqnr_db"], m["sqnr_db"], 0.01)
        close(name, "mse", r["mse"], m["mse"], 1e-3 * m["mse"])
        close(name, "cosine", r["cosine"], m["cosine"], 1e-6)
        close(name, "max_abs_error", r["max_abs_error"], m["max_abs_error"], 1e-4)
        close(name, "clipped", r["clipped"], m["clipped"], 2.0 / f.size)
        close(name, "float_min", r["float_min"], float(f.min()), 1e-4)
        close(name, "float_max", r["float_max"], float(f.max()), 1e-4)
        close(name, "added_sqnr_db", r["added_sqnr_db"], metrics(f, own)["sqnr_db"], 0.05)
        counts = r["histogram"]["counts"]
        close(name, "histogram", sum(counts), f.size, 0)
        print("%s: SQNR %.2f dB, own %.2f dB: matches numpy" % (name, r["sqnr_db"], r["added_sqnr_db"]))
    out = metrics(y, ref.dequantize(qy, ty))
    close("output", "sqnr_db", rep["outputs"][0]["sqnr_db"], out["sqnr_db"], 0.01)
    print("output: SQNR %.2f dB: matches numpy" % rep["outputs"][0]["sqnr_db"])
    order = [t["id"] for t in by_added_error(rep)]
    print("by added error:", ", ".join(order))
    print("kept in float:", rep["kept_in_float"])


if __name__ == "__main__":
    main()
