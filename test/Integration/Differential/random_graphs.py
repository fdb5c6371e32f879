"""Differential testing of random quantized graphs.

Builds random chains and small DAGs of qnn ops (conv2d with strides,
padding, groups and depthwise, matmul, add, mul, pools, clamp, table, concat,
requantize) on NHWC int8/uint8 tensors with random per-tensor and per-axis
parameters and both rounding modes, entered from float through quant.qcast
or from storage, left as i8/u8, i4/u4, i16/u16 storage, through quant.dcast,
or through a qcast/dcast pair, runs every graph through every path the
project has (quant-run's JIT and, with --aot, quant-compile's executables
for x86_64 and for aarch64 under qemu) and compares bit for bit with the
numpy reference. Output parameters are picked from the reference's own
accumulator range, so values exercise the whole storage range rather than
saturating.

    random_graphs.py --seed 1 --modules 10 --graphs 20 --work DIR

Each module holds --graphs independent graphs (one JIT compile per module).
A failure prints the seed, module and graph, and writes the module.
"""

import argparse
import os
import subprocess
import sys

import numpy as np

from qmlir import reference as ref
from qmlir.reference import QType
from qmlir.mlir_text import qtype_str, tensor_str
from qmlir.testing import ModuleBuilder, Rng

MODES = ["fixedpoint", "fp32"]
LAYOUTS = ["nhwc", "nchw"]
SAMPLES = 3


def max_offset(t):
    """The largest |q - zero point| of a per-tensor type."""
    return max(abs(t.qmin - t.zero_points[0]), abs(t.qmax - t.zero_points[0]))


def tt(shape, t):
    return tensor_str(shape, qtype_str(t))


class Graph:
    """One random graph inside a module: SSA text plus reference values."""

    def __init__(self, module, rng, gid):
        self.m, self.rng, self.gid = module, rng, gid
        self.pool = []  # (name, shape, qtype, values[S, ...])
        self.n = 0

    def fresh(self):
        self.n += 1
        return "%%g%d_%d" % (self.gid, self.n)

    def activation_type(self, lo, hi, storage=None):
        """Asymmetric parameters covering the real range [lo, hi]."""
        storage = storage or self.rng.choice(["i8", "u8"])
        t = QType(storage, [1.0], [0])
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        scale = (hi - lo) / (t.qmax - t.qmin) if hi > lo else 1.0
        scale *= self.rng.choice([1.0, 1.0, 0.7, 1.3])  # some saturation
        zp = int(np.clip(round(t.qmin - lo / scale), t.qmin, t.qmax))
        return QType(storage, [scale], [zp])

    def add(self, name, shape, t, values):
        self.pool.append((name, list(shape), t, values))

    def pick(self, pred=lambda e: True):
        cands = [e for e in self.pool if pred(e)]
        if not cands:
            return None
        # Prefer recent values: chains, with occasional fan-out (DAGs).
        return cands[-1] if self.rng.chance(0.6) else self.rng.choice(cands)

    def real_range(self, values, t):
        real = (values.astype(np.float64) - t.zero_points[0]) * t.scales[0]
        return float(real.min()), float(real.max())

    # --- ops --------------------------------------------------------------

    def input(self):
        N, H, W, C = 1, self.rng.r.randint(3, 8), self.rng.r.randint(3, 8), self.rng.r.randint(1, 5)
        shape = [N, H, W, C]
        t = self.rng.qtype(self.rng.choice(["i8", "u8"]), edge=0.2)
        if self.rng.chance(0.3):
            # A float input quantized by the graph (values past the range
            # saturate; NaN goes to the zero point).
            real = (self.rng.r.randn(SAMPLES, *shape) * t.scales[0] * 80).astype(np.float32)
            real.reshape(-1)[0] = np.nan
            arg = self.m.arg(tensor_str(shape, "f32"), real)
            name = self.fresh()
            self.m.line("%s = quant.qcast %s : %s to %s" % (name, arg, tensor_str(shape, "f32"), tt(shape, t)))
            self.add(name, shape, t, ref.quantize(real, t))
            return
        vals = self.rng.data(t, shape, SAMPLES, edge=0.1)
        name = self.m.arg(tt(shape, t), vals)
        self.add(name, shape, t, vals.astype(np.int64))

    def conv(self):
        x = self.pick()
        name, shape, tx, xv = x
        # Either layout reads the rank-4 tensor; NCHW ones also exercise
        # qnn-convert-to-nhwc, which rewrites them for the kernels.
        layout = self.rng.choice(LAYOUTS)
        N, H, W, C = shape if layout == "nhwc" else (shape[0], shape[2], shape[3], shape[1])
        r = self.rng.r
        groups = self.rng.choice([1, 1, C]) if C > 1 else 1
        cg = C // groups
        fg = r.randint(1, 3)
        F = fg * groups
        kh, kw = r.randint(1, 4), r.randint(1, 4)
        st = [r.randint(1, 3), r.randint(1, 3)]
        pad = [int(r.randint(0, 2)) for _ in range(4)]
        if H + pad[0] + pad[2] < kh or W + pad[1] + pad[3] < kw:
            return False
        per_axis = self.rng.chance(0.6)
        f_axis = 3 if layout == "nhwc" else 0
        wshape = [kh, kw, cg, F] if layout == "nhwc" else [F, cg, kh, kw]
        tw = self.rng.qtype("i8", axis=f_axis if per_axis else None, channels=F, narrow=True,
                            symmetric=self.rng.chance(0.7))
        wv = self.rng.data(tw, wshape, 1)[0]
        mode = self.rng.choice(MODES)
        bias = None
        if self.rng.chance(0.6):
            bias = r.randint(-2000, 2000, size=F).astype(np.int64)
        tw_ref = QType(tw.storage, tw.scales, tw.zero_points, axis=f_axis if per_axis else None,
                       qmin=tw.qmin, qmax=tw.qmax)
        # The real output range, from the reference with an i32 output of the
        # input's scale (the accumulator times each weight scale), picks the
        # output parameters.
        probe = QType("i32", [tx.scales[0]], [0])
        real = np.stack([ref.conv2d(xv[s], wv, None, tx, tw_ref, probe, "fixedpoint", layout, st,
                                    (1, 1), pad, groups) for s in range(SAMPLES)]) * tx.scales[0]
        to = self.activation_type(real.min(), real.max())
        outs = np.stack([ref.conv2d(xv[s], wv, bias, tx, tw_ref, to, mode, layout, st, (1, 1), pad, groups)
                         for s in range(SAMPLES)])
        wname = self.m.const(tw, wshape, wv)
        operands, types = "%s, %s" % (name, wname), "%s, %s" % (tt(shape, tx), tt(wshape, tw))
        if bias is not None:
            tb = QType("i32", [tx.scales[0] * s for s in tw.scales], [0] * len(tw.scales),
                       axis=0 if per_axis else None, qmin=ref.INT32_MIN, qmax=ref.INT32_MAX)
            bname = self.m.const(tb, [F], bias)
            operands += ", " + bname
            types += ", " + tt([F], tb)
        out = self.fresh()
        self.m.line("%s = qnn.conv2d %s layout = %s rounding = %s {strides = array<i64: %d, %d>, "
                    "padding = array<i64: %d, %d, %d, %d>, groups = %d : i64} : (%s) -> %s"
                    % ((out, operands, layout, mode) + tuple(st) + tuple(pad)
                       + (groups, types, tt(list(outs.shape[1:]), to))))
        self.add(out, list(outs.shape[1:]), to, outs)
        return True

    def binary(self, kind):
        a = self.pick()
        b = self.pick(lambda e: e[1] == a[1] and e[0] != a[0])
        if b is None:
            return False
        # The verifier bounds the product of qnn.mul's operand offsets to i32.
        if kind == "mul" and max_offset(a[2]) * max_offset(b[2]) > ref.INT32_MAX:
            return False
        mode = self.rng.choice(MODES)
        ra, rb = self.real_range(a[3], a[2]), self.real_range(b[3], b[2])
        if kind == "add":
            lo, hi = ra[0] + rb[0], ra[1] + rb[1]
            fn = ref.add
        else:
            prods = [ra[0] * rb[0], ra[0] * rb[1], ra[1] * rb[0], ra[1] * rb[1]]
            lo, hi = min(prods), max(prods)
            fn = ref.mul
        to = self.activation_type(lo, hi)
        outs = np.stack([fn(a[3][s], b[3][s], a[2], b[2], to, mode) for s in range(SAMPLES)])
        out = self.fresh()
        self.m.line("%s = qnn.%s %s, %s rounding = %s : (%s, %s) -> %s" % (
            out, kind, a[0], b[0], mode, tt(a[1], a[2]), tt(b[1], b[2]), tt(a[1], to)))
        self.add(out, a[1], to, outs)
        return True

    def pool_op(self, kind):
        name, shape, t, xv = self.pick()
        layout = self.rng.choice(LAYOUTS)
        H, W = shape[1:3] if layout == "nhwc" else shape[2:4]
        r = self.rng.r
        k = [r.randint(1, min(3, H) + 1), r.randint(1, min(3, W) + 1)]
        st = [r.randint(1, 3), r.randint(1, 3)]
        pad = [int(r.randint(0, k[i % 2])) for i in range(4)]
        attrs = "{kernel = array<i64: %d, %d>, strides = array<i64: %d, %d>, padding = array<i64: %d, %d, %d, %d>}" % (
            tuple(k) + tuple(st) + tuple(pad))
        out = self.fresh()
        if kind == "max":
            outs = np.stack([ref.max_pool2d(xv[s], t, layout, k, st, pad) for s in range(SAMPLES)])
            to = t
            self.m.line("%s = qnn.max_pool2d %s layout = %s %s : %s -> %s" % (
                out, name, layout, attrs, tt(shape, t), tt(list(outs.shape[1:]), to)))
        else:
            mode = self.rng.choice(MODES)
            to = self.activation_type(*self.real_range(xv, t))
            outs = np.stack([ref.avg_pool2d(xv[s], t, to, mode, layout, k, st, pad, False)
                             for s in range(SAMPLES)])
            self.m.line("%s = qnn.avg_pool2d %s layout = %s rounding = %s %s : %s -> %s" % (
                out, name, layout, mode, attrs, tt(shape, t), tt(list(outs.shape[1:]), to)))
        self.add(out, list(outs.shape[1:]), to, outs)
        return True

    def clamp(self):
        name, shape, t, xv = self.pick()
        lo = int(self.rng.r.randint(t.qmin, t.qmax + 1))
        hi = int(self.rng.r.randint(lo, t.qmax + 1))
        out = self.fresh()
        self.m.line("%s = qnn.clamp %s min = %d max = %d : %s" % (out, name, lo, hi, tt(shape, t)))
        self.add(out, shape, t, ref.clamp(xv, lo, hi))
        return True

    def table(self):
        """A unary function as qnn.table: tanh of the real value, or random
        entries."""
        name, shape, t, xv = self.pick()
        if t.bits > 8:
            return False
        lo = -(1 << (t.bits - 1)) if t.signed else 0
        inputs = np.arange(lo, lo + (1 << t.bits))
        to = self.activation_type(-1.0, 1.0)
        if self.rng.chance(0.5):
            entries = ref.quantize(np.tanh(ref.dequantize(inputs, t)), to)
        else:
            entries = self.rng.r.randint(to.qmin, to.qmax + 1, size=len(inputs), dtype=np.int64)
        out = self.fresh()
        self.m.line("%s = qnn.table %s table = dense<[%s]> : tensor<%dxi%d> : %s -> %s" % (
            out, name, ", ".join(map(str, entries)), len(entries), to.bits, tt(shape, t), tt(shape, to)))
        self.add(out, shape, to, ref.table(xv, t, entries))
        return True

    def concat(self):
        a = self.pick()
        b = self.pick(lambda e: e[1][:3] == a[1][:3] and e[0] != a[0])
        if b is None:
            return False
        mode = self.rng.choice(MODES)
        lo = min(self.real_range(a[3], a[2])[0], self.real_range(b[3], b[2])[0])
        hi = max(self.real_range(a[3], a[2])[1], self.real_range(b[3], b[2])[1])
        to = a[2] if self.rng.chance(0.3) else self.activation_type(lo, hi)
        outs = np.stack([ref.concat([a[3][s], b[3][s]], [a[2], b[2]], to, 3, mode) for s in range(SAMPLES)])
        shape = a[1][:3] + [a[1][3] + b[1][3]]
        out = self.fresh()
        self.m.line("%s = qnn.concat %s, %s dim = 3 rounding = %s : (%s, %s) -> %s" % (
            out, a[0], b[0], mode, tt(a[1], a[2]), tt(b[1], b[2]), tt(shape, to)))
        self.add(out, shape, to, outs)
        return True

    def requantize(self):
        name, shape, t, xv = self.pick()
        mode = self.rng.choice(MODES)
        to = self.activation_type(*self.real_range(xv, t), storage=self.rng.choice(["i8", "u8", "i16"]))
        out = self.fresh()
        self.m.line("%s = qnn.requantize %s rounding = %s : %s -> %s" % (out, name, mode, tt(shape, t), tt(shape, to)))
        self.add(out, shape, to, ref.requantize(xv, t, to, mode))
        return True

    def dense(self):
        """Flatten the latest value and apply a matmul: the graph's end."""
        name, shape, t, xv = self.pool[-1]
        if t.bits > 8:
            return False
        K = int(np.prod(shape[1:]))
        flat = self.fresh()
        self.m.line("%s = tensor.collapse_shape %s [[0], [1, 2, 3]] : %s into %s" % (
            flat, name, tt(shape, t), tt([1, K], t)))
        N = self.rng.r.randint(1, 6)
        tw = self.rng.qtype("i8", axis=1, channels=N, narrow=True, symmetric=True)
        wv = self.rng.data(tw, [K, N], 1)[0]
        mode = self.rng.choice(MODES)
        xs = xv.reshape(SAMPLES, 1, K)
        raw = np.stack([ref.matmul(xs[s], wv, None, t, tw, QType("i32", [t.scales[0]], [0]), "fixedpoint")
                        for s in range(SAMPLES)]) * t.scales[0]
        to = self.activation_type(raw.min(), raw.max())
        outs = np.stack([ref.matmul(xs[s], wv, None, t, tw, to, mode) for s in range(SAMPLES)])
        wname = self.m.const(tw, [K, N], wv)
        out = self.fresh()
        self.m.line("%s = qnn.matmul %s, %s rounding = %s : (%s, %s) -> %s" % (
            out, flat, wname, mode, tt([1, K], t), tt([K, N], tw), tt([1, N], to)))
        self.add(out, [1, N], to, outs)
        return True

    def build(self, length):
        self.input()
        if self.rng.chance(0.3):
            self.input()  # a second input for DAGs
        ops = [self.conv, self.conv, lambda: self.binary("add"), lambda: self.binary("mul"),
               lambda: self.pool_op("max"), lambda: self.pool_op("avg"), self.clamp,
               self.table, self.concat, self.requantize]
        done = 0
        while done < length:
            if all(len(e[1]) == 4 for e in self.pool) and self.rng.choice(ops)():
                done += 1
        if self.rng.chance(0.4):
            self.dense()
        return self.output()

    def output(self):
        """The graph's result: its storage, another storage (sub-byte and
        16-bit included), or float through quant.dcast, possibly after a
        qcast/dcast pair. Returns (name, type, values, numpy dtype)."""
        name, shape, t, values = self.pool[-1]
        k = self.rng.r.randint(5)
        if k == 1:
            to = self.activation_type(*self.real_range(values, t),
                                      storage=self.rng.choice(["i4", "u4", "i16", "u16"]))
            out = self.fresh()
            mode = self.rng.choice(MODES)
            self.m.line("%s = qnn.requantize %s rounding = %s : %s -> %s" % (
                out, name, mode, tt(shape, t), tt(shape, to)))
            return out, tt(shape, to), ref.requantize(values, t, to, mode), to.numpy_dtype()
        if k >= 3:
            real = self.fresh()
            self.m.line("%s = quant.dcast %s : %s to %s" % (real, name, tt(shape, t), tensor_str(shape, "f32")))
            values = ref.dequantize(values, t)
            if k == 4:
                # Requantized through a pair whose scale is not the value's.
                t2 = self.activation_type(*self.real_range(ref.quantize(values, t), t))
                q, out = self.fresh(), self.fresh()
                self.m.line("%s = quant.qcast %s : %s to %s" % (q, real, tensor_str(shape, "f32"), tt(shape, t2)))
                self.m.line("%s = quant.dcast %s : %s to %s" % (out, q, tt(shape, t2), tensor_str(shape, "f32")))
                real, values = out, ref.dequantize(ref.quantize(values, t2), t2)
            return real, tensor_str(shape, "f32"), values, np.float32
        return name, tt(shape, t), values, t.numpy_dtype()


def check_module(seed, index, graphs, work, quant_run, quant_compile, aot):
    rng = Rng(seed * 1000 + index)
    m = ModuleBuilder()
    m.dtypes = []
    for g in range(graphs):
        name, type_str, values, dtype = Graph(m, rng, g).build(rng.r.randint(2, 7))
        m.result(name, type_str, values)
        m.dtypes.append(dtype)
    path = os.path.join(work, "module%d.mlir" % index)
    with open(path, "w") as f:
        f.write(m.text())
    inputs, outputs = path + ".in.npz", path + ".out.npz"
    np.savez(inputs, *m.arrays)
    r = subprocess.run([quant_run, path, "--input=" + inputs, "--output=" + outputs],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr[-2000:])
        print("FAILED: seed %d module %d: quant-run exited %d (%s)" % (seed, index, r.returncode, path))
        return False
    got = np.load(outputs)
    results = {"quant-run": [got["arr_%d" % g] for g in range(len(m.expected))]}
    for target in aot:
        results[target] = run_aot(path, target, m, quant_compile)
    ok = True
    for where, values in results.items():
        if values is None:
            print("FAILED: seed %d module %d: %s did not run (%s)" % (seed, index, where, path))
            ok = False
            continue
        for g, want in enumerate(m.expected):
            have = values[g]
            if have.dtype != m.dtypes[g]:
                print("FAILED: seed %d module %d graph %d: %s gives %s, not %s (%s)"
                      % (seed, index, g, where, have.dtype, np.dtype(m.dtypes[g]), path))
                ok = False
                continue
            same = bits(have) == bits(want.astype(m.dtypes[g]))
            if not same.all():
                idx = tuple(np.argwhere(~same)[0])
                print("FAILED: seed %d module %d graph %d differs at %s: %s %r, reference %r (%s)"
                      % (seed, index, g, idx, where, have[idx], want[idx], path))
                ok = False
    return ok


def bits(a):
    """Values compared bit for bit: floats by their encoding (NaN too)."""
    return a.view(np.uint32) if a.dtype == np.float32 else a.astype(np.int64)


RUN = {"x86_64-linux-gnu": [], "aarch64-linux-gnu": ["qemu-aarch64", "-cpu", "max", "-L", "/usr/aarch64-linux-gnu"]}


def run_aot(path, target, m, quant_compile):
    """quant-compile --emit=exe for `target` and run the executable on the
    module's inputs (its runner takes every sample in one run); returns the
    outputs like quant-run's."""
    exe = "%s.%s.exe" % (path, target)
    r = subprocess.run([quant_compile, path, "--target=" + target, "--emit=exe", "-o", exe],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr[-2000:])
        return None
    ins = []
    for i, a in enumerate(m.arrays):
        ins.append("--input=%s.in%d.npy" % (path, i))
        np.save(ins[-1][len("--input="):], a)
    outs = ["%s.%s.out%d.npy" % (path, target, g) for g in range(len(m.expected))]
    r = subprocess.run(RUN[target] + [exe] + ins + ["--output=" + o for o in outs],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr[-2000:])
        return None
    return [np.load(o) for o in outs]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--modules", type=int, default=10)
    p.add_argument("--graphs", type=int, default=20)
    p.add_argument("--work", required=True)
    p.add_argument("--quant-run", default="quant-run")
    p.add_argument("--quant-compile", default="quant-compile")
    p.add_argument("--aot", default="", help="comma-separated targets: x86_64-linux-gnu,aarch64-linux-gnu")
    a = p.parse_args()
    aot = [t for t in a.aot.split(",") if t]
    os.makedirs(a.work, exist_ok=True)
    failures = sum(not check_module(a.seed, i, a.graphs, a.work, a.quant_run, a.quant_compile, aot)
                   for i in range(a.modules))
    total = a.modules * a.graphs
    if failures:
        print("FAILED: %d of %d modules differ; rerun with --seed %d" % (failures, a.modules, a.seed))
        return 1
    print("random graphs: %d graphs x %d samples bit-exact on %s (seed %d)"
          % (total, SAMPLES, ", ".join(["quant-run"] + aot), a.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
