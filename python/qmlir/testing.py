"""Helpers for tests that build MLIR text and run qmlir's tools."""

import numpy as np

from .mlir_text import dense_str, qtype_str, tensor_str
from .reference import QType


class ModuleBuilder:
    """Text of a module with one @main: arguments with their arrays,
    constants, body lines, and results with their expected values."""

    def __init__(self):
        self.args, self.arrays, self.body = [], [], []
        self.results, self.expected, self.notes = [], [], []

    def arg(self, type_str, array):
        name = "%%arg%d" % len(self.args)
        self.args.append("%s: %s" % (name, type_str))
        self.arrays.append(array)
        return name

    def const(self, t, shape, values):
        """A constant of quantized type `t`: storage integers behind
        quant.scast."""
        n = len(self.body)
        storage = "i%d" % t.bits
        self.body.append("%%k%d = arith.constant %s : %s" % (n, dense_str(values, t.bits), tensor_str(shape, storage)))
        self.body.append("%%w%d = quant.scast %%k%d : %s to %s" % (
            n, n, tensor_str(shape, storage), tensor_str(shape, qtype_str(t))))
        return "%%w%d" % n

    def line(self, text):
        self.body.append(text)

    def result(self, name, type_str, expected, note=""):
        self.results.append((name, type_str))
        self.expected.append(expected)
        self.notes.append(note)

    def op(self, text, type_str, expected, note=""):
        """A body line `%rN = text` that is also a result."""
        name = "%%r%d" % len(self.results)
        self.line("%s = %s" % (name, text))
        self.result(name, type_str, expected, note)

    def text(self):
        results = ", ".join(t for _, t in self.results)
        lines = ["func.func @main(%s) -> (%s) {" % (", ".join(self.args), results)]
        lines += ["  " + l for l in self.body]
        lines.append("  return %s : %s" % (", ".join(n for n, _ in self.results), results))
        lines.append("}")
        return "\n".join(lines) + "\n"


class Rng:
    """Random quantization parameters, biased towards the edges."""

    def __init__(self, seed):
        self.r = np.random.RandomState(seed)

    def choice(self, items):
        return items[self.r.randint(len(items))]

    def chance(self, p):
        return self.r.rand() < p

    def scale(self, lo=-3.0, hi=0.0):
        return float(10 ** self.r.uniform(lo, hi))

    def zero_point(self, t, edge=0.2):
        if self.chance(edge):
            return self.choice([t.qmin, t.qmax])
        return int(self.r.randint(t.qmin, t.qmax + 1))

    def qtype(self, storage, axis=None, channels=1, symmetric=False, narrow=False, edge=0.2):
        base = QType(storage, [1.0], [0])
        qmin, qmax = base.qmin, base.qmax
        if narrow and base.signed:
            qmin = -qmax
        t = QType(storage, [1.0], [0], qmin=qmin, qmax=qmax)
        n = channels if axis is not None else 1
        scales = [self.scale() for _ in range(n)]
        zps = [0 if symmetric else self.zero_point(t, edge) for _ in range(n)]
        return QType(storage, scales, zps, axis=axis, qmin=qmin, qmax=qmax)

    def ratio_scale(self, base, spread=1.0):
        """An output scale whose ratio to `base` gives exact ties (a power
        of two), ratios above 1, or ratios far below 1; `spread` widens the
        non-tie choices (accumulators span more than one input's range)."""
        k = self.r.randint(6)
        if k < 2:
            return base * self.choice([2.0, 4.0, 0.5, 8.0])  # exact ties
        if k == 2:
            return base * 10 ** self.r.uniform(-1.5, 0)  # ratio above 1
        if k == 3:
            return base * 10 ** self.r.uniform(2, 6)  # ratio far below 1
        return base * spread * 10 ** self.r.uniform(-1, 2)

    def data(self, t, shape, samples, edge=0.1):
        """Stored values in t's range; some samples pinned to the limits."""
        a = self.r.randint(t.qmin, t.qmax + 1, size=(samples,) + tuple(shape))
        for s in range(samples):
            if self.chance(edge):
                a[s] = self.choice([t.qmin, t.qmax])
        return a.astype(t.numpy_dtype())
