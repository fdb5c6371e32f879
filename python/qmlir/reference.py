"""Independent numpy reference of the qnn dialect's arithmetic.

Written from docs/Dialects/QNN.md, not from the lowering: every integer
kernel qmlir produces is compared bit for bit against these functions.
Integers are int64 numpy arrays (exact for every value the spec allows);
float steps use float32 where the spec says f32.
"""

import math

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1
SCALE_TOLERANCE = 1e-6


class QType:
    """A !quant.uniform type: storage, range, scales and zero points."""

    def __init__(self, storage, scales, zero_points, axis=None, qmin=None, qmax=None):
        self.storage = storage  # "i8", "u8", "i16", "i32", "i4"
        self.scales = [float(s) for s in np.atleast_1d(scales)]
        self.zero_points = [int(z) for z in np.atleast_1d(zero_points)]
        self.axis = axis
        bits = int(storage[1:])
        signed = storage[0] == "i"
        self.bits, self.signed = bits, signed
        lo = -(1 << (bits - 1)) if signed else 0
        hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
        self.qmin = lo if qmin is None else qmin
        self.qmax = hi if qmax is None else qmax
        self.narrowed = (self.qmin, self.qmax) != (lo, hi)

    def channel(self, values, shape):
        """Broadcasts a per-channel list over `shape` (scalar if per tensor)."""
        if self.axis is None:
            return values[0]
        b = [1] * len(shape)
        b[self.axis] = len(values)
        return np.array(values).reshape(b)

    def numpy_dtype(self):
        return {"i4": np.int8, "u4": np.uint8, "i8": np.int8, "u8": np.uint8,
                "i16": np.int16, "u16": np.uint16, "i32": np.int32}[self.storage]


def scales_equal(a, b):
    return abs(a - b) <= SCALE_TOLERANCE * min(a, b)


def quantize_multiplier(m):
    """(multiplier, exponent) with m ~= multiplier * 2**(exponent - 31)."""
    f, e = math.frexp(m)
    q = math.floor(f * (1 << 31) + 0.5)  # round half away (f > 0)
    if q == 1 << 31:
        q, e = 1 << 30, e + 1
    if e > 30:
        raise ValueError("multiplier %r not representable" % m)
    if e < -31:
        return 0, 0
    return q, e


def _trunc_div(a, b):
    q = np.abs(a) // b
    return np.where(a < 0, -q, q)


def rescale(x, m, mode):
    """R(M, x) for int64 `x` holding i32 values and one real multiplier."""
    x = np.asarray(x, dtype=np.int64)
    if scales_equal(m, 1.0):
        return x
    if mode == "fixedpoint":
        q, e = quantize_multiplier(m)
        left, right = max(e, 0), max(-e, 0)
        a = np.clip(x << left, INT32_MIN, INT32_MAX)
        p = a * q
        b = _trunc_div(p + np.where(p >= 0, 1 << 30, 1 - (1 << 30)), 1 << 31)
        mask = (1 << right) - 1
        rem = b & mask
        thr = (mask >> 1) + (b < 0)
        return (b >> right) + (rem > thr)
    xf = x.astype(np.float32)
    r = np.rint(xf * np.float32(m))
    return np.clip(r, -2.0 ** 62, 2.0 ** 62).astype(np.int64)


def rescale_channels(x, multipliers, mode, axis):
    """R(M_c, x) with M per channel along `axis` (None: one multiplier)."""
    if axis is None:
        return rescale(x, multipliers[0], mode)
    out = np.empty_like(np.asarray(x, dtype=np.int64))
    for c, m in enumerate(multipliers):
        idx = [slice(None)] * out.ndim
        idx[axis] = c
        out[tuple(idx)] = rescale(x[tuple(idx)], m, mode)
    return out


def saturate(v, t):
    return np.clip(v, t.qmin, t.qmax)


def requantize(q, tin, tout, mode):
    q = np.asarray(q, dtype=np.int64)
    axis = tin.axis if tin.axis is not None else tout.axis
    n = max(len(tin.scales), len(tout.scales))
    pick = lambda vals, t, c: vals[c if t.axis is not None else 0]
    mults = [pick(tin.scales, tin, c) / pick(tout.scales, tout, c) for c in range(n)]
    zin = np.array([pick(tin.zero_points, tin, c) for c in range(n)])
    zout = np.array([pick(tout.zero_points, tout, c) for c in range(n)])
    if axis is not None:
        b = [1] * q.ndim
        b[axis] = n
        zin, zout = zin.reshape(b), zout.reshape(b)
    else:
        zin, zout = zin[0], zout[0]
    x = np.clip(q - zin, INT32_MIN, INT32_MAX)
    return saturate(zout + rescale_channels(x, mults, mode, axis), tout)


def _epilogue(acc, bias, tx, tw, tout, mode):
    """Bias, requantization and saturation over acc[..., n]."""
    if bias is not None:
        acc = np.clip(acc + bias, INT32_MIN, INT32_MAX)
    n = acc.shape[-1]
    ws = tw.scales if tw.axis is not None else tw.scales * n
    mults = [(tx.scales[0] * ws[c]) / tout.scales[0] for c in range(n)]
    r = rescale_channels(acc, mults, mode, acc.ndim - 1)
    return saturate(tout.zero_points[0] + r, tout)


def matmul(a, b, bias, ta, tb, tout, mode):
    """a [B..., M, K], b [K, N] or [B..., K, N], bias [N] or None."""
    a = np.asarray(a, dtype=np.int64) - ta.zero_points[0]
    zb = np.array(tb.zero_points if tb.axis is not None else tb.zero_points * b.shape[-1])
    b = np.asarray(b, dtype=np.int64) - zb
    acc = np.matmul(a, b)
    assert np.all((acc >= INT32_MIN) & (acc <= INT32_MAX))
    return _epilogue(acc, bias, ta, tb, tout, mode)


def conv2d(x, w, bias, tx, tw, tout, mode, layout, strides=(1, 1),
           dilations=(1, 1), padding=(0, 0, 0, 0), groups=1):
    """Direct convolution in NHWC (NCHW is transposed in and out)."""
    x = np.asarray(x, dtype=np.int64)
    w = np.asarray(w, dtype=np.int64)
    if layout == "nchw":
        x = x.transpose(0, 2, 3, 1)
        w = w.transpose(2, 3, 1, 0)  # FCHW -> HWCF
    f = w.shape[3]
    zw = np.array(tw.zero_points if tw.axis is not None else tw.zero_points * f)
    w = w - zw
    top, left, bottom, right = padding
    x = np.pad(x - tx.zero_points[0], ((0, 0), (top, bottom), (left, right), (0, 0)))
    n, h, wd, c = x.shape
    kh, kw, cg, _ = w.shape
    sh, sw = strides
    dh, dw = dilations
    oh = (h - dh * (kh - 1) - 1) // sh + 1
    ow = (wd - dw * (kw - 1) - 1) // sw + 1
    fg = f // groups
    acc = np.zeros((n, oh, ow, f), dtype=np.int64)
    for g in range(groups):
        xs = x[..., g * cg:(g + 1) * cg]
        ws = w[..., g * fg:(g + 1) * fg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                           j * dw:j * dw + sw * (ow - 1) + 1:sw, :]
                acc[..., g * fg:(g + 1) * fg] += np.tensordot(patch, ws[i, j], axes=([3], [0]))
    assert np.all((acc >= INT32_MIN) & (acc <= INT32_MAX))
    out = _epilogue(acc, bias, tx, tw, tout, mode)
    return out.transpose(0, 3, 1, 2) if layout == "nchw" else out


def add(a, b, ta, tb, tout, mode):
    da = np.asarray(a, dtype=np.int64) - ta.zero_points[0]
    db = np.asarray(b, dtype=np.int64) - tb.zero_points[0]
    sa, sb, so = ta.scales[0], tb.scales[0], tout.scales[0]
    if mode == "fp32":
        s = (np.float32(sa / so) * da.astype(np.float32)
             + np.float32(sb / so) * db.astype(np.float32))
        r = np.clip(np.rint(s), -2.0 ** 62, 2.0 ** 62).astype(np.int64)
        return saturate(tout.zero_points[0] + r, tout)
    shift = 20 if max(ta.bits, tb.bits) <= 8 else 15
    t = 2 * max(sa, sb)
    ya = rescale(da << shift, sa / t, "fixedpoint")
    yb = rescale(db << shift, sb / t, "fixedpoint")
    r = rescale(ya + yb, t / ((1 << shift) * so), "fixedpoint")
    return saturate(tout.zero_points[0] + r, tout)


def mul(a, b, ta, tb, tout, mode):
    p = ((np.asarray(a, dtype=np.int64) - ta.zero_points[0])
         * (np.asarray(b, dtype=np.int64) - tb.zero_points[0]))
    m = ta.scales[0] * tb.scales[0] / tout.scales[0]
    return saturate(tout.zero_points[0] + rescale(p, m, mode), tout)


def clamp(q, lo, hi):
    return np.clip(np.asarray(q, dtype=np.int64), lo, hi)


def table(q, tin, entries):
    """qnn.table: entries[q - lo], lo the smallest value of the storage type."""
    lo = -(1 << (tin.bits - 1)) if tin.signed else 0
    return np.asarray(entries, dtype=np.int64)[np.asarray(q, dtype=np.int64) - lo]


def _windows(x, layout, kernel, strides, padding, fill):
    """Yields (valid mask, values) per window offset over NHWC-padded x."""
    x = np.asarray(x, dtype=np.int64)
    if layout == "nchw":
        x = x.transpose(0, 2, 3, 1)
    top, left, bottom, right = padding
    valid = np.pad(np.ones(x.shape[1:3], dtype=bool), ((top, bottom), (left, right)))
    x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=fill)
    kh, kw = kernel
    sh, sw = strides
    oh = (x.shape[1] - kh) // sh + 1
    ow = (x.shape[2] - kw) // sw + 1
    for i in range(kh):
        for j in range(kw):
            rows = slice(i, i + sh * (oh - 1) + 1, sh)
            cols = slice(j, j + sw * (ow - 1) + 1, sw)
            yield valid[rows, cols], x[:, rows, cols, :]


def _from_nhwc(y, layout):
    return y.transpose(0, 3, 1, 2) if layout == "nchw" else y


def max_pool2d(x, t, layout, kernel, strides=(1, 1), padding=(0, 0, 0, 0)):
    best = None
    for valid, v in _windows(x, layout, kernel, strides, padding, 0):
        v = np.where(valid[None, :, :, None], v, np.iinfo(np.int64).min)
        best = v if best is None else np.maximum(best, v)
    return _from_nhwc(best, layout)


def avg_pool2d(x, tin, tout, mode, layout, kernel, strides=(1, 1),
               padding=(0, 0, 0, 0), count_include_pad=False):
    zp = tin.zero_points[0]
    total, count = None, None
    for valid, v in _windows(x, layout, kernel, strides, padding, zp):
        s = v - zp
        total = s if total is None else total + s
        count = valid.astype(np.int64) if count is None else count + valid
    if count_include_pad:
        count = np.full_like(count, kernel[0] * kernel[1])
    out = np.empty_like(total)
    for c in np.unique(count):
        m = tin.scales[0] / (tout.scales[0] * max(int(c), 1))
        sel = np.broadcast_to((count == c)[None, :, :, None], total.shape)
        out[sel] = rescale(total[sel], m, mode)
    return _from_nhwc(saturate(tout.zero_points[0] + out, tout), layout)


def concat(parts, types, tout, axis, mode):
    pieces = []
    for q, t in zip(parts, types):
        same = (t.storage, t.scales, t.zero_points, t.qmin, t.qmax) == \
            (tout.storage, tout.scales, tout.zero_points, tout.qmin, tout.qmax)
        pieces.append(np.asarray(q, dtype=np.int64) if same else requantize(q, t, tout, mode))
    return np.concatenate(pieces, axis=axis)


def quantize(x, t):
    """quant.qcast: clamp(roundeven(x / s) + zp), NaN to zp, in f32/f64."""
    x = np.asarray(x, dtype=np.float32)
    s = np.float32(t.channel(t.scales, x.shape))
    zp = t.channel(t.zero_points, x.shape)
    r = np.rint(x / s)
    r = np.where(np.isnan(r), np.float32(0), r)
    v = np.clip(r.astype(np.float64) + zp, t.qmin, t.qmax)
    return v.astype(np.int64)


def dequantize(q, t):
    """quant.dcast: f32(q - zp) * f32(s)."""
    q = np.asarray(q, dtype=np.int64)
    s = np.float32(t.channel(t.scales, q.shape))
    zp = t.channel(t.zero_points, q.shape)
    return (q - zp).astype(np.float32) * s


def fake_quant_range(x, mins, maxs, num_bits=8, narrow_range=False, axis=None):
    """TensorFlow's nudged FakeQuantWithMinMaxVars, all in float32."""
    x = np.asarray(x, dtype=np.float32)
    qmin = np.float32(1 if narrow_range else 0)
    qmax = np.float32((1 << num_bits) - 1)
    scales, lows, highs = [], [], []
    for lo, hi in zip(mins, maxs):
        lo, hi = np.float32(lo), np.float32(hi)
        s = (hi - lo) / (qmax - qmin)
        z = qmin - lo / s
        if z < qmin:
            nz = qmin
        elif z > qmax:
            nz = qmax
        else:
            nz = np.float32(math.copysign(math.floor(abs(float(z)) + 0.5), float(z)))
        scales.append(s)
        lows.append((qmin - nz) * s)
        highs.append((qmax - nz) * s)
    shape = [1] * x.ndim
    if axis is not None:
        shape[axis] = len(scales)
    s = np.array(scales, dtype=np.float32).reshape(shape)
    lo = np.array(lows, dtype=np.float32).reshape(shape)
    hi = np.array(highs, dtype=np.float32).reshape(shape)
    c = np.minimum(np.maximum(x, lo), hi)
    return np.floor((c - lo) / s + np.float32(0.5)) * s + lo
