"""Differential testing of random float models and their quantized forms.

Builds random ONNX float models (conv with strides, padding, groups and
depthwise; transposed conv (stride 2, depthwise or not); relu, relu6 and
unary functions (sigmoid, swish, tanh, hard-swish, leaky ReLU, ELU, GELU);
max pooling with and without -inf padding, average pooling;
squeeze-and-excitation (a broadcast product); residual add; channel concat;
global pooling, a dense layer and sometimes a softmax), imports them,
calibrates and quantizes
them, and runs both the float and the int8 model through every path: the
JIT (quant-run) and, with --aot, quant-compile objects for x86_64 and for
aarch64 under qemu. All paths must agree bit for bit; the int8 model must
stay close to the float one.

    random_float_models.py --seed 1 --models 6 --work DIR [--aot ...]
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from qmlir import tools
from qmlir.onnx_import import import_model

sys.path.insert(0, os.path.dirname(__file__))
from random_graphs import run_aot  # noqa: E402

SAMPLES = 4


class Builder:
    def __init__(self, rng):
        self.r, self.nodes, self.inits, self.n = rng, [], [], 0
        self.unaries = []  # the outputs of unary functions

    def name(self, stem):
        self.n += 1
        return "%s%d" % (stem, self.n)

    def const(self, array):
        n = self.name("w")
        self.inits.append(numpy_helper.from_array(array.astype(np.float32), n))
        return n

    def node(self, op, inputs, **attrs):
        out = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def conv(self, x, c, h, w):
        r = self.r
        depthwise = c > 1 and r.rand() < 0.3
        f = c if depthwise else int(r.randint(1, 7))
        k = int(r.choice([1, 3]))
        s = int(r.choice([1, 1, 2]))
        p = k // 2
        group = c if depthwise else 1
        wt = r.randn(f, c // group, k, k) * (1.0 / np.sqrt(k * k * c / group))
        y = self.node("Conv", [x, self.const(wt), self.const(r.randn(f) * 0.1)],
                      kernel_shape=[k, k], strides=[s, s], pads=[p, p, p, p], group=group)
        oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        act = r.rand()
        if act < 0.5:
            y = self.node("Relu", [y])
        elif act < 0.6:
            zero, six = self.const(np.array(0.0)), self.const(np.array(6.0))
            y = self.node("Clip", [y, zero, six])
        elif act < 0.8:
            y = self.unary(y)
        return y, f, oh, ow

    def conv_transpose(self, x, c, h, w):
        """A decoder's upsampling: stride 2, sometimes depthwise, with
        output_padding, then ReLU."""
        r = self.r
        depthwise = c > 1 and r.rand() < 0.3
        f = c if depthwise else int(r.randint(1, 5))
        k, pad, extra = int(r.choice([2, 3, 4])), int(r.randint(0, 2)), int(r.randint(0, 2))
        wt = r.randn(c, 1 if depthwise else f, k, k) / k
        y = self.node("ConvTranspose", [x, self.const(wt), self.const(r.randn(f) * 0.1)],
                      kernel_shape=[k, k], strides=[2, 2], pads=[pad] * 4,
                      output_padding=[extra, extra], group=c if depthwise else 1)
        oh, ow = (2 * (n - 1) + extra + k - 2 * pad for n in (h, w))
        return self.node("Relu", [y]), f, oh, ow

    def squeeze_excite(self, x, c):
        """MobileNetV3's channel attention: x times a per-channel gate
        computed from its global average, broadcast over H and W."""
        r, mid = self.r, max(1, c // 2)
        s = self.node("GlobalAveragePool", [x])
        s = self.node("Conv", [s, self.const(r.randn(mid, c, 1, 1)), self.const(r.randn(mid) * 0.1)],
                      kernel_shape=[1, 1])
        s = self.node("Relu", [s])
        s = self.node("Conv", [s, self.const(r.randn(c, mid, 1, 1)), self.const(r.randn(c) * 0.1)],
                      kernel_shape=[1, 1])
        gate = self.node("HardSigmoid", [s], alpha=1 / 6)
        self.unaries.append(gate)
        return self.node("Mul", [x, gate])

    def unary(self, y):
        """A unary function, quantized as one qnn.table (several ops in a
        chain become one table)."""
        kind = self.r.choice(["sigmoid", "swish", "tanh", "hardswish", "leakyrelu", "elu", "gelu"])
        out = self.unary_nodes(y, kind)
        self.unaries.append(out)
        return out

    def unary_nodes(self, y, kind):
        if kind == "sigmoid":
            return self.node("Sigmoid", [y])
        if kind == "swish":
            return self.node("Mul", [y, self.node("Sigmoid", [y])])
        if kind == "tanh":
            return self.node("Tanh", [y])
        if kind == "hardswish":  # opset 13 has no HardSwish: exporters write this
            return self.node("Mul", [y, self.node("HardSigmoid", [y], alpha=1 / 6)])
        if kind == "leakyrelu":
            return self.node("LeakyRelu", [y], alpha=0.1)
        if kind == "elu":
            return self.node("Elu", [y])
        # GELU as exporters decompose it: x * 0.5 * (1 + erf(x / sqrt(2))).
        e = self.node("Erf", [self.node("Div", [y, self.const(np.array(np.sqrt(2.0)))])])
        h = self.node("Mul", [self.node("Add", [e, self.const(np.array(1.0))]), self.const(np.array(0.5))])
        return self.node("Mul", [y, h])


def random_model(rng):
    b = Builder(rng)
    c, h, w = int(rng.randint(1, 4)), int(rng.randint(6, 11)), int(rng.randint(6, 11))
    x = "x"
    cur, cc, hh, ww = x, c, h, w
    skip = None
    for _ in range(int(rng.randint(2, 5))):
        choice = rng.rand()
        if choice < 0.5 or hh < 2 or ww < 2:
            cur, cc, hh, ww = b.conv(cur, cc, hh, ww)
        elif choice < 0.58:
            cur = b.node("MaxPool", [cur], kernel_shape=[2, 2], strides=[2, 2])
            hh, ww = hh // 2, ww // 2
        elif choice < 0.65:
            # ResNet's stem pool: -inf padding, never calibration data.
            cur = b.node("MaxPool", [cur], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
            hh, ww = (hh - 1) // 2 + 1, (ww - 1) // 2 + 1
        elif choice < 0.7:
            cur = b.node("AveragePool", [cur], kernel_shape=[2, 2], strides=[2, 2])
            hh, ww = hh // 2, ww // 2
        elif choice < 0.74:
            cur, cc, hh, ww = b.conv_transpose(cur, cc, hh, ww)
        elif choice < 0.8:
            cur = b.squeeze_excite(cur, cc)
        elif skip and skip[1:] == (cc, hh, ww):
            cur = b.node("Add", [cur, skip[0]])
        else:
            branch, bc, bh, bw = b.conv(cur, cc, hh, ww)
            if (bh, bw) == (hh, ww):
                cur = b.node("Concat", [cur, branch], axis=1)
                cc += bc
        skip = (cur, cc, hh, ww) if rng.rand() < 0.5 else skip
    pooled = b.node("GlobalAveragePool", [cur])
    flat = b.node("Flatten", [pooled], axis=1)
    classes = int(rng.randint(2, 6))
    out = b.node("Gemm", [flat, b.const(rng.randn(classes, cc) * 0.5), b.const(rng.randn(classes) * 0.1)], transB=1)
    if rng.rand() < 0.3:
        out = b.node("Softmax", [out], axis=1)
    graph = helper.make_graph(
        b.nodes, "random", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, h, w])],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, [1, classes])], initializer=b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    # Branches the generator dropped are dead code, which the import removes.
    live, todo = set(), [out]
    producers = {n.output[0]: n for n in b.nodes}
    while todo:
        name = todo.pop()
        if name in producers and name not in live:
            live.add(name)
            todo.extend(producers[name].input)
    return model, (1, c, h, w), sum(u in live for u in b.unaries)


class Shape:
    """What run_aot needs of a module: its input arrays, expected output
    shapes and dtypes."""

    def __init__(self, arrays, outputs):
        self.arrays = arrays
        self.expected = [np.zeros(o.shape) for o in outputs]
        self.dtypes = [o.dtype for o in outputs]


def check(seed, index, work, aot):
    rng = np.random.RandomState(seed * 1000 + index)
    model, shape, unaries = random_model(rng)
    float_path = os.path.join(work, "float%d.mlir" % index)
    with open(float_path, "w") as f:
        f.write(import_model(model))
    calib = rng.rand(16, *shape).astype(np.float32)
    x = rng.rand(SAMPLES, *shape).astype(np.float32)
    stats = os.path.join(work, "stats%d.json" % index)
    int8_path = os.path.join(work, "int8_%d.mlir" % index)
    tools.calibrate(float_path, [calib], stats)
    tools.quantize(float_path, int8_path, stats=stats)
    ok = True
    results = {}
    for kind, path in (("float", float_path), ("int8", int8_path)):
        jit = tools.run(path, x)
        results[kind] = jit[0]
        for target in aot:
            got = run_aot(path, target, Shape([x], jit), "quant-compile")
            if got is None or not all(np.array_equal(g.view(np.uint8), j.view(np.uint8))
                                      for g, j in zip(got, jit)):
                print("FAILED: seed %d model %d: %s %s differs from the JIT (%s)" % (seed, index, kind, target, path))
                ok = False
    f, q = results["float"], results["int8"]
    rel = np.abs(q - f).max() / max(np.abs(f).max(), 1e-6)
    if rel > 0.2:
        print("FAILED: seed %d model %d: int8 strays from float by %.3f of the output range" % (seed, index, rel))
        ok = False
    text = open(int8_path).read()
    if "linalg.conv" in text or "linalg.matmul" in text:
        print("FAILED: seed %d model %d: a contraction stayed in float (%s)" % (seed, index, int8_path))
        ok = False
    if "arith.mulf" in text:  # swish, hard-swish, GELU, squeeze-and-excitation
        print("FAILED: seed %d model %d: a product stayed in float (%s)" % (seed, index, int8_path))
        ok = False
    if text.count("qnn.table") != unaries:
        print("FAILED: seed %d model %d: %d unary functions, %d tables (%s)"
              % (seed, index, unaries, text.count("qnn.table"), int8_path))
        ok = False
    return ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--models", type=int, default=6)
    p.add_argument("--work", required=True)
    p.add_argument("--aot", default="")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    aot = [t for t in a.aot.split(",") if t]
    failures = sum(not check(a.seed, i, a.work, aot) for i in range(a.models))
    if failures:
        print("FAILED: %d of %d models; rerun with --seed %d" % (failures, a.models, a.seed))
        return 1
    print("random float models: %d models, float and int8, agree on %s (seed %d)"
          % (a.models, ", ".join(["quant-run"] + aot), a.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
