"""Random qnn op cases run by quant-run and compared bit for bit with the
numpy reference (python/qmlir/reference.py).

Each invocation builds one module whose @main holds `--configs` ops of one
kind, each with its own random parameters and shapes, and runs it on
`--samples` samples (the quant-run sample convention), so one JIT compile
checks configs x samples cases.
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


def tt(shape, t):
    return tensor_str(shape, qtype_str(t))


def per_sample(fn, samples, *arrays):
    """Applies a reference function sample by sample."""
    return np.stack([fn(*[a[s] for a in arrays]) for s in range(samples)])


def gen_requantize(m, rng, S):
    shape = [rng.r.randint(1, 4), rng.r.randint(1, 9)]
    kind = rng.r.randint(4)
    sin = rng.choice(["i8", "u8", "i16", "i32", "i4"])
    sout = rng.choice(["i8", "u8", "i16", "i32"])
    axis_in = 1 if kind == 1 else None
    axis_out = 1 if kind == 2 else None
    tin = rng.qtype(sin, axis=axis_in, channels=shape[1], narrow=rng.chance(0.2))
    if kind == 3 and sin == "i32":
        tin = rng.qtype(sin, axis=None)
        tin.zero_points = [rng.choice([tin.qmin, tin.qmax])]  # x = q - zp saturates
    tout = rng.qtype(sout, axis=axis_out, channels=shape[1], narrow=rng.chance(0.2))
    tout.scales = [rng.ratio_scale(tin.scales[0]) for _ in tout.scales]
    mode = rng.choice(MODES)
    if axis_in is None and rng.chance(0.3):
        # Multipliers at the edges of the spec: around the identity
        # tolerance, below 2^-32 (R = 0), the largest exponents.
        edges = [1 + 0.99e-6, 1 - 0.99e-6, 1 + 1.0000005e-6, 1 - 1.01e-6,
                 0.75 * 2.0 ** -32, 2.0 ** -32, 0.99 * 2.0 ** 30]
        if mode == "fp32":
            edges.append(1.5 * 2.0 ** 30)  # not representable in fixed point
        tout.scales = [tin.scales[0] / rng.choice(edges) for _ in tout.scales]
    a = rng.data(tin, shape, S)
    x = m.arg(tt(shape, tin), a)
    m.op("qnn.requantize %s rounding = %s : %s -> %s" % (x, mode, tt(shape, tin), tt(shape, tout)),
         tt(shape, tout), per_sample(lambda q: ref.requantize(q, tin, tout, mode), S, a),
         "requantize %s -> %s %s" % (qtype_str(tin), qtype_str(tout), mode))


def bias_for(rng, tx, tw, n):
    """An i32 bias type of scale s_x * s_w[c] and values near the limits."""
    scales = [tx.scales[0] * s for s in tw.scales]
    tb = QType("i32", scales, [0] * len(scales), axis=0 if tw.axis is not None else None)
    lim = rng.choice([1000, 1 << 20, 1 << 31])
    values = rng.r.randint(-lim, lim, size=n, dtype=np.int64)
    return tb, values


def gen_matmul(m, rng, S, long_k=False, kernel=False):
    sx = rng.choice(["i8", "u8", "i16"])
    sw = rng.choice(["i8", "i8", "u8", "i4"])
    batch = [] if rng.chance(0.6) else [rng.r.randint(1, 3)]
    M, N = rng.r.randint(1, 5), rng.r.randint(1, 9)
    K = rng.r.randint(1, 40)
    if kernel:
        # Shapes across the qmlir-int8-kernels tiles: row, column and k tails.
        sx = rng.choice(["i8", "u8"])
        batch, M, N, K = [], rng.r.randint(1, 27), rng.r.randint(1, 70), rng.r.randint(1, 300)
    per_axis = rng.chance(0.5)
    tx = rng.qtype(sx, edge=0.3)
    rhs_batched = bool(batch) and rng.chance(0.5)
    tw = rng.qtype(sw, axis=len(batch) * rhs_batched + 1 if per_axis else None, channels=N,
                   narrow=rng.chance(0.3), symmetric=rng.chance(0.5))
    if long_k:
        # Near the i32 accumulation bound with extreme data.
        sx, sw = "i8", "i8"
        tx = QType("i8", [0.01], [0])
        tw = QType("i8", [0.02], [0])
        batch, M, N, K, per_axis = [], 1, 2, 131071, False
    maxw = max(max(abs(tw.qmax - z), abs(tw.qmin - z)) for z in tw.zero_points)
    maxx = max(abs(tx.qmax - tx.zero_points[0]), abs(tx.qmin - tx.zero_points[0]))
    while K * maxx * maxw > ref.INT32_MAX:
        K //= 2
    tout = rng.qtype(rng.choice(["i8", "u8", "i16", "i32"]))
    acc_scale = tx.scales[0] * tw.scales[0]
    tout.scales = [rng.ratio_scale(acc_scale, spread=rng.choice([1.0, 30.0, 1000.0]))]
    if rng.chance(0.1) and not per_axis:
        tout = QType("i32", [acc_scale], [0])  # raw accumulator
    mode = rng.choice(MODES)
    const_w = not batch and (kernel or rng.chance(0.5))
    xs = batch + [M, K]
    ws = (batch if rhs_batched else []) + [K, N]
    rs = batch + [M, N]
    a = rng.data(tx, xs, S, edge=0.3)
    if long_k:
        a[:] = -128
    x = m.arg(tt(xs, tx), a)
    if const_w:
        wv = rng.data(tw, ws, 1, edge=0.3)[0]
        if long_k:
            wv[:] = -128
        w = m.const(tw, ws, wv)
        wa = np.broadcast_to(wv, (S,) + wv.shape)
    else:
        wa = rng.data(tw, ws, S, edge=0.3)
        w = m.arg(tt(ws, tw), wa)
    operands, types = "%s, %s" % (x, w), "%s, %s" % (tt(xs, tx), tt(ws, tw))
    bias = None
    if rng.chance(0.5):
        tb, bias = bias_for(rng, tx, tw, N)
        b = m.arg(tt([N], tb), np.broadcast_to(bias.astype(np.int32), (S, N)).copy())
        operands += ", " + b
        types += ", " + tt([N], tb)
    rounding = "" if mode == "fixedpoint" and rng.chance(0.5) else " rounding = %s" % mode
    m.op("qnn.matmul %s%s : (%s) -> %s" % (operands, rounding, types, tt(rs, tout)), tt(rs, tout),
         per_sample(lambda p, q: ref.matmul(p, q, bias, tx, tw, tout, mode), S, a, wa),
         "matmul %s x %s -> %s K=%d const=%s %s" % (qtype_str(tx), qtype_str(tw), qtype_str(tout), K, const_w, mode))


def gen_conv(m, rng, S, kernel=False):
    layout = rng.choice(["nhwc", "nchw"])
    groups = 1 if kernel else rng.choice([1, 1, 2, 3])
    depthwise = rng.chance(0.4 if kernel else 0.25)
    cg = 1 if depthwise else rng.r.randint(1, 20 if kernel else 4)
    if kernel and depthwise:
        groups = rng.r.randint(1, 40)  # one group per channel
    C = cg * groups
    fg = 1 if kernel and depthwise else rng.r.randint(1, 40 if kernel else 3)
    F = fg * groups
    kh, kw = rng.r.randint(1, 4), rng.r.randint(1, 4)
    st = [rng.r.randint(1, 3), rng.r.randint(1, 3)]
    dl = [rng.r.randint(1, 3), rng.r.randint(1, 3)]
    pad = [int(rng.r.randint(0, 3)) for _ in range(4)]
    H = rng.r.randint(max(1, dl[0] * (kh - 1) + 1 - pad[0] - pad[2]), 8)
    W = rng.r.randint(max(1, dl[1] * (kw - 1) + 1 - pad[1] - pad[3]), 8)
    OH = (H + pad[0] + pad[2] - dl[0] * (kh - 1) - 1) // st[0] + 1
    OW = (W + pad[1] + pad[3] - dl[1] * (kw - 1) - 1) // st[1] + 1
    N = rng.r.randint(1, 3)
    tx = rng.qtype(rng.choice(["i8", "u8"]), edge=0.3)
    per_axis = rng.chance(0.5)
    faxis = 0 if layout == "nchw" else 3
    tw = rng.qtype(rng.choice(["i8", "u8", "i4"]), axis=faxis if per_axis else None, channels=F,
                   symmetric=rng.chance(0.5))
    tout = rng.qtype(rng.choice(["i8", "u8", "i16"]))
    tout.scales = [rng.ratio_scale(tx.scales[0] * tw.scales[0], spread=rng.choice([1.0, 30.0, 300.0]))]
    mode = rng.choice(MODES)
    if layout == "nhwc":
        xs, ws, rs = [N, H, W, C], [kh, kw, cg, F], [N, OH, OW, F]
    else:
        xs, ws, rs = [N, C, H, W], [F, cg, kh, kw], [N, F, OH, OW]
    a = rng.data(tx, xs, S, edge=0.3)
    x = m.arg(tt(xs, tx), a)
    if kernel or rng.chance(0.5):
        wv = rng.data(tw, ws, 1, edge=0.3)[0]
        w = m.const(tw, ws, wv)
        wa = np.broadcast_to(wv, (S,) + wv.shape)
        const = True
    else:
        wa = rng.data(tw, ws, S, edge=0.3)
        w = m.arg(tt(ws, tw), wa)
        const = False
    tw_ref = QType(tw.storage, tw.scales, tw.zero_points, axis=3 if per_axis else None,
                   qmin=tw.qmin, qmax=tw.qmax)
    operands, types = "%s, %s" % (x, w), "%s, %s" % (tt(xs, tx), tt(ws, tw))
    bias = None
    if rng.chance(0.5):
        tb, bias = bias_for(rng, tx, tw, F)
        b = m.arg(tt([F], tb), np.broadcast_to(bias.astype(np.int32), (S, F)).copy())
        operands += ", " + b
        types += ", " + tt([F], tb)
    attrs = "{strides = array<i64: %d, %d>, dilations = array<i64: %d, %d>, padding = array<i64: %d, %d, %d, %d>, groups = %d : i64}" % (
        tuple(st) + tuple(dl) + tuple(pad) + (groups,))
    m.op("qnn.conv2d %s layout = %s rounding = %s %s : (%s) -> %s" % (operands, layout, mode, attrs, types, tt(rs, tout)),
         tt(rs, tout),
         per_sample(lambda p, q: ref.conv2d(p, q, bias, tx, tw_ref, tout, mode, layout, st, dl, pad, groups), S, a, wa),
         "conv2d %s x=%s w=%s out=%s st=%s dl=%s pad=%s groups=%d const=%s %s" % (
             layout, xs, ws, qtype_str(tout), st, dl, pad, groups, const, mode))


def gen_binary(m, rng, S, kind):
    shape = [rng.r.randint(1, 4), rng.r.randint(1, 9)]
    storages = ["i8", "u8", "i16"] if kind == "add" else ["i8", "u8"]
    ta = rng.qtype(rng.choice(storages), edge=0.3)
    tb = rng.qtype(rng.choice(storages), edge=0.3)
    if kind == "mul" and rng.chance(0.3):
        ta, tb = rng.qtype("i16", symmetric=True), rng.qtype("i16", symmetric=True)
        if rng.chance(0.5):
            # The verifier's bound: offsets up to 65535 * 32768 < 2^31.
            ta.zero_points = [-32768]
    tout = rng.qtype(rng.choice(["i8", "u8", "i16"]))
    base = ta.scales[0] * tb.scales[0] if kind == "mul" else max(ta.scales[0], tb.scales[0])
    tout.scales = [rng.ratio_scale(base)]
    if kind == "add" and rng.chance(0.2):
        tb.scales = list(ta.scales)  # equal input scales: exact ties in fp32
    mode = rng.choice(MODES)
    a, b = rng.data(ta, shape, S, edge=0.3), rng.data(tb, shape, S, edge=0.3)
    x, y = m.arg(tt(shape, ta), a), m.arg(tt(shape, tb), b)
    fn = ref.add if kind == "add" else ref.mul
    m.op("qnn.%s %s, %s rounding = %s : (%s, %s) -> %s" % (kind, x, y, mode, tt(shape, ta), tt(shape, tb), tt(shape, tout)),
         tt(shape, tout), per_sample(lambda p, q: fn(p, q, ta, tb, tout, mode), S, a, b),
         "%s %s + %s -> %s %s" % (kind, qtype_str(ta), qtype_str(tb), qtype_str(tout), mode))


def gen_binary_exhaustive(m, rng, S, kind):
    """Every pair of 8-bit stored values, where rare rounding ties show."""
    ta = rng.qtype(rng.choice(["i8", "u8"]))
    tb = rng.qtype(rng.choice(["i8", "u8"]))
    tout = rng.qtype(rng.choice(["i8", "u8"]))
    base = ta.scales[0] * tb.scales[0] if kind == "mul" else max(ta.scales[0], tb.scales[0])
    tout.scales = [rng.ratio_scale(base)]
    mode = rng.choice(MODES)
    qa = np.arange(ta.qmin, ta.qmax + 1)
    qb = np.arange(tb.qmin, tb.qmax + 1)
    shape = [len(qa), len(qb)]
    a = np.broadcast_to(qa[:, None], shape).astype(ta.numpy_dtype())[None].repeat(S, 0)
    b = np.broadcast_to(qb[None, :], shape).astype(tb.numpy_dtype())[None].repeat(S, 0)
    x, y = m.arg(tt(shape, ta), a), m.arg(tt(shape, tb), b)
    fn = ref.add if kind == "add" else ref.mul
    m.op("qnn.%s %s, %s rounding = %s : (%s, %s) -> %s" % (kind, x, y, mode, tt(shape, ta), tt(shape, tb), tt(shape, tout)),
         tt(shape, tout), per_sample(lambda p, q: fn(p, q, ta, tb, tout, mode), S, a, b),
         "%s exhaustive %s + %s -> %s %s" % (kind, qtype_str(ta), qtype_str(tb), qtype_str(tout), mode))


def gen_clamp(m, rng, S):
    shape = [rng.r.randint(1, 9)]
    t = rng.qtype(rng.choice(["i8", "u8", "i16"]), narrow=rng.chance(0.3))
    lo = int(rng.r.randint(t.qmin, t.qmax + 1))
    hi = int(rng.r.randint(lo, t.qmax + 1))
    a = rng.data(t, shape, S)
    x = m.arg(tt(shape, t), a)
    m.op("qnn.clamp %s min = %d max = %d : %s" % (x, lo, hi, tt(shape, t)), tt(shape, t),
         per_sample(lambda q: ref.clamp(q, lo, hi), S, a), "clamp [%d, %d] %s" % (lo, hi, qtype_str(t)))


def gen_table(m, rng, S):
    tin = rng.qtype(rng.choice(["i8", "u8", "i4", "u4"]), narrow=rng.chance(0.2))
    tout = rng.qtype(rng.choice(["i8", "u8", "i16", "i32", "i4"]), narrow=rng.chance(0.2))
    entries = rng.r.randint(tout.qmin, tout.qmax + 1, size=1 << tin.bits, dtype=np.int64)
    if rng.chance(0.5):  # every storable input value, once per sample
        values = np.arange(tin.qmin, tin.qmax + 1)
        shape = [len(values)]
        a = np.tile(values, (S, 1)).astype(tin.numpy_dtype())
    else:
        shape = [rng.r.randint(1, 4), rng.r.randint(1, 9)]
        a = rng.data(tin, shape, S)
    x = m.arg(tt(shape, tin), a)
    attr = "dense<[%s]> : tensor<%dxi%d>" % (", ".join(map(str, entries)), len(entries), tout.bits)
    m.op("qnn.table %s table = %s : %s -> %s" % (x, attr, tt(shape, tin), tt(shape, tout)),
         tt(shape, tout), per_sample(lambda q: ref.table(q, tin, entries), S, a),
         "table %s -> %s" % (qtype_str(tin), qtype_str(tout)))


def pool_shapes(rng, layout, max_pad_is_kernel=False):
    """Max pooling pads less than the kernel; average pooling up to it."""
    kh, kw = rng.r.randint(1, 4), rng.r.randint(1, 4)
    st = [rng.r.randint(1, 3), rng.r.randint(1, 3)]
    extra = 1 if max_pad_is_kernel else 0
    pad = [int(rng.r.randint(0, k + extra)) for k in (kh, kw, kh, kw)]
    H = rng.r.randint(max(1, kh - pad[0] - pad[2]), 8)
    W = rng.r.randint(max(1, kw - pad[1] - pad[3]), 8)
    OH = (H + pad[0] + pad[2] - kh) // st[0] + 1
    OW = (W + pad[1] + pad[3] - kw) // st[1] + 1
    N, C = rng.r.randint(1, 3), rng.r.randint(1, 4)
    if layout == "nhwc":
        return [kh, kw], st, pad, [N, H, W, C], [N, OH, OW, C]
    return [kh, kw], st, pad, [N, C, H, W], [N, C, OH, OW]


def pool_attrs(kernel, st, pad, extra=""):
    return "{kernel = array<i64: %d, %d>, strides = array<i64: %d, %d>, padding = array<i64: %d, %d, %d, %d>%s}" % (
        tuple(kernel) + tuple(st) + tuple(pad) + (extra,))


def gen_max_pool(m, rng, S):
    layout = rng.choice(["nhwc", "nchw"])
    kernel, st, pad, xs, rs = pool_shapes(rng, layout)
    t = rng.qtype(rng.choice(["i8", "u8", "i16"]), narrow=rng.chance(0.3))
    a = rng.data(t, xs, S)
    x = m.arg(tt(xs, t), a)
    m.op("qnn.max_pool2d %s layout = %s %s : %s -> %s" % (x, layout, pool_attrs(kernel, st, pad), tt(xs, t), tt(rs, t)),
         tt(rs, t), per_sample(lambda q: ref.max_pool2d(q, t, layout, kernel, st, pad), S, a),
         "max_pool2d %s k=%s st=%s pad=%s %s" % (layout, kernel, st, pad, qtype_str(t)))


def gen_avg_pool(m, rng, S):
    layout = rng.choice(["nhwc", "nchw"])
    kernel, st, pad, xs, rs = pool_shapes(rng, layout, max_pad_is_kernel=True)
    tin = rng.qtype(rng.choice(["i8", "u8", "i16"]))
    tout = rng.qtype(rng.choice(["i8", "u8"]))
    tout.scales = [rng.ratio_scale(tin.scales[0])]
    if rng.chance(0.3):
        tout = QType(tin.storage, tin.scales, tin.zero_points)  # same scale: division only
    include = rng.chance(0.5)
    mode = rng.choice(MODES)
    a = rng.data(tin, xs, S, edge=0.3)
    x = m.arg(tt(xs, tin), a)
    extra = ", count_include_pad = true" if include else ""
    m.op("qnn.avg_pool2d %s layout = %s rounding = %s %s : %s -> %s" % (
        x, layout, mode, pool_attrs(kernel, st, pad, extra), tt(xs, tin), tt(rs, tout)),
        tt(rs, tout), per_sample(lambda q: ref.avg_pool2d(q, tin, tout, mode, layout, kernel, st, pad, include), S, a),
        "avg_pool2d %s k=%s st=%s pad=%s incl=%s %s -> %s %s" % (
            layout, kernel, st, pad, include, qtype_str(tin), qtype_str(tout), mode))


def gen_concat(m, rng, S):
    n = rng.r.randint(1, 4)
    dim = rng.r.randint(2)
    base = [rng.r.randint(1, 4), rng.r.randint(1, 4)]
    tout = rng.qtype(rng.choice(["i8", "u8"]))
    mode = rng.choice(MODES)
    names, types, arrays, tys, shapes = [], [], [], [], []
    for _ in range(n):
        shape = list(base)
        shape[dim] = rng.r.randint(1, 4)
        t = tout if rng.chance(0.3) else rng.qtype(rng.choice(["i8", "u8", "i16"]))
        a = rng.data(t, shape, S)
        names.append(m.arg(tt(shape, t), a))
        types.append(tt(shape, t))
        arrays.append(a)
        tys.append(t)
        shapes.append(shape)
    rs = list(base)
    rs[dim] = sum(s[dim] for s in shapes)
    m.op("qnn.concat %s dim = %d rounding = %s : (%s) -> %s" % (", ".join(names), dim, mode, ", ".join(types), tt(rs, tout)),
         tt(rs, tout), per_sample(lambda *qs: ref.concat(qs, tys, tout, dim, mode), S, *arrays),
         "concat dim=%d %d inputs -> %s %s" % (dim, n, qtype_str(tout), mode))


def float_data(rng, shape, S, scale):
    x = (rng.r.randn(S, *shape) * scale * 200).astype(np.float32)
    flat = x.reshape(-1)
    if flat.size > 4:
        flat[rng.r.randint(flat.size)] = np.nan
        flat[rng.r.randint(flat.size)] = np.inf
        flat[rng.r.randint(flat.size)] = -np.inf
        # Exact ties of x / s.
        flat[rng.r.randint(flat.size)] = np.float32(scale) * np.float32(2.5)
    return x


def gen_qcast(m, rng, S):
    shape = [rng.r.randint(1, 4), rng.r.randint(1, 6)]
    per_axis = rng.chance(0.4)
    t = rng.qtype(rng.choice(["i8", "u8", "i16", "i4"]), axis=1 if per_axis else None,
                  channels=shape[1], narrow=rng.chance(0.3))
    a = float_data(rng, shape, S, t.scales[0])
    x = m.arg(tensor_str(shape, "f32"), a)
    m.op("quant.qcast %s : %s to %s" % (x, tensor_str(shape, "f32"), tt(shape, t)), tt(shape, t),
         per_sample(lambda v: ref.quantize(v, t), S, a), "qcast %s" % qtype_str(t))


def gen_dcast(m, rng, S):
    shape = [rng.r.randint(1, 4), rng.r.randint(1, 6)]
    per_axis = rng.chance(0.4)
    t = rng.qtype(rng.choice(["i8", "u8", "i16", "i32"]), axis=1 if per_axis else None, channels=shape[1])
    a = rng.data(t, shape, S)
    x = m.arg(tt(shape, t), a)
    m.op("quant.dcast %s : %s to %s" % (x, tt(shape, t), tensor_str(shape, "f32")), tensor_str(shape, "f32"),
         per_sample(lambda q: ref.dequantize(q, t), S, a), "dcast %s" % qtype_str(t))


def gen_qdq(m, rng, S):
    """A quant.dcast of a quant.qcast: round, offset and clamp, then back;
    sometimes the qcast also has a result of its own."""
    shape = [rng.r.randint(1, 4), rng.r.randint(1, 6)]
    t = rng.qtype(rng.choice(["i8", "u8", "i16", "i4"]), axis=1 if rng.chance(0.4) else None,
                  channels=shape[1], narrow=rng.chance(0.3))
    a = float_data(rng, shape, S, t.scales[0])
    x = m.arg(tensor_str(shape, "f32"), a)
    q = "%%q%d" % len(m.body)
    m.line("%s = quant.qcast %s : %s to %s" % (q, x, tensor_str(shape, "f32"), tt(shape, t)))
    m.op("quant.dcast %s : %s to %s" % (q, tt(shape, t), tensor_str(shape, "f32")), tensor_str(shape, "f32"),
         per_sample(lambda v: ref.dequantize(ref.quantize(v, t), t), S, a), "qdq %s" % qtype_str(t))
    if rng.chance(0.3):
        m.result(q, tt(shape, t), per_sample(lambda v: ref.quantize(v, t), S, a), "qdq's qcast %s" % qtype_str(t))


def gen_fake_quant(m, rng, S):
    shape = [rng.r.randint(1, 4), rng.r.randint(1, 6)]
    ft = tensor_str(shape, "f32")
    if rng.chance(0.5):
        t = rng.qtype(rng.choice(["i8", "u8", "i4"]), axis=1 if rng.chance(0.4) else None,
                      channels=shape[1], narrow=rng.chance(0.3))
        a = float_data(rng, shape, S, t.scales[0])
        x = m.arg(ft, a)
        m.op("qnn.fake_quant %s {qtype = %s} : %s" % (x, qtype_str(t), ft), ft,
             per_sample(lambda v: ref.dequantize(ref.quantize(v, t), t), S, a), "fake_quant %s" % qtype_str(t))
        return
    axis = 1 if rng.chance(0.4) else None
    n = shape[1] if axis is not None else 1
    mins = [float(-rng.r.uniform(0, 3)) if rng.chance(0.8) else float(rng.r.uniform(0.1, 1)) for _ in range(n)]
    maxs = [lo + float(rng.r.uniform(0.1, 4)) for lo in mins]
    bits = int(rng.choice([2, 4, 8, 8, 16]))
    narrow = rng.chance(0.3)
    a = float_data(rng, shape, S, 0.02)
    x = m.arg(ft, a)
    fl = lambda v: ", ".join("%.17e" % f for f in v)
    attrs = "min = array<f64: %s>, max = array<f64: %s>, num_bits = %d : i64, narrow_range = %s" % (
        fl(mins), fl(maxs), bits, "true" if narrow else "false")
    if axis is not None:
        attrs += ", axis = %d : i64" % axis
    m.op("qnn.fake_quant %s {%s} : %s" % (x, attrs, ft), ft,
         per_sample(lambda v: ref.fake_quant_range(v, mins, maxs, bits, narrow, axis), S, a),
         "fake_quant range bits=%d narrow=%s axis=%s" % (bits, narrow, axis))


GENERATORS = {
    "requantize": gen_requantize,
    "matmul": gen_matmul,
    "matmul-long": lambda m, rng, S: gen_matmul(m, rng, S, long_k=True),
    "conv2d": gen_conv,
    # Constant weights and larger shapes, for the target kernels.
    "matmul-kernel": lambda m, rng, S: gen_matmul(m, rng, S, kernel=True),
    "conv2d-kernel": lambda m, rng, S: gen_conv(m, rng, S, kernel=True),
    "add": lambda m, rng, S: gen_binary(m, rng, S, "add"),
    "mul": lambda m, rng, S: gen_binary(m, rng, S, "mul"),
    "add-exhaustive": lambda m, rng, S: gen_binary_exhaustive(m, rng, S, "add"),
    "mul-exhaustive": lambda m, rng, S: gen_binary_exhaustive(m, rng, S, "mul"),
    "clamp": gen_clamp,
    "table": gen_table,
    "max_pool2d": gen_max_pool,
    "avg_pool2d": gen_avg_pool,
    "concat": gen_concat,
    "qcast": gen_qcast,
    "dcast": gen_dcast,
    "qdq": gen_qdq,
    "fake_quant": gen_fake_quant,
}


def same_bits(got, want):
    if got.dtype.kind == "f":
        both_nan = np.isnan(got) & np.isnan(want)
        return (got.view(np.uint32) == want.astype(np.float32).view(np.uint32)) | both_nan
    return got.astype(np.int64) == want.astype(np.int64)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("op", choices=sorted(GENERATORS))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--configs", type=int, default=20)
    p.add_argument("--samples", type=int, default=8)
    p.add_argument("--work", required=True)
    p.add_argument("--quant-run", default="quant-run")
    p.add_argument("--kernel-target", default="host",
                   help="quant-run's --kernel-target")
    p.add_argument("--threads", type=int, default=0, help="quant-run's --threads")
    a = p.parse_args()

    os.makedirs(a.work, exist_ok=True)
    rng = Rng(a.seed)
    m = ModuleBuilder()
    for _ in range(a.configs):
        GENERATORS[a.op](m, rng, a.samples)
    model = os.path.join(a.work, "model.mlir")
    with open(model, "w") as f:
        f.write(m.text())
    inputs = os.path.join(a.work, "inputs.npz")
    outputs = os.path.join(a.work, "outputs.npz")
    np.savez(inputs, *m.arrays)
    run = subprocess.run([a.quant_run, model, "--kernel-target=" + a.kernel_target,
                          "--threads=%d" % a.threads, "--input=" + inputs, "--output=" + outputs],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stderr)
        print("FAILED: quant-run exited with %d" % run.returncode)
        return 1
    got = np.load(outputs)
    failures = 0
    for i, (want, note) in enumerate(zip(m.expected, m.notes)):
        g = got["arr_%d" % i]
        ok = same_bits(g, want)
        if not ok.all():
            failures += 1
            idx = np.argwhere(~ok)[0]
            print("MISMATCH config %d: %s" % (i, note))
            print("  at %s: got %r, want %r" % (tuple(idx), g[tuple(idx)], want[tuple(idx)]))
    cases = a.configs * a.samples
    if failures:
        print("FAILED: %s: %d of %d configs differ (seed %d)" % (a.op, failures, a.configs, a.seed))
        return 1
    print("%s: %d cases (%d configs x %d samples) bit-exact" % (a.op, cases, a.configs, a.samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
