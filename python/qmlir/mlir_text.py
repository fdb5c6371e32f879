"""MLIR text of types and constants, shared by the ONNX importer, the
reference tests and the random model generators."""

import numpy as np


def fmt_scale(s):
    # MLIR float literals need a '.'; 17 significant digits round-trip.
    return "%.17e" % s


def qtype_str(t, expressed="f32"):
    storage = t.storage
    if t.narrowed:
        storage += "<%d:%d>" % (t.qmin, t.qmax)
    if t.axis is None:
        return "!quant.uniform<%s:%s, %s:%d>" % (storage, expressed, fmt_scale(t.scales[0]), t.zero_points[0])
    params = ",".join("%s:%d" % (fmt_scale(s), z) for s, z in zip(t.scales, t.zero_points))
    return "!quant.uniform<%s:%s:%d, {%s}>" % (storage, expressed, t.axis, params)


def tensor_str(shape, element):
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [element])


def dense_str(values, bits):
    """A dense<...> literal of signless `bits`-wide integers (unsigned
    values are written as their two's-complement bit pattern)."""
    a = np.asarray(values).astype(np.int64)
    if bits < 64:  # (2^63 is no int64: numpy would compare as objects)
        a = np.where(a >= 1 << (bits - 1), a - (1 << bits), a)
    flat = a.reshape(-1)
    if flat.size and np.all(flat == flat[0]):
        return "dense<%d>" % flat[0]

    def nest(x):
        if x.ndim == 0:
            return str(int(x))
        return "[" + ", ".join(nest(y) for y in x) + "]"

    return "dense<%s>" % nest(a)


def float_literal(x):
    """An f32 literal MLIR parses exactly (NaN and Inf as hex)."""
    x = float(x)
    if np.isnan(x):
        return "0x7FC00000"
    if np.isinf(x):
        return "0x7F800000" if x > 0 else "0xFF800000"
    return "%.9e" % x


def dense(array, element):
    """A dense<...> literal of `array` as MLIR element type `element`:
    a splat, or the raw little-endian bytes as MLIR's hex form (less than
    half the text of decimal lists, and written by numpy rather than Python
    per element: ResNet-18 imports in 3.7 s instead of 28.6 s)."""
    a = np.asarray(array)
    if element == "f32":
        flat = a.reshape(-1)
        if flat.size and np.all(flat == flat[0]):
            return "dense<%s>" % float_literal(flat[0])
        return 'dense<"0x%s">' % a.astype("<f4").tobytes().hex().upper()
    return dense_str(a, int(element[1:]))


def string_literal(text):
    """An MLIR string literal: quotes, backslashes and non-printable
    characters escaped (as \\XX hex of their UTF-8 bytes)."""
    out = []
    for byte in text.encode("utf-8"):
        c = chr(byte)
        if c in '"\\' or not 0x20 <= byte < 0x7F:
            out.append("\\%02X" % byte)
        else:
            out.append(c)
    return '"%s"' % "".join(out)


def string_body(body):
    """The text of an MLIR string literal's body (between the quotes): the
    inverse of string_literal, also for \\" and \\\\ escapes."""
    out, i = bytearray(), 0
    while i < len(body):
        if body[i] == "\\":
            if body[i + 1] in '"\\':
                out += body[i + 1].encode()
                i += 2
            else:
                out.append(int(body[i + 1:i + 3], 16))
                i += 3
        else:
            out += body[i].encode("utf-8")
            i += 1
    return out.decode("utf-8")
