"""A transformer encoder end to end, without PyTorch: an ONNX graph in the
form exporters write (MatMul + Add linear layers on [1, S, E], heads by
Reshape and Transpose, rank-4 MatMuls for Q K^T and P V, Softmax, layer norm
decomposed into ReduceMean/Sub/Pow/Sqrt/Div, GELU through Erf), random
weights, a numpy float64 reference of the same computation.

Checks: the imported float model matches numpy within 1e-4 of the output
range; the int8 model quantizes every matmul (linear layers with their bias
folded, the two attention products of activations) and GELU (one table),
with only softmax and layer norm left in float; its output SQNR against float
stays above a bound; the JIT and an x86_64 executable agree bit for bit.
"""

import argparse
import math
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from qmlir import tools
from qmlir.onnx_import import import_model

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Differential"))
from random_graphs import run_aot  # noqa: E402

E, H, S, F, LAYERS = 32, 4, 8, 64, 2
D = E // H
SQNR_BOUND = 20.0


class Graph:
    def __init__(self, rng):
        self.rng, self.nodes, self.inits, self.n = rng, [], [], 0
        self.weights = {}

    def const(self, array, dtype=np.float32):
        name = "c%d" % len(self.inits)
        self.inits.append(numpy_helper.from_array(np.asarray(array, dtype=dtype), name))
        self.weights[name] = np.asarray(array, dtype=dtype)
        return name

    def node(self, op, inputs, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(self, x, k, n, name):
        w = self.const(self.rng.randn(k, n) / math.sqrt(k))
        b = self.const(self.rng.randn(n) * 0.1)
        return self.node("Add", [self.node("MatMul", [x, w], name + "/MatMul"), b], name + "/Add")

    def layer_norm(self, x, name):
        mean = self.node("ReduceMean", [x], name + "/ReduceMean", axes=[-1])
        d = self.node("Sub", [x, mean], name + "/Sub")
        var = self.node("ReduceMean", [self.node("Pow", [d, self.const(2.0)], name + "/Pow")],
                        name + "/ReduceMean_1", axes=[-1])
        std = self.node("Sqrt", [self.node("Add", [var, self.const(1e-5)], name + "/Add")],
                        name + "/Sqrt")
        y = self.node("Div", [d, std], name + "/Div")
        g = self.const(1 + 0.1 * self.rng.randn(E))
        b = self.const(0.1 * self.rng.randn(E))
        return self.node("Add", [self.node("Mul", [y, g], name + "/Mul"), b], name + "/Add_1")

    def heads(self, x, perm, name):
        shape = self.const([1, S, H, D], np.int64)
        return self.node("Transpose", [self.node("Reshape", [x, shape], name + "/Reshape")],
                         name + "/Transpose", perm=perm)

    def encoder_layer(self, x, p):
        q = self.heads(self.linear(x, E, E, p + "/q"), [0, 2, 1, 3], p + "/qh")
        k = self.heads(self.linear(x, E, E, p + "/k"), [0, 2, 3, 1], p + "/kh")
        v = self.heads(self.linear(x, E, E, p + "/v"), [0, 2, 1, 3], p + "/vh")
        s = self.node("Div", [self.node("MatMul", [q, k], p + "/scores"), self.const(math.sqrt(D))],
                      p + "/scale")
        a = self.node("MatMul", [self.node("Softmax", [s], p + "/softmax", axis=-1), v], p + "/context")
        a = self.node("Transpose", [a], p + "/merge", perm=[0, 2, 1, 3])
        a = self.node("Reshape", [a, self.const([1, S, E], np.int64)], p + "/merge/Reshape")
        x = self.layer_norm(self.node("Add", [x, self.linear(a, E, E, p + "/out")], p + "/res1"),
                            p + "/norm1")
        h = self.linear(x, E, F, p + "/ff1")
        gate = self.node("Erf", [self.node("Div", [h, self.const(math.sqrt(2))], p + "/gelu/Div")],
                         p + "/gelu/Erf")
        gate = self.node("Mul", [self.node("Add", [gate, self.const(1.0)], p + "/gelu/Add"),
                                 self.const(0.5)], p + "/gelu/Mul_1")
        h = self.node("Mul", [h, gate], p + "/gelu/Mul")
        return self.layer_norm(self.node("Add", [x, self.linear(h, F, E, p + "/ff2")], p + "/res2"),
                               p + "/norm2")


def reference(model, weights, x):
    """The graph's nodes evaluated in float64 by numpy."""
    env = {k: v.astype(np.float64) if v.dtype == np.float32 else v for k, v in weights.items()}
    env["x"] = x.astype(np.float64)
    erf = np.vectorize(math.erf)
    ops = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide,
           "Pow": np.power, "MatMul": np.matmul, "Sqrt": np.sqrt, "Erf": erf}
    for n in model.graph.node:
        a = {x.name: helper.get_attribute_value(x) for x in n.attribute}
        ins = [env[i] for i in n.input]
        if n.op_type in ops:
            y = ops[n.op_type](*ins)
        elif n.op_type == "ReduceMean":
            y = ins[0].mean(axis=tuple(a["axes"]), keepdims=True)
        elif n.op_type == "Reshape":
            y = ins[0].reshape(ins[1])
        elif n.op_type == "Transpose":
            y = ins[0].transpose(a["perm"])
        elif n.op_type == "Softmax":
            e = np.exp(ins[0] - ins[0].max(axis=-1, keepdims=True))
            y = e / e.sum(axis=-1, keepdims=True)
        else:
            raise ValueError(n.op_type)
        env[n.output[0]] = y
    return env[model.graph.output[0].name]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", required=True)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rng = np.random.RandomState(0)
    g = Graph(rng)
    y = "x"
    for layer in range(LAYERS):
        y = g.encoder_layer(y, "l%d" % layer)
    graph = helper.make_graph(g.nodes, "encoder",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, S, E])],
                              [helper.make_tensor_value_info(y, TensorProto.FLOAT, [1, S, E])],
                              initializer=g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    path = os.path.join(args.work, "encoder")
    with open(path + ".mlir", "w") as f:
        f.write(import_model(model))
    calib = rng.randn(16, 1, S, E).astype(np.float32)
    x = rng.randn(4, 1, S, E).astype(np.float32)

    ok = True
    want = np.stack([reference(model, g.weights, s) for s in x])
    got = tools.run(path + ".mlir", x)[0]
    err = np.abs(got - want).max() / np.abs(want).max()
    if err > 1e-4:
        print("FAILED: float model differs from numpy by %.2e of the output range" % err)
        ok = False

    tools.calibrate(path + ".mlir", [calib], path + ".json")
    remarks = tools.quantize(path + ".mlir", path + ".int8.mlir", stats=path + ".json")
    text = open(path + ".int8.mlir").read()
    matmuls, tables = text.count("= qnn.matmul"), text.count("= qnn.table")
    if matmuls != LAYERS * 8 or tables < LAYERS:
        print("FAILED: %d qnn.matmul (want %d), %d qnn.table (want %d or more)"
              % (matmuls, LAYERS * 8, tables, LAYERS))
        ok = False
    for r in remarks:
        if "/softmax" not in r and "/norm" not in r:
            print("FAILED: kept in float beyond softmax and layer norm: " + r)
            ok = False
    q = tools.run(path + ".int8.mlir", x)[0]
    sqnr = 10 * np.log10((got ** 2).sum() / ((got - q) ** 2).sum())
    if sqnr < SQNR_BOUND:
        print("FAILED: int8 SQNR %.1f dB, below %.1f" % (sqnr, SQNR_BOUND))
        ok = False

    class Module:
        arrays, expected, dtypes = [x], [q], [q.dtype]
    aot = run_aot(path + ".int8.mlir", "x86_64-linux-gnu", Module, "quant-compile")
    if aot is None or not np.array_equal(aot[0].view(np.uint32), q.view(np.uint32)):
        print("FAILED: the x86_64 executable differs from the JIT")
        ok = False
    if not ok:
        return 1
    print("transformer encoder: float matches numpy, %d int8 matmuls, SQNR above %.0f dB, "
          "JIT and executable agree" % (matmuls, SQNR_BOUND))
    print("SQNR %.1f dB" % sqnr, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
