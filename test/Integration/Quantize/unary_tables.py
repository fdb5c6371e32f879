"""The tables qnn-quantize builds for unary functions, checked end to end.

Each ONNX model is x -> MaxPool(1x1) -> f -> y: the pool quantizes x (and
folds away), f becomes a qnn.table. Imported, calibrated, quantized and run
by quant-run, y must equal, bit for bit, what docs/Dialects/QNN.md and
docs/Calibration.md say the table holds: quant.qcast of f (written here in
numpy, in float64, from the ONNX operator definitions) at quant.dcast of
each input value, then quant.dcast. Inputs cover the calibrated range and
beyond it (saturation), and functions with poles and NaNs (log, sqrt,
reciprocal) exercise the NaN and infinity entries.
"""

import argparse
import math
import os
import re
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from qmlir import reference as ref
from qmlir import tools
from qmlir.onnx_import import import_model
from qmlir.reference import QType

f32 = np.float32
erf = np.vectorize(math.erf)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def hard_sigmoid(x, alpha, beta):
    return np.maximum(0, np.minimum(1, float(f32(alpha)) * x + float(f32(beta))))


# name: (ONNX nodes from "x" to "y" given a constant maker, float64 function)
CASES = {
    "sigmoid": (lambda c: [("Sigmoid", ["x"], {})], sigmoid),
    "tanh": (lambda c: [("Tanh", ["x"], {})], np.tanh),
    "erf": (lambda c: [("Erf", ["x"], {})], erf),
    "exp": (lambda c: [("Exp", ["x"], {})], np.exp),
    "log": (lambda c: [("Log", ["x"], {})], np.log),
    "sqrt": (lambda c: [("Sqrt", ["x"], {})], np.sqrt),
    "reciprocal": (lambda c: [("Reciprocal", ["x"], {})], lambda x: 1 / x),
    "neg": (lambda c: [("Neg", ["x"], {})], np.negative),
    "abs": (lambda c: [("Abs", ["x"], {})], np.abs),
    "softplus": (lambda c: [("Softplus", ["x"], {})], lambda x: np.log1p(np.exp(x))),
    "elu": (lambda c: [("Elu", ["x"], {"alpha": 0.7})],
            lambda x: np.where(x >= 0, x, float(f32(0.7)) * np.expm1(x))),
    "leakyrelu": (lambda c: [("LeakyRelu", ["x"], {"alpha": 0.1})],
                  lambda x: np.where(x >= 0, x, x * float(f32(0.1)))),
    "hardsigmoid": (lambda c: [("HardSigmoid", ["x"], {"alpha": 0.3, "beta": 0.4})],
                    lambda x: hard_sigmoid(x, 0.3, 0.4)),
    "hardswish": (lambda c: [("HardSwish", ["x"], {})],
                  lambda x: x * hard_sigmoid(x, 1 / 6, 0.5)),
    "scale": (lambda c: [("Mul", ["x", c(0.37)], {})], lambda x: x * float(f32(0.37))),
    "square": (lambda c: [("Pow", ["x", c(2.0)], {})], lambda x: x ** 2),
    # A chain, rounded once: GELU's gate 0.5 * (1 + erf(x / sqrt(2))).
    "gelu-gate": (lambda c: [("Div", ["x", c(math.sqrt(2))], {}), ("Erf", [None], {}),
                             ("Add", [None, c(1.0)], {}), ("Mul", [None, c(0.5)], {})],
                  lambda x: 0.5 * (1 + erf(x / float(f32(math.sqrt(2)))))),
}


def model(name, shape):
    inits, nodes = [], []

    def const(v):
        n = "c%d" % len(inits)
        inits.append(numpy_helper.from_array(np.array(v, dtype=np.float32), n))
        return n

    prev = "p"
    nodes.append(helper.make_node("MaxPool", ["x"], ["p"], kernel_shape=[1, 1]))
    for i, (op, inputs, attrs) in enumerate(CASES[name][0](const)):
        out = "t%d" % i
        inputs = [prev if x in ("x", None) else x for x in inputs]
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        prev = out
    nodes.append(helper.make_node("Identity", [prev], ["y"]))
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)], initializer=inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


TYPE = re.compile(r"!quant\.uniform<(i8|u8):f32, ([-+0-9.eE]+)(?::(-?\d+))?>")


def table_types(text):
    """The input and result types of the one qnn.table in `text`."""
    lines = [l for l in text.splitlines() if "qnn.table" in l]
    if len(lines) != 1:
        sys.exit("FAILED: %d qnn.table ops, expected 1" % len(lines))
    sig = lines[0].split(" : ")[-1]
    types = [QType(s, [float(sc)], [int(z or 0)]) for s, sc, z in TYPE.findall(sig)]
    return types[0], types[-1]


def check(name, rng, work):
    shape = [1, 2, 4, 8]
    path = os.path.join(work, name)
    with open(path + ".mlir", "w") as f:
        f.write(import_model(model(name, shape)))
    calib = (rng.randn(8, *shape) * 2).astype(np.float32)
    if name in ("log", "sqrt", "reciprocal"):
        calib = np.abs(calib) + 0.05  # a positive range; the table still holds x <= 0
    tools.calibrate(path + ".mlir", [calib], path + ".json")
    tools.quantize(path + ".mlir", path + ".int8.mlir", stats=path + ".json")
    tin, tout = table_types(open(path + ".int8.mlir").read())
    # Every input value, from beyond the calibrated range on both sides.
    grid = ref.dequantize(np.arange(tin.qmin, tin.qmax + 1), tin)
    x = np.concatenate([grid, rng.randn(64 * 8 - len(grid)).astype(np.float32) * 4]) * f32(1.25)
    x = x.astype(np.float32).reshape(8, *shape)
    got = tools.run(path + ".int8.mlir", x)[0]
    with np.errstate(all="ignore"):
        y = CASES[name][1](ref.dequantize(ref.quantize(x, tin), tin).astype(np.float64))
    want = ref.dequantize(ref.quantize(y, tout), tout)
    bad = np.flatnonzero(got.view(np.uint32) != want.view(np.uint32))
    if len(bad):
        i = bad[0]
        print("FAILED: %s: %d of %d differ, first at x=%r: got %r, want %r"
              % (name, len(bad), got.size, x.flat[i], got.flat[i], want.flat[i]))
        return False
    return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", required=True)
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    rng = np.random.RandomState(0)
    ok = [check(name, rng, a.work) for name in CASES]
    if not all(ok):
        return 1
    print("quantized tables: %d unary functions bit-exact" % len(CASES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
