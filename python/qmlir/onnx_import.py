"""ONNX to MLIR: float graphs into linalg on tensors, quantized graphs into
qnn and quant ops.

    from qmlir.onnx_import import import_model
    text = import_model(onnx.load("model.onnx"))

The module's @main takes the ONNX graph inputs in order (initializers are
constants) and returns its outputs. Every op carries its ONNX output name as
a location, which becomes the calibration id of the tensor. Quantization
parameters (scales, zero points) must be constants: static quantization is
what qnn expresses. An unsupported op or attribute raises OnnxImportError naming
the node, never a silently different graph.
"""

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference, version_converter

from .reference import QType
from .errors import OnnxImportError
from .onnx_fold import fold_constants, np_dtype
from .onnx_rewrite import conv_1d_as_2d
from .mlir_text import dense, dense_str, float_literal, qtype_str, string_literal, tensor_str


def __getattr__(name):
    # The error's name before 0.2 (it shadowed the builtin); kept one release.
    if name == "ImportError":
        return OnnxImportError
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


F32 = "f32"
NP_ELEMENT = {np.dtype(np.float32): "f32", np.dtype(np.int64): "i64", np.dtype(np.int32): "i32",
              np.dtype(np.int8): "i8", np.dtype(np.int16): "i16"}


def string_attr(attrs, name, default):
    """A string attribute (onnx gives bytes) or its default."""
    value = attrs.get(name, default)
    return value.decode() if isinstance(value, bytes) else value


class Value:
    """An imported tensor: SSA name, shape and element type (an MLIR
    element string, or a QType for quantized storage)."""

    def __init__(self, name, shape, element):
        self.name, self.shape, self.element = name, list(shape), element

    @property
    def type(self):
        e = qtype_str(self.element) if isinstance(self.element, QType) else self.element
        return tensor_str(self.shape, e)


def fix_input_shapes(model, input_shapes):
    """A copy of `model` whose graph inputs named in `input_shapes` (name ->
    list of dims) have those static shapes: symbolic batch or sequence
    dimensions made concrete, as ONNX Runtime's make_dynamic_shape_fixed
    does."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    inputs = {i.name: i for i in model.graph.input}
    for name, dims in input_shapes.items():
        if name not in inputs:
            raise OnnxImportError("input shape for '%s': the graph has no such input (its inputs: %s)"
                                  % (name, ", ".join(inputs)))
        shape = inputs[name].type.tensor_type.shape
        if len(shape.dim) != len(dims):
            raise OnnxImportError("input shape for '%s' has rank %d, the input has rank %d"
                                  % (name, len(dims), len(shape.dim)))
        for i, (d, value) in enumerate(zip(shape.dim, dims)):
            if d.HasField("dim_value") and d.dim_value != value:
                raise OnnxImportError("input shape for '%s': dimension %d is %d in the model, not %d"
                                      % (name, i, d.dim_value, value))
            d.dim_value = int(value)
    return model


# ONNX ops that are one scalar op on each element.
UNARY_OPS = {"Neg": "arith.negf", "Abs": "math.absf", "Exp": "math.exp", "Log": "math.log",
             "Sqrt": "math.sqrt", "Erf": "math.erf", "Tanh": "math.tanh"}


class Importer:
    def __init__(self, model):
        # Older graphs are read with opset 13's rules (Clip's min/max
        # attributes, say, are inputs there): upgrade them first.
        opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None)
        if opset is not None and opset < 13:
            try:
                model = version_converter.convert_version(model, 13)
            except Exception as e:  # noqa: BLE001 - reported as an import error
                raise OnnxImportError("opset %d: upgrading the model to opset 13 failed: %s" % (opset, e))
        try:
            model = fold_constants(conv_1d_as_2d(shape_inference.infer_shapes(model)))
        except Exception as e:  # noqa: BLE001 - reported as an import error
            raise OnnxImportError("ONNX shape inference failed: %s" % e)
        self.model = model
        self.graph = model.graph
        self.lines, self.n = [], 0
        self.values = {}
        self.constants = {init.name: numpy_helper.to_array(init) for init in self.graph.initializer}
        self.shapes = {}
        for vi in list(self.graph.value_info) + list(self.graph.output) + list(self.graph.input):
            t = vi.type.tensor_type
            if t.HasField("shape"):
                self.shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else -1 for d in t.shape.dim]
        self.args = []
        self.node = None

    # --- emission helpers -------------------------------------------------

    def fresh(self):
        self.n += 1
        return "%%v%d" % self.n

    def emit(self, text, loc=None):
        name = self.fresh()
        where = " loc(%s)" % string_literal(loc) if loc else ""
        self.lines.append("  %s = %s%s" % (name, text, where))
        return name

    def fail(self, message):
        n = self.node
        raise OnnxImportError("node '%s' (%s): %s" % (n.name or n.output[0], n.op_type, message))

    def const(self, array, element=None):
        a = np.asarray(array)
        element = element or NP_ELEMENT.get(a.dtype)
        if element is None:
            self.fail("constant of type %s is not supported" % a.dtype)
        if element == F32:
            a = a.astype(np.float32)
        return Value(self.emit("arith.constant %s : %s" % (dense(a, element), tensor_str(a.shape, element))),
                     a.shape, element)

    def const_quantized(self, array, qtype):
        storage = "i%d" % qtype.bits
        c = self.emit("arith.constant %s : %s" % (dense_str(np.asarray(array), qtype.bits),
                                                   tensor_str(np.shape(array), storage)))
        v = Value("", np.shape(array), qtype)
        v.name = self.emit("quant.scast %s : %s to %s" % (c, tensor_str(np.shape(array), storage), v.type))
        return v

    def empty(self, shape, element=F32):
        return self.emit("tensor.empty() : %s" % tensor_str(shape, element))

    def fill(self, shape, value, element=F32):
        c = self.emit("arith.constant %s : %s" % (float_literal(value) if element == F32 else int(value), element))
        e = self.empty(shape, element)
        t = tensor_str(shape, element)
        return self.emit("linalg.fill ins(%s : %s) outs(%s : %s) -> %s" % (c, element, e, t, t))

    def generic(self, inputs, shape, body, loc, iterators=None, element=F32, init=None, out_dims=None):
        """linalg.generic over `shape`; inputs are (Value, [dims]) with each
        input dimension's loop index (None for a size-1 broadcast);
        `body(args)` returns the yielded scalar's lines and value name."""
        rank = len(shape)
        iterators = iterators or ["parallel"] * rank
        dims = ", ".join("d%d" % i for i in range(len(iterators)))
        maps = []
        for v, idx in inputs:
            exprs = ", ".join("0" if i is None else "d%d" % i for i in idx)
            maps.append("affine_map<(%s) -> (%s)>" % (dims, exprs))
        out_dims = ", ".join("0" if i is None else "d%d" % i
                             for i in (out_dims if out_dims is not None else range(rank)))
        maps.append("affine_map<(%s) -> (%s)>" % (dims, out_dims))
        out_type = tensor_str(shape, element)
        init = init or self.empty(shape, element)
        args = ["%%in%d: %s" % (i, v.element if isinstance(v.element, str) else "i8")
                for i, (v, _) in enumerate(inputs)] + ["%%out: %s" % element]
        body_lines, result = body(["%%in%d" % i for i in range(len(inputs))] + ["%out"])
        text = ("linalg.generic {indexing_maps = [%s], iterator_types = [%s]} ins(%s : %s) outs(%s : %s) {\n"
                "  ^bb0(%s):\n%s    linalg.yield %s : %s\n  } -> %s" % (
                    ", ".join(maps), ", ".join('"%s"' % i for i in iterators),
                    ", ".join(v.name for v, _ in inputs), ", ".join(v.type for v, _ in inputs),
                    init, out_type, ", ".join(args),
                    "".join("    %s\n" % l for l in body_lines), result, element, out_type))
        return Value(self.emit(text, loc), shape, element)

    # --- values ------------------------------------------------------------

    def value(self, name):
        if name in self.values:
            return self.values[name]
        if name in self.constants:
            v = self.const(self.constants[name])
            self.values[name] = v
            return v
        self.fail("input '%s' is not defined" % name)

    def constant(self, name, what):
        """A constant operand (initializer or Constant node output)."""
        if name in self.constants:
            return self.constants[name]
        self.fail("%s '%s' must be a constant (initializer)" % (what, name))

    def attrs(self, node):
        return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}

    def out_shape(self, node, i=0):
        shape = self.shapes.get(node.output[i])
        if shape is None or any(d < 0 for d in shape):
            self.fail("output '%s' needs a static shape" % node.output[i])
        return shape

    def qtype(self, scale_name, zp_name, axis=None, what="tensor", default_storage="u8"):
        scale = np.atleast_1d(self.constant(scale_name, what + " scale")).astype(np.float64)
        if zp_name:
            zp_arr = self.constant(zp_name, what + " zero point")
            storage = {np.dtype(np.uint8): "u8", np.dtype(np.int8): "i8"}.get(zp_arr.dtype)
            if storage is None:
                self.fail("zero point type %s is not supported (uint8, int8)" % zp_arr.dtype)
            zps = np.atleast_1d(zp_arr).astype(np.int64)
        else:
            storage, zps = default_storage, np.zeros(len(scale), np.int64)
        if len(scale) > 1 or axis is not None:
            if len(zps) == 1:
                zps = np.repeat(zps, len(scale))
            return QType(storage, scale, zps, axis=axis)
        return QType(storage, scale[:1], zps[:1])

    def as_quantized(self, name, qtype):
        """The value `name` as storage of `qtype`: a graph input takes that
        type; an already quantized value must match it."""
        if name in self.constants:
            return self.const_quantized(self.constants[name], qtype)
        v = self.value(name)
        if isinstance(v.element, QType):
            return v
        if getattr(v, "raw_input", False):
            v.element = qtype
            return v
        self.fail("input '%s' is not quantized storage" % name)

    # --- ops -----------------------------------------------------------------

    def op_QuantizeLinear(self, node, a):
        x = self.value(node.input[0])
        if node.input[1] not in self.constants:
            return self.dynamic_quantize(node, x)
        axis = a.get("axis", 1)
        scale = np.atleast_1d(self.constant(node.input[1], "scale"))
        t = self.qtype(node.input[1], node.input[2] if len(node.input) > 2 else None,
                       axis=(axis % len(x.shape)) if scale.size > 1 else None)
        out = Value("", x.shape, t)
        out.name = self.emit("quant.qcast %s : %s to %s" % (x.name, x.type, out.type), node.output[0])
        return out

    def dynamic_quantize(self, node, x):
        """QuantizeLinear with run-time parameters (as DynamicQuantizeLinear
        expanded produces): computed in f32, stored as raw uint8."""
        scale = self.fvalue(node.input[1])
        if len(node.input) < 3 or not getattr(self.value(node.input[2]), "unsigned", False):
            self.fail("run-time parameters need a uint8 zero point")
        zp = self.value(node.input[2])

        def body(v):
            return (["%%q = arith.divf %s, %s : f32" % (v[0], v[1]),
                     "%r = math.roundeven %q : f32",
                     "%%zf = arith.uitofp %s : i8 to f32" % v[2],
                     "%z = arith.addf %r, %zf : f32",
                     "%lo = arith.constant 0.000000e+00 : f32",
                     "%hi = arith.constant 2.550000e+02 : f32",
                     "%c = arith.maximumf %z, %lo : f32",
                     "%d = arith.minimumf %c, %hi : f32",
                     "%y = arith.fptoui %d : f32 to i8"], "%y")
        y = self.broadcast([x, scale, zp], node.output[0], body, element="i8")
        y.unsigned = True
        return y

    def op_DequantizeLinear(self, node, a):
        scale = np.atleast_1d(self.constant(node.input[1], "scale"))
        src = self.values.get(node.input[0])
        rank = len(src.shape) if src else len(self.shapes.get(node.input[0], [0]))
        axis = a.get("axis", 1)
        t = self.qtype(node.input[1], node.input[2] if len(node.input) > 2 else None,
                       axis=(axis % rank) if scale.size > 1 else None)
        x = self.as_quantized(node.input[0], t)
        out = Value("", x.shape, F32)
        out.name = self.emit("quant.dcast %s : %s to %s" % (x.name, x.type, out.type), node.output[0])
        return out

    def op_QLinearMatMul(self, node, a):
        ta = self.qtype(node.input[1], node.input[2], what="a")
        tb = self.qtype(node.input[4], node.input[5], what="b")
        ty = self.qtype(node.input[6], node.input[7], what="y")
        x = self.as_quantized(node.input[0], ta)
        if tb.axis is None and len(tb.scales) == 1:
            w = self.as_quantized(node.input[3], tb)
        else:
            tb = QType(tb.storage, tb.scales, tb.zero_points, axis=len(self.shapes[node.input[3]]) - 1)
            w = self.as_quantized(node.input[3], tb)
        out = Value("", self.out_shape(node), ty)
        out.name = self.emit("qnn.matmul %s, %s rounding = fp32 : (%s, %s) -> %s" % (
            x.name, w.name, x.type, w.type, out.type), node.output[0])
        return out

    def conv_attrs(self, node, a, kernel):
        if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            self.fail("auto_pad is not supported (give pads)")
        pads = list(a.get("pads", [0, 0, 0, 0]))
        strides = list(a.get("strides", [1, 1]))
        dilations = list(a.get("dilations", [1, 1]))
        if len(kernel) != 2:
            self.fail("only 2-D convolutions are supported")
        # ONNX pads are [top, left, bottom, right] for 2-D: qnn's order.
        return strides, dilations, pads, a.get("group", 1)

    def qconv(self, node, x, w, bias, out_type, a, rounding):
        strides, dilations, pads, group = self.conv_attrs(node, a, w.shape[2:])
        operands, types = "%s, %s" % (x.name, w.name), "%s, %s" % (x.type, w.type)
        if bias is not None:
            operands += ", " + bias.name
            types += ", " + bias.type
        out = Value("", self.out_shape(node), out_type)
        out.name = self.emit(
            "qnn.conv2d %s layout = nchw%s {strides = array<i64: %d, %d>, dilations = array<i64: %d, %d>, "
            "padding = array<i64: %d, %d, %d, %d>, groups = %d : i64} : (%s) -> %s" % (
                (operands, rounding) + tuple(strides) + tuple(dilations) + tuple(pads) + (group, types, out.type)),
            node.output[0])
        return out

    def op_QLinearConv(self, node, a):
        tx = self.qtype(node.input[1], node.input[2], what="x")
        tw = self.qtype(node.input[4], node.input[5], what="w")
        ty = self.qtype(node.input[6], node.input[7], what="y")
        if len(tw.scales) > 1:
            tw = QType(tw.storage, tw.scales, tw.zero_points, axis=0)
        x = self.as_quantized(node.input[0], tx)
        w = self.as_quantized(node.input[3], tw)
        bias = None
        if len(node.input) > 8 and node.input[8]:
            values = self.constant(node.input[8], "bias")
            tb = QType("i32", [tx.scales[0] * s for s in tw.scales], [0] * len(tw.scales),
                       axis=0 if len(tw.scales) > 1 else None)
            bias = self.const_quantized(values.astype(np.int64), tb)
        return self.qconv(node, x, w, bias, ty, a, " rounding = fp32")

    def integer_types(self, node, za_index, zb_index):
        ta = self.qtype(_unit(self, node.input[0]), node.input[za_index] if len(node.input) > za_index else None,
                        what="a")
        tb = self.qtype(_unit(self, node.input[1]), node.input[zb_index] if len(node.input) > zb_index else None,
                        what="b")
        ta = QType(_storage_of(self, node.input[0], ta), [1.0], ta.zero_points[:1])
        tb = QType(_storage_of(self, node.input[1], tb), [1.0] * len(tb.scales), tb.zero_points,
                   axis=tb.axis)
        return ta, tb

    def op_MatMulInteger(self, node, a):
        ta, tb = self.integer_types(node, 2, 3)
        if len(tb.zero_points) > 1:
            tb = QType(tb.storage, [1.0] * len(tb.zero_points), tb.zero_points,
                       axis=len(self.shapes[node.input[1]]) - 1)
        x, w = self.as_quantized(node.input[0], ta), self.as_quantized(node.input[1], tb)
        out = Value("", self.out_shape(node), QType("i32", [1.0], [0]))
        out.name = self.emit("qnn.matmul %s, %s : (%s, %s) -> %s" % (x.name, w.name, x.type, w.type, out.type),
                             node.output[0])
        return out

    def op_ConvInteger(self, node, a):
        ta, tb = self.integer_types(node, 2, 3)
        if len(tb.zero_points) > 1:
            tb = QType(tb.storage, [1.0] * len(tb.zero_points), tb.zero_points, axis=0)
        x, w = self.as_quantized(node.input[0], ta), self.as_quantized(node.input[1], tb)
        return self.qconv(node, x, w, None, QType("i32", [1.0], [0]), a, "")

    def op_DynamicQuantizeLinear(self, node, a):
        """Parameters from the data at run time, in f32 as ONNX specifies:
        scale = (max(0, max x) - min(0, min x)) / 255,
        zp = saturate(round(-min / scale)), y = saturate(round(x / scale) + zp)."""
        x = self.value(node.input[0])
        rank = len(x.shape)
        red = ["reduction"] * rank
        ext = {}
        for kind, init in (("minimumf", 0.0), ("maximumf", 0.0)):
            acc = self.fill([], init)
            ext[kind] = self.generic(
                [(x, list(range(rank)))], [], lambda args, k=kind: (
                    ["%%r = arith.%s %s, %s : f32" % (k, args[0], args[1])], "%r"),
                node.output[0] + "." + kind, iterators=red, init=acc)
        mn = self.emit("tensor.extract %s[] : tensor<f32>" % ext["minimumf"].name)
        mx = self.emit("tensor.extract %s[] : tensor<f32>" % ext["maximumf"].name)
        c255 = self.emit("arith.constant 2.550000e+02 : f32")
        zero = self.emit("arith.constant 0.000000e+00 : f32")
        rng = self.emit("arith.subf %s, %s : f32" % (mx, mn))
        scale = self.emit("arith.divf %s, %s : f32" % (rng, c255))
        neg = self.emit("arith.subf %s, %s : f32" % (zero, mn))
        zf = self.emit("math.roundeven %s : f32" % self.emit("arith.divf %s, %s : f32" % (neg, scale)))
        zf = self.emit("arith.minimumf %s, %s : f32" % (self.emit("arith.maximumf %s, %s : f32" % (zf, zero)), c255))
        def quantize(args):
            return (["%%q = arith.divf %s, %s : f32" % (args[0], scale),
                     "%r = math.roundeven %q : f32",
                     "%%z = arith.addf %%r, %s : f32" % zf,
                     "%%lo = arith.maximumf %%z, %s : f32" % zero,
                     "%%hi = arith.minimumf %%lo, %s : f32" % c255,
                     "%i = arith.fptoui %hi : f32 to i8"], "%i")
        y = self.generic([(x, list(range(rank)))], x.shape, quantize, node.output[0], element="i8")
        raw = QType("u8", [1.0], [0])
        out_y = Value("", x.shape, raw)
        out_y.name = self.emit("quant.scast %s : %s to %s" % (y.name, y.type, out_y.type))
        s = Value(self.emit("tensor.from_elements %s : tensor<f32>" % scale), [], F32)
        zi = self.emit("arith.fptoui %s : f32 to i8" % zf)
        zt = self.emit("tensor.from_elements %s : tensor<i8>" % zi)
        out_z = Value("", [], raw)
        out_z.name = self.emit("quant.scast %s : tensor<i8> to %s" % (zt, out_z.type))
        return [out_y, s, out_z]

    # --- float ops -------------------------------------------------------------

    def fvalue(self, name):
        v = self.value(name)
        if v.element != F32:
            self.fail("input '%s' must be float32" % name)
        return v

    def broadcast(self, values, loc, body, element=F32):
        """Elementwise over NumPy-broadcast shapes."""
        rank = max(len(v.shape) for v in values)
        shape = [1] * rank
        for v in values:
            for i, d in enumerate(v.shape):
                j = rank - len(v.shape) + i
                if d != 1:
                    if shape[j] not in (1, d):
                        self.fail("shapes %s do not broadcast" % [x.shape for x in values])
                    shape[j] = d
        inputs = []
        for v in values:
            off = rank - len(v.shape)
            inputs.append((v, [None if d == 1 and shape[off + i] != 1 else off + i
                               for i, d in enumerate(v.shape)]))
        return self.generic(inputs, shape, body, loc, element=element)

    def binary(self, node, op, dialect="arith"):
        a, b = self.fvalue(node.input[0]), self.fvalue(node.input[1])
        return self.broadcast([a, b], node.output[0], lambda x: (
            ["%%r = %s.%s %s, %s : f32" % (dialect, op, x[0], x[1])], "%r"))

    def op_Add(self, node, a):
        return self.binary(node, "addf")

    def op_Sub(self, node, a):
        return self.binary(node, "subf")

    def op_Mul(self, node, a):
        return self.binary(node, "mulf")

    def op_Div(self, node, a):
        return self.binary(node, "divf")

    def op_Min(self, node, a):
        return self.binary(node, "minimumf")

    def op_Max(self, node, a):
        return self.binary(node, "maximumf")

    def unary(self, node, lines, result="%r"):
        x = self.fvalue(node.input[0])
        return self.broadcast([x], node.output[0], lambda v: (
            [l.format(x=v[0]) for l in lines], result))

    def op_Relu(self, node, a):
        return self.unary(node, ["%z = arith.constant 0.000000e+00 : f32",
                                 "%r = arith.maximumf {x}, %z : f32"])

    def op_Sigmoid(self, node, a):
        return self.unary(node, ["%one = arith.constant 1.000000e+00 : f32",
                                 "%n = arith.negf {x} : f32", "%e = math.exp %n : f32",
                                 "%d = arith.addf %one, %e : f32", "%r = arith.divf %one, %d : f32"])

    def op_unary_math(self, node, a):
        return self.unary(node, ["%%r = %s {x} : f32" % UNARY_OPS[node.op_type]])

    def op_Reciprocal(self, node, a):
        return self.unary(node, ["%one = arith.constant 1.000000e+00 : f32", "%r = arith.divf %one, {x} : f32"])

    def op_LeakyRelu(self, node, a):
        return self.unary(node, ["%%a = arith.constant %s : f32" % float_literal(a.get("alpha", 0.01)),
                                 "%z = arith.constant 0.000000e+00 : f32",
                                 "%m = arith.mulf {x}, %a : f32", "%p = arith.cmpf oge, {x}, %z : f32",
                                 "%r = arith.select %p, {x}, %m : f32"])

    def hard_sigmoid(self, alpha, beta):
        """Lines computing %h = max(0, min(1, alpha * x + beta))."""
        return ["%%a = arith.constant %s : f32" % float_literal(alpha),
                "%%b = arith.constant %s : f32" % float_literal(beta),
                "%z = arith.constant 0.000000e+00 : f32", "%one = arith.constant 1.000000e+00 : f32",
                "%m = arith.mulf {x}, %a : f32", "%s = arith.addf %m, %b : f32",
                "%lo = arith.maximumf %s, %z : f32", "%h = arith.minimumf %lo, %one : f32"]

    def op_HardSigmoid(self, node, a):
        return self.unary(node, self.hard_sigmoid(a.get("alpha", 0.2), a.get("beta", 0.5)), "%h")

    def op_HardSwish(self, node, a):
        return self.unary(node, self.hard_sigmoid(1 / 6, 0.5) + ["%r = arith.mulf {x}, %h : f32"])

    def op_PRelu(self, node, a):
        x, slope = self.fvalue(node.input[0]), self.fvalue(node.input[1])
        return self.broadcast([x, slope], node.output[0], lambda v: (
            ["%z = arith.constant 0.000000e+00 : f32", "%%m = arith.mulf %s, %s : f32" % (v[0], v[1]),
             "%%p = arith.cmpf oge, %s, %%z : f32" % v[0], "%%r = arith.select %%p, %s, %%m : f32" % v[0]],
            "%r"))

    def op_Elu(self, node, a):
        return self.unary(node, ["%%a = arith.constant %s : f32" % float_literal(a.get("alpha", 1.0)),
                                 "%z = arith.constant 0.000000e+00 : f32", "%e = math.expm1 {x} : f32",
                                 "%m = arith.mulf %e, %a : f32", "%p = arith.cmpf oge, {x}, %z : f32",
                                 "%r = arith.select %p, {x}, %m : f32"])

    def op_Softplus(self, node, a):
        return self.unary(node, ["%e = math.exp {x} : f32", "%r = math.log1p %e : f32"])

    def op_Pow(self, node, a):
        return self.binary(node, "powf", dialect="math")

    def op_Round(self, node, a):
        return self.unary(node, ["%r = math.roundeven {x} : f32"])

    def op_Identity(self, node, a):
        return self.value(node.input[0])

    def op_Clip(self, node, a):
        x = self.fvalue(node.input[0])
        ins, ops = [x], []
        for i, op in ((1, "maximumf"), (2, "minimumf")):
            if len(node.input) <= i or not node.input[i]:
                continue
            if node.input[i] in self.constants:
                ops.append((op, float_literal(float(self.constants[node.input[i]])), None))
            else:
                ins.append(self.fvalue(node.input[i]))
                ops.append((op, None, len(ins) - 1))

        def body(v):
            lines, cur = [], v[0]
            for k, (op, literal, index) in enumerate(ops):
                operand = v[index] if index is not None else "%%b%d" % k
                if literal is not None:
                    lines.append("%%b%d = arith.constant %s : f32" % (k, literal))
                lines.append("%%c%d = arith.%s %s, %s : f32" % (k, op, cur, operand))
                cur = "%%c%d" % k
            return lines, cur
        if not ops:
            return x
        return self.broadcast(ins, node.output[0], body)

    def op_Cast(self, node, a):
        x = self.fvalue(node.input[0])
        to = np_dtype(a["to"])
        if to == np.dtype(np.float32):
            return x
        if to != np.dtype(np.uint8):
            self.fail("Cast to %s is not supported" % to)
        v = self.broadcast([x], node.output[0], lambda v: (
            ["%%r = arith.fptoui %s : f32 to i8" % v[0]], "%r"), element="i8")
        v.unsigned = True
        return v

    def reduce(self, node, a, op, init, loc=None):
        """A reduction over `axes` (attribute, or input from opset 18; all
        axes when absent), keeping reduced dimensions as 1 with keepdims."""
        x = self.fvalue(node.input[0])
        rank = len(x.shape)
        axes = a.get("axes")
        if len(node.input) > 1 and node.input[1]:
            axes = [int(v) for v in np.atleast_1d(self.constant(node.input[1], "axes"))]
        if not axes:
            if a.get("noop_with_empty_axes", 0):
                return x
            axes = range(rank)
        axes = sorted({int(d) % rank for d in axes})
        kept = [d for d in range(rank) if d not in axes]
        loop = {d: i for i, d in enumerate(kept + axes)}
        if a.get("keepdims", 1):
            shape = [1 if d in axes else x.shape[d] for d in range(rank)]
            out_dims = [None if d in axes else loop[d] for d in range(rank)]
        else:
            shape = [x.shape[d] for d in kept]
            out_dims = [loop[d] for d in kept]
        return self.generic([(x, [loop[d] for d in range(rank)])], shape, lambda v: (
            ["%%r = arith.%s %s, %s : f32" % (op, v[0], v[1])], "%r"),
            loc or node.output[0], iterators=["parallel"] * len(kept) + ["reduction"] * len(axes),
            init=self.fill(shape, init), out_dims=out_dims)

    def op_ReduceMin(self, node, a):
        return self.reduce(node, a, "minimumf", float("inf"))

    def op_ReduceMax(self, node, a):
        return self.reduce(node, a, "maximumf", float("-inf"))

    def op_ReduceSum(self, node, a):
        return self.reduce(node, a, "addf", 0.0)

    def op_ReduceMean(self, node, a):
        total = self.reduce(node, a, "addf", 0.0, loc=node.output[0] + ".sum")
        count = int(np.prod(self.value(node.input[0]).shape)) // max(int(np.prod(total.shape)), 1)
        return self.broadcast([total], node.output[0], lambda v: (
            ["%%n = arith.constant %s : f32" % float_literal(count), "%%r = arith.divf %s, %%n : f32" % v[0]],
            "%r"))

    def named(self, op, ins, init, shape, loc, attrs=""):
        out = tensor_str(shape, F32)
        return Value(self.emit("%s %sins(%s : %s) outs(%s : %s) -> %s" % (
            op, attrs, ", ".join(v.name for v in ins), ", ".join(v.type for v in ins), init, out, out), loc),
            shape, F32)

    def op_MatMul(self, node, a):
        x, w = self.fvalue(node.input[0]), self.fvalue(node.input[1])
        shape = self.out_shape(node)
        zero = self.fill(shape, 0.0)
        if len(x.shape) == 2 and len(w.shape) == 2:
            return self.named("linalg.matmul", [x, w], zero, shape, node.output[0])
        if len(x.shape) == 3 and len(w.shape) == 3 and x.shape[0] == w.shape[0]:
            return self.named("linalg.batch_matmul", [x, w], zero, shape, node.output[0])
        # General batched matmul: loops batch..., m, n, k with broadcasting.
        rank = len(shape)
        k = rank
        def operand(v, last2):
            off = rank - len(v.shape)
            dims = [None if d == 1 and shape[off + i] != 1 else off + i for i, d in enumerate(v.shape[:-2])]
            return (v, dims + last2)
        ins = [operand(x, [rank - 2, k]), operand(w, [k, rank - 1])]
        return self.generic(ins, shape, lambda v: (
            ["%%p = arith.mulf %s, %s : f32" % (v[0], v[1]), "%%r = arith.addf %s, %%p : f32" % v[2]], "%r"),
            node.output[0], iterators=["parallel"] * rank + ["reduction"], init=zero,
            out_dims=list(range(rank)))

    def scalar_mul(self, v, factor, loc):
        if factor == 1.0:
            return v
        c = float_literal(factor)
        return self.broadcast([v], loc, lambda x: (
            ["%%f = arith.constant %s : f32" % c, "%%r = arith.mulf %s, %%f : f32" % x[0]], "%r"))

    def add_bias(self, y, bias, channel, loc):
        """y + bias[c] along dimension `channel`."""
        dims = [channel] if bias.shape and bias.shape[0] != 1 else [None] * len(bias.shape)
        return self.generic([(y, list(range(len(y.shape)))), (bias, dims)], y.shape, lambda v: (
            ["%%r = arith.addf %s, %s : f32" % (v[0], v[1])], "%r"), loc)

    def op_Gemm(self, node, a):
        x, w = self.fvalue(node.input[0]), self.fvalue(node.input[1])
        if a.get("transA", 0):
            t = self.empty([x.shape[1], x.shape[0]])
            x = Value(self.emit("linalg.transpose ins(%s : %s) outs(%s : %s) permutation = [1, 0]" % (
                x.name, x.type, t, tensor_str([x.shape[1], x.shape[0]], F32))), [x.shape[1], x.shape[0]], F32)
        shape = self.out_shape(node)
        zero = self.fill(shape, 0.0)
        maps = ""
        if a.get("transB", 0):
            maps = ("indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, "
                    "affine_map<(d0, d1, d2) -> (d0, d1)>] ")
        y = self.named("linalg.matmul", [x, w], zero, shape, node.output[0], maps)
        y = self.scalar_mul(y, float(a.get("alpha", 1.0)), node.output[0] + ".alpha")
        if len(node.input) > 2 and node.input[2]:
            beta = float(a.get("beta", 1.0))
            if node.input[2] in self.constants:
                c = self.const(self.constants[node.input[2]].astype(np.float32) * np.float32(beta))
            else:
                c = self.scalar_mul(self.fvalue(node.input[2]), beta, node.output[0] + ".beta")
            y = self.broadcast([y, c], node.output[0] + ".bias", lambda v: (
                ["%%r = arith.addf %s, %s : f32" % (v[0], v[1])], "%r"))
        return y

    def pads_for(self, a, spatial, kernel, strides, dilations):
        auto = string_attr(a, "auto_pad", "NOTSET")
        if auto in ("NOTSET", ""):
            return list(a.get("pads", [0] * (2 * len(spatial))))
        if auto == "VALID":
            return [0] * (2 * len(spatial))
        begin, end = [], []
        for size, k, st, d in zip(spatial, kernel, strides, dilations):
            total = max(0, (-(-size // st) - 1) * st + (k - 1) * d + 1 - size)
            small, big = total // 2, total - total // 2
            begin.append(small if auto == "SAME_UPPER" else big)
            end.append(big if auto == "SAME_UPPER" else small)
        return begin + end

    def pad_nchw(self, x, pads, value, loc):
        if not any(pads):
            return x
        shape = [x.shape[0], x.shape[1], x.shape[2] + pads[0] + pads[2], x.shape[3] + pads[1] + pads[3]]
        c = self.emit("arith.constant %s : f32" % float_literal(value))
        name = self.emit("tensor.pad %s low[0, 0, %d, %d] high[0, 0, %d, %d] {\n  ^bb0(%%i: index, %%j: index, "
                         "%%k: index, %%l: index):\n    tensor.yield %s : f32\n  } : %s to %s" % (
                             x.name, pads[0], pads[1], pads[2], pads[3], c, x.type, tensor_str(shape, F32)), loc)
        return Value(name, shape, F32)

    def sample(self, x, shape, taps, loc):
        """out[i] = sum over the taps of w * x[j], where each axis in `taps`
        reads x at constant source indices with constant weights: taps[axis]
        is a list of (indices, weights or None) over the output positions of
        that axis, and the other axes read x at the same index. One
        linalg.generic whose inputs are those tables (computed here, at
        import) and whose body extracts from x: padding by edge or
        reflection, and resizing by nearest or linear interpolation."""
        rank = len(shape)
        tables, refs = [], {}
        for axis in sorted(taps):
            refs[axis] = []
            for idx, w in taps[axis]:
                i = len(tables)
                tables.append((self.const(np.asarray(idx, dtype=np.int64)), [axis]))
                if w is not None:
                    tables.append((self.const(np.asarray(w, dtype=np.float32)), [axis]))
                refs[axis].append((i, None if w is None else i + 1))

        def body(args):
            lines = ["%%d%d = linalg.index %d : index" % (d, d) for d in range(rank) if d not in taps]
            for axis in refs:
                for t, (i, _) in enumerate(refs[axis]):
                    lines.append("%%a%d_%d = arith.index_cast %s : i64 to index" % (axis, t, args[i]))
            terms = []
            # Every combination of one tap per axis: its weight times x there.
            combos = [[]]
            for axis in refs:
                combos = [c + [(axis, t)] for c in combos for t in range(len(refs[axis]))]
            for n, combo in enumerate(combos):
                index = ["%%d%d" % d for d in range(rank)]
                for axis, t in combo:
                    index[axis] = "%%a%d_%d" % (axis, t)
                lines.append("%%x%d = tensor.extract %s[%s] : %s" % (n, x.name, ", ".join(index), x.type))
                term = "%%x%d" % n
                for k, (axis, t) in enumerate(combo):
                    w = refs[axis][t][1]
                    if w is not None:
                        lines.append("%%x%d_%d = arith.mulf %s, %s : f32" % (n, k, term, args[w]))
                        term = "%%x%d_%d" % (n, k)
                terms.append(term)
            total = terms[0]
            for n, term in enumerate(terms[1:]):
                lines.append("%%s%d = arith.addf %s, %s : f32" % (n, total, term))
                total = "%%s%d" % n
            return lines, total
        return self.generic(tables, shape, body, loc)

    def op_Pad(self, node, a):
        x = self.fvalue(node.input[0])
        rank = len(x.shape)
        mode = string_attr(a, "mode", "constant")
        if mode not in ("constant", "reflect", "edge"):
            self.fail("mode %s is not supported (constant, reflect, edge)" % mode)
        pads = [int(p) for p in self.constant(node.input[1], "pads")]
        if any(p < 0 for p in pads):
            self.fail("negative pads (cropping) are not supported")
        low, high = pads[:rank], pads[rank:]
        shape = [n + l + h for n, l, h in zip(x.shape, low, high)]
        if mode != "constant":
            taps = {}
            for d, (n, l) in enumerate(zip(x.shape, low)):
                if shape[d] == n:
                    continue
                j = np.arange(shape[d]) - l
                if mode == "edge":
                    j = np.clip(j, 0, n - 1)
                elif max(l, high[d]) >= n:
                    self.fail("reflect padding of %d on an axis of size %d" % (max(l, high[d]), n))
                else:
                    j = np.abs(j)
                    j = np.where(j >= n, 2 * (n - 1) - j, j)
                taps[d] = [(j, None)]
            return self.sample(x, shape, taps, node.output[0])
        value = 0.0
        if len(node.input) > 2 and node.input[2]:
            value = float(np.asarray(self.constant(node.input[2], "constant_value")).reshape(-1)[0])
        c = self.emit("arith.constant %s : f32" % float_literal(value))
        args = ", ".join("%%i%d: index" % d for d in range(rank))
        name = self.emit("tensor.pad %s low[%s] high[%s] {\n  ^bb0(%s):\n    tensor.yield %s : f32\n  } : %s to %s" % (
            x.name, ", ".join(map(str, low)), ", ".join(map(str, high)), args, c, x.type, tensor_str(shape, F32)),
            node.output[0])
        return Value(name, shape, F32)

    def op_Resize(self, node, a):
        """Nearest and linear resizing of any axes, with the source indices
        and weights of every output position computed here as the ONNX
        reference does (float64 coordinates)."""
        x = self.fvalue(node.input[0])
        rank = len(x.shape)
        mode = string_attr(a, "mode", "nearest")
        ctm = string_attr(a, "coordinate_transformation_mode", "half_pixel")
        nearest = string_attr(a, "nearest_mode", "round_prefer_floor")
        if mode not in ("nearest", "linear"):
            self.fail("mode %s is not supported (nearest, linear)" % mode)
        if ctm not in ("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                       "tf_half_pixel_for_nn"):
            self.fail("coordinate_transformation_mode %s is not supported" % ctm)
        if a.get("antialias", 0) or "axes" in a or \
                string_attr(a, "keep_aspect_ratio_policy", "stretch") != "stretch":
            self.fail("antialias, axes and keep_aspect_ratio_policy are not supported")
        shape = self.out_shape(node)
        scales = None
        if len(node.input) > 2 and node.input[2] and node.input[2] in self.constants:
            scales = np.asarray(self.constant(node.input[2], "scales"), dtype=np.float64).reshape(-1)
            if scales.size == 0:
                scales = None
        if scales is None:
            scales = np.array([m / n for m, n in zip(shape, x.shape)], dtype=np.float64)
        taps = {}
        for d in range(rank):
            n, m, s = x.shape[d], shape[d], scales[d]
            if n == m and s == 1:
                continue
            i = np.arange(m, dtype=np.float64)
            if ctm == "half_pixel":
                c = (i + 0.5) / s - 0.5
            elif ctm == "pytorch_half_pixel":
                c = (i + 0.5) / s - 0.5 if m > 1 else np.zeros(m)
            elif ctm == "align_corners":
                # The resized length is n * scale, unrounded, as in ONNX.
                c = i * (n - 1) / (n * s - 1) if n * s > 1 else np.zeros(m)
            elif ctm == "asymmetric":
                c = i / s
            else:
                c = (i + 0.5) / s
            if mode == "nearest":
                if nearest == "round_prefer_floor":
                    j = np.where(c == np.floor(c) + 0.5, np.floor(c), np.round(c))
                elif nearest == "round_prefer_ceil":
                    j = np.where(c == np.floor(c) + 0.5, np.ceil(c), np.round(c))
                elif nearest == "floor":
                    j = np.floor(c)
                elif nearest == "ceil":
                    j = np.ceil(c)
                else:
                    self.fail("nearest_mode %s is not supported" % nearest)
                taps[d] = [(np.clip(j, 0, n - 1).astype(np.int64), None)]
            else:
                c = np.clip(c, 0, n - 1)
                lo = np.floor(c)
                frac = c - lo
                taps[d] = [(lo.astype(np.int64), 1 - frac),
                           (np.minimum(lo + 1, n - 1).astype(np.int64), frac)]
        if not taps:
            return x
        return self.sample(x, shape, taps, node.output[0])

    def op_Conv(self, node, a):
        x, w = self.fvalue(node.input[0]), self.value(node.input[1])
        if len(x.shape) != 4:
            self.fail("only 2-D convolutions are supported")
        kernel = w.shape[2:]
        strides = list(a.get("strides", [1, 1]))
        dilations = list(a.get("dilations", [1, 1]))
        pads = self.pads_for(a, x.shape[2:], kernel, strides, dilations)
        group = a.get("group", 1)
        xp = self.pad_nchw(x, pads, 0.0, node.output[0] + ".pad")
        shape = self.out_shape(node)
        zero = self.fill(shape, 0.0)
        attrs = "{dilations = dense<[%d, %d]> : tensor<2xi64>, strides = dense<[%d, %d]> : tensor<2xi64>} " % (
            tuple(dilations) + tuple(strides))
        if group == 1:
            y = self.named("linalg.conv_2d_nchw_fchw", [xp, w], zero, shape, node.output[0], attrs)
        elif group == x.shape[1] and w.shape[0] == group and node.input[1] in self.constants:
            wd = self.const(self.constants[node.input[1]].reshape(group, kernel[0], kernel[1]))
            y = self.named("linalg.depthwise_conv_2d_nchw_chw", [xp, wd], zero, shape, node.output[0], attrs)
        else:
            self.fail("group %d is neither 1 nor depthwise" % group)
        if len(node.input) > 2 and node.input[2]:
            y = self.add_bias(y, self.fvalue(node.input[2]), 1, node.output[0] + ".bias")
        return y

    def op_ConvTranspose(self, node, a):
        """The equivalent convolution: the input with stride - 1 zeros
        between its elements, padded by dilation * (k - 1) less the pads
        (cropped where that is negative), convolved at stride 1 with the
        weights [C, F/g, KH, KW] flipped and swapped to [F, C/g, KH, KW]. A
        2-D convolution with constant weights, which the quantizer takes."""
        x = self.fvalue(node.input[0])
        if len(x.shape) != 4:
            self.fail("only 2-D transposed convolutions are supported")
        if node.input[1] not in self.constants:
            self.fail("weights must be a constant")
        w = np.asarray(self.constants[node.input[1]], dtype=np.float32)
        group = a.get("group", 1)
        C, H, W = x.shape[1:]
        kernel = list(w.shape[2:])
        strides = list(a.get("strides", [1, 1]))
        dilations = list(a.get("dilations", [1, 1]))
        extra = list(a.get("output_padding", [0, 0]))
        full = [st * (n - 1) + e + (k - 1) * d + 1
                for n, k, st, d, e in zip((H, W), kernel, strides, dilations, extra)]
        auto = string_attr(a, "auto_pad", "NOTSET")
        if "output_shape" in a or auto in ("SAME_UPPER", "SAME_LOWER"):
            out = list(a["output_shape"])[-2:] if "output_shape" in a else \
                [n * st for n, st in zip((H, W), strides)]
            total = [f - o for f, o in zip(full, out)]
            if auto == "SAME_UPPER":
                begin, end = [t // 2 for t in total], [t - t // 2 for t in total]
            else:
                begin, end = [t - t // 2 for t in total], [t // 2 for t in total]
            pads = begin + end
        elif auto == "VALID":
            pads = [0, 0, 0, 0]
        else:
            pads = list(a.get("pads", [0, 0, 0, 0]))
        if group == 1:
            wt = w.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1]
            conv = "linalg.conv_2d_nchw_fchw"
        elif group == C and w.shape[1] == 1:
            wt = w[:, 0, ::-1, ::-1]
            conv = "linalg.depthwise_conv_2d_nchw_chw"
        else:
            self.fail("group %d is neither 1 nor depthwise" % group)
        loc = node.output[0]
        if strides != [1, 1]:
            up = [x.shape[0], C, strides[0] * (H - 1) + 1, strides[1] * (W - 1) + 1]
            zeros = self.fill(up, 0.0)
            x = Value(self.emit("tensor.insert_slice %s into %s[0, 0, 0, 0] [%s] [1, 1, %d, %d] : %s into %s" % (
                x.name, zeros, ", ".join(map(str, x.shape)), strides[0], strides[1], x.type,
                tensor_str(up, F32)), loc + ".upsample"), up, F32)
        grow = [(k - 1) * d for k, d in zip(kernel, dilations)]
        low = [g - p for g, p in zip(grow, pads[:2])]
        high = [g - p + e for g, p, e in zip(grow, pads[2:], extra)]
        if any(v < 0 for v in low + high):
            offsets = [max(0, -v) for v in low]
            sizes = [n - max(0, -l) - max(0, -h) for n, l, h in zip(x.shape[2:], low, high)]
            shape = x.shape[:2] + sizes
            x = Value(self.emit("tensor.extract_slice %s[0, 0, %d, %d] [%s] [1, 1, 1, 1] : %s to %s" % (
                x.name, offsets[0], offsets[1], ", ".join(map(str, shape)), x.type, tensor_str(shape, F32)),
                loc + ".crop"), shape, F32)
            low, high = [max(0, v) for v in low], [max(0, v) for v in high]
        xp = self.pad_nchw(x, [low[0], low[1], high[0], high[1]], 0.0, loc + ".pad")
        shape = self.out_shape(node)
        attrs = "{dilations = dense<[%d, %d]> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} " % tuple(dilations)
        y = self.named(conv, [xp, self.const(np.ascontiguousarray(wt))], self.fill(shape, 0.0), shape, loc,
                       attrs)
        if len(node.input) > 2 and node.input[2]:
            y = self.add_bias(y, self.fvalue(node.input[2]), 1, loc + ".bias")
        return y

    def pool_attrs(self, node, a, x):
        if len(x.shape) != 4:
            self.fail("only 2-D pooling is supported")
        if a.get("ceil_mode", 0):
            self.fail("ceil_mode is not supported")
        kernel = list(a["kernel_shape"])
        strides = list(a.get("strides", [1, 1]))
        dilations = list(a.get("dilations", [1, 1]))
        if dilations != [1, 1]:
            self.fail("dilated pooling is not supported")
        return kernel, strides, self.pads_for(a, x.shape[2:], kernel, strides, dilations)

    def pool(self, op, x, kernel, strides, init_value, shape, loc):
        init = self.fill(shape, init_value)
        win = self.empty(kernel)
        attrs = "{dilations = dense<1> : tensor<2xi64>, strides = dense<[%d, %d]> : tensor<2xi64>} " % tuple(strides)
        return Value(self.emit("%s %sins(%s, %s : %s, %s) outs(%s : %s) -> %s" % (
            op, attrs, x.name, win, x.type, tensor_str(kernel, F32), init, tensor_str(shape, F32),
            tensor_str(shape, F32)), loc), shape, F32)

    def op_MaxPool(self, node, a):
        if len(node.output) > 1 and node.output[1]:
            self.fail("the Indices output is not supported")
        x = self.fvalue(node.input[0])
        kernel, strides, pads = self.pool_attrs(node, a, x)
        xp = self.pad_nchw(x, pads, float("-inf"), node.output[0] + ".pad")
        return self.pool("linalg.pooling_nchw_max", xp, kernel, strides, float("-inf"),
                         self.out_shape(node), node.output[0])

    def op_AveragePool(self, node, a):
        x = self.fvalue(node.input[0])
        kernel, strides, pads = self.pool_attrs(node, a, x)
        shape = self.out_shape(node)
        xp = self.pad_nchw(x, pads, 0.0, node.output[0] + ".pad")
        total = self.pool("linalg.pooling_nchw_sum", xp, kernel, strides, 0.0, shape, node.output[0] + ".sum")
        if a.get("count_include_pad", 0) or not any(pads):
            return self.scalar_mul(total, 1.0 / (kernel[0] * kernel[1]), node.output[0])
        # Without the padding in the count, each position has its own count.
        counts = np.zeros(shape[2:], np.float32)
        for i in range(shape[2]):
            for j in range(shape[3]):
                h0, w0 = i * strides[0] - pads[0], j * strides[1] - pads[1]
                rows = min(h0 + kernel[0], x.shape[2]) - max(h0, 0)
                cols = min(w0 + kernel[1], x.shape[3]) - max(w0, 0)
                counts[i, j] = rows * cols
        c = self.const(counts)
        return self.generic([(total, [0, 1, 2, 3]), (c, [2, 3])], shape, lambda v: (
            ["%%r = arith.divf %s, %s : f32" % (v[0], v[1])], "%r"), node.output[0])

    def op_GlobalAveragePool(self, node, a):
        x = self.fvalue(node.input[0])
        shape = self.out_shape(node)
        total = self.pool("linalg.pooling_nchw_sum", x, x.shape[2:], [1, 1], 0.0, shape, node.output[0] + ".sum")
        return self.scalar_mul(total, 1.0 / (x.shape[2] * x.shape[3]), node.output[0])

    def reshape_to(self, x, shape, loc):
        """Any reshape as a collapse to 1-D and an expand: both are layout
        ops the quantizer propagates parameters through."""
        if list(shape) == list(x.shape):
            return x
        n = int(np.prod(x.shape))
        flat = x
        if len(x.shape) != 1:
            flat = Value(self.emit("tensor.collapse_shape %s [[%s]] : %s into %s" % (
                x.name, ", ".join(str(i) for i in range(len(x.shape))), x.type, tensor_str([n], self.etype(x))), loc),
                [n], x.element)
        if len(shape) == 1:
            return flat
        out = Value("", shape, x.element)
        out.name = self.emit("tensor.expand_shape %s [[%s]] output_shape [%s] : %s into %s" % (
            flat.name, ", ".join(str(i) for i in range(len(shape))), ", ".join(str(d) for d in shape),
            flat.type, out.type), loc)
        return out

    def etype(self, v):
        return qtype_str(v.element) if isinstance(v.element, QType) else v.element

    def op_Flatten(self, node, a):
        return self.reshape_to(self.value(node.input[0]), self.out_shape(node), node.output[0])

    def op_Reshape(self, node, a):
        return self.reshape_to(self.value(node.input[0]), self.out_shape(node), node.output[0])

    op_Squeeze = op_Unsqueeze = op_Reshape

    def extract(self, x, offsets, sizes, strides, loc):
        out = Value("", sizes, x.element)
        if 0 in sizes:  # nothing to read; MLIR wants offsets inside the source
            out.name = self.empty(sizes, self.etype(x))
            return out
        out.name = self.emit("tensor.extract_slice %s[%s] [%s] [%s] : %s to %s" % (
            x.name, ", ".join(map(str, offsets)), ", ".join(map(str, sizes)), ", ".join(map(str, strides)),
            x.type, out.type), loc)
        return out

    def op_Split(self, node, a):
        x = self.value(node.input[0])
        axis = a.get("axis", 0) % len(x.shape)
        sizes = [self.out_shape(node, i)[axis] for i in range(len(node.output))]
        outs, offset = [], 0
        for name, size in zip(node.output, sizes):
            offsets = [offset if d == axis else 0 for d in range(len(x.shape))]
            shape = [size if d == axis else n for d, n in enumerate(x.shape)]
            outs.append(self.extract(x, offsets, shape, [1] * len(x.shape), name))
            offset += size
        return outs

    def op_Slice(self, node, a):
        x = self.value(node.input[0])

        def ints(i, what, default=None):
            if len(node.input) > i and node.input[i]:
                return [int(v) for v in self.constant(node.input[i], what)]
            return default
        starts, ends = ints(1, "starts"), ints(2, "ends")
        axes = ints(3, "axes", list(range(len(starts))))
        steps = ints(4, "steps", [1] * len(starts))
        offsets, sizes, strides = [0] * len(x.shape), list(x.shape), [1] * len(x.shape)
        for start, end, axis, step in zip(starts, ends, axes, steps):
            axis %= len(x.shape)
            if step <= 0:
                self.fail("steps must be positive")
            first, last, _ = slice(start, end, step).indices(x.shape[axis])
            sizes[axis] = max(0, -(-(last - first) // step))
            offsets[axis], strides[axis] = first, step
        return self.extract(x, offsets, sizes, strides, node.output[0])

    def op_Transpose(self, node, a):
        x = self.value(node.input[0])
        perm = list(a.get("perm", reversed(range(len(x.shape)))))
        shape = [x.shape[p] for p in perm]
        out = Value("", shape, x.element)
        init = self.empty(shape, self.etype(x))
        out.name = self.emit("linalg.transpose ins(%s : %s) outs(%s : %s) permutation = [%s]" % (
            x.name, x.type, init, out.type, ", ".join(str(p) for p in perm)), node.output[0])
        return out

    def op_Concat(self, node, a):
        ins = [self.value(n) for n in node.input]
        axis = a["axis"] % len(ins[0].shape)
        out = Value("", self.out_shape(node), ins[0].element)
        out.name = self.emit("tensor.concat dim(%d) %s : (%s) -> %s" % (
            axis, ", ".join(v.name for v in ins), ", ".join(v.type for v in ins), out.type), node.output[0])
        return out

    def op_BatchNormalization(self, node, a):
        if a.get("training_mode", 0) or len(node.output) > 1:
            self.fail("training mode is not supported")
        x = self.fvalue(node.input[0])
        scale, bias, mean, var = (self.constant(n, "parameter").astype(np.float32) for n in node.input[1:5])
        std = np.sqrt(var + np.float32(a.get("epsilon", 1e-5))).astype(np.float32)
        y = x
        for values, op, tag in ((mean, "subf", "sub"), (std, "divf", "div"), (scale, "mulf", "mul"),
                                (bias, "addf", "add")):
            c = self.const(values)
            y = self.generic([(y, list(range(len(x.shape)))), (c, [1])], x.shape, lambda v, op=op: (
                ["%%r = arith.%s %s, %s : f32" % (op, v[0], v[1])], "%r"), node.output[0] + ".bn." + tag)
        return y

    def op_LayerNormalization(self, node, a):
        """(x - mean) / sqrt(var + epsilon) * scale + bias over the axes from
        `axis` on, in the order exporters decompose it at older opsets; the
        optional outputs Mean and InvStdDev keep the reduced dimensions."""
        x = self.fvalue(node.input[0])
        rank = len(x.shape)
        axis = a.get("axis", -1) % rank
        keep = list(range(axis))
        kept = x.shape[:axis]
        normalized = list(range(axis, rank))
        count = float_literal(int(np.prod(x.shape[axis:])))
        its = ["parallel"] * axis + ["reduction"] * (rank - axis)
        everything = (x, list(range(rank)))

        def mean_of(value, loc):
            total = self.generic([value], kept, lambda v: (
                ["%%r = arith.addf %s, %s : f32" % (v[0], v[1])], "%r"), loc + ".sum",
                iterators=its, init=self.fill(kept, 0.0), out_dims=keep)
            return self.generic([(total, keep)], kept, lambda v: (
                ["%%n = arith.constant %s : f32" % count, "%%r = arith.divf %s, %%n : f32" % v[0]], "%r"), loc)

        out = node.output[0]
        mean = mean_of(everything, out + ".mean")
        centered = self.generic([everything, (mean, keep)], x.shape, lambda v: (
            ["%%r = arith.subf %s, %s : f32" % (v[0], v[1])], "%r"), out + ".sub")
        square = self.generic([(centered, list(range(rank)))], x.shape, lambda v: (
            ["%%r = arith.mulf %s, %s : f32" % (v[0], v[0])], "%r"), out + ".square")
        var = mean_of((square, list(range(rank))), out + ".var")
        std = self.generic([(var, keep)], kept, lambda v: (
            ["%%e = arith.constant %s : f32" % float_literal(np.float32(a.get("epsilon", 1e-5))),
             "%%t = arith.addf %s, %%e : f32" % v[0], "%r = math.sqrt %t : f32"], "%r"), out + ".std")
        affine = [(node.input[i + 1], op) for i, op in enumerate(("mulf", "addf"))
                  if len(node.input) > i + 1 and node.input[i + 1]]
        y = self.generic([(centered, list(range(rank))), (std, keep)], x.shape, lambda v: (
            ["%%r = arith.divf %s, %s : f32" % (v[0], v[1])], "%r"), out + ".div" if affine else out)
        for i, (name, op) in enumerate(affine):
            p = self.fvalue(name)
            dims = normalized[len(normalized) - len(p.shape):]
            p_dims = [None if d == 1 and x.shape[j] != 1 else j for d, j in zip(p.shape, dims)]
            y = self.generic([(y, list(range(rank))), (p, p_dims)], x.shape, lambda v, op=op: (
                ["%%r = arith.%s %s, %s : f32" % (op, v[0], v[1])], "%r"),
                out if i == len(affine) - 1 else out + "." + op)
        if len(node.output) == 1:
            return y
        reduced = kept + [1] * (rank - axis)
        mean_out = self.generic([(mean, keep)], reduced, lambda v: ([], v[0]), node.output[1] or out + ".Mean")
        inv = self.generic([(std, keep)], reduced, lambda v: (
            ["%one = arith.constant 1.000000e+00 : f32", "%%r = arith.divf %%one, %s : f32" % v[0]], "%r"),
            node.output[2] if len(node.output) > 2 and node.output[2] else out + ".InvStdDev")
        return [y, mean_out, inv]

    def op_Softmax(self, node, a):
        return self.softmax(node, a, log=False)

    def op_LogSoftmax(self, node, a):
        return self.softmax(node, a, log=True)

    def softmax(self, node, a, log):
        """exp(x - max) / sum, or for log: x - max - log(sum), along `axis`."""
        x = self.fvalue(node.input[0])
        rank = len(x.shape)
        axis = a.get("axis", -1) % rank
        keep = [d for d in range(rank) if d != axis]
        kept = [x.shape[d] for d in keep]
        its = ["reduction" if d == axis else "parallel" for d in range(rank)]
        mx = self.generic([(x, list(range(rank)))], kept, lambda v: (
            ["%%r = arith.maximumf %s, %s : f32" % (v[0], v[1])], "%r"), node.output[0] + ".max",
            iterators=its, init=self.fill(kept, float("-inf")), out_dims=keep)
        e = self.generic([(x, list(range(rank))), (mx, keep)], x.shape, lambda v: (
            ["%%d = arith.subf %s, %s : f32" % (v[0], v[1]), "%r = math.exp %d : f32"], "%r"),
            node.output[0] + ".exp")
        total = self.generic([(e, list(range(rank)))], kept, lambda v: (
            ["%%r = arith.addf %s, %s : f32" % (v[0], v[1])], "%r"), node.output[0] + ".sum",
            iterators=its, init=self.fill(kept, 0.0), out_dims=keep)
        if log:
            return self.generic([(x, list(range(rank))), (mx, keep), (total, keep)], x.shape, lambda v: (
                ["%%d = arith.subf %s, %s : f32" % (v[0], v[1]), "%%l = math.log %s : f32" % v[2],
                 "%r = arith.subf %d, %l : f32"], "%r"), node.output[0])
        return self.generic([(e, list(range(rank))), (total, keep)], x.shape, lambda v: (
            ["%%r = arith.divf %s, %s : f32" % (v[0], v[1])], "%r"), node.output[0])

    # --- driver ----------------------------------------------------------------

    def run(self):
        for inp in self.graph.input:
            if inp.name in self.constants:
                continue
            t = inp.type.tensor_type
            shape = self.shapes.get(inp.name)
            if shape is None or any(d < 0 for d in shape):
                raise OnnxImportError("graph input '%s' needs a static shape, has %s (give one: "
                                      "--input-shape %s=%s)" % (
                                          inp.name, [d if d >= 0 else "?" for d in shape or []], inp.name,
                                          ",".join(str(max(d, 1)) for d in shape or [1])))
            dtype = np_dtype(t.elem_type)
            if dtype in (np.dtype(np.uint8), np.dtype(np.int8)):
                # Raw quantized storage: the consuming op gives its type.
                v = Value("%%arg%d" % len(self.args), shape, None)
                v.raw_input = True
            elif dtype in NP_ELEMENT:
                v = Value("%%arg%d" % len(self.args), shape, NP_ELEMENT[dtype])
            else:
                raise OnnxImportError("graph input '%s' has unsupported type %s" % (inp.name, dtype))
            self.args.append(v)
            self.values[inp.name] = v
        for node in self.graph.node:
            self.node = node
            if node.op_type == "Constant":
                self.constants[node.output[0]] = numpy_helper.to_array(self.attrs(node)["value"])
                continue
            if node.domain not in ("", "ai.onnx"):
                self.fail("domain '%s' is not supported" % node.domain)
            handler = getattr(self, "op_" + node.op_type,
                              self.op_unary_math if node.op_type in UNARY_OPS else None)
            if handler is None:
                self.fail("op is not supported")
            outs = handler(node, self.attrs(node))
            outs = outs if isinstance(outs, list) else [outs]
            for name, v in zip(node.output, outs):
                self.values[name] = v
        results = []
        for o in self.graph.output:
            v = self.values[o.name]
            if getattr(v, "unsigned", False):
                # Raw uint8 travels as u8 storage so that runners use uint8.
                raw = Value("", v.shape, QType("u8", [1.0], [0]))
                raw.name = self.emit("quant.scast %s : %s to %s" % (v.name, v.type, raw.type))
                v = raw
            results.append(v)
        for v in self.args:
            if v.element is None:
                raise OnnxImportError("graph input %s is integer data no quantized op consumes" % v.name)
        sig_args = ", ".join("%s: %s" % (v.name, v.type) for v in self.args)
        sig_res = ", ".join(v.type for v in results)
        body = "\n".join(self.lines)
        return "func.func @main(%s) -> (%s) {\n%s\n  return %s : %s\n}\n" % (
            sig_args, sig_res, body, ", ".join(v.name for v in results), sig_res)


def _unit(imp, name):
    """MatMulInteger/ConvInteger carry no scale: a unit scale constant."""
    key = "__unit_scale__"
    imp.constants[key] = np.array([1.0], np.float32)
    return key


def _storage_of(imp, name, t):
    v = imp.values.get(name)
    if name in imp.constants:
        return {np.dtype(np.uint8): "u8", np.dtype(np.int8): "i8"}.get(imp.constants[name].dtype, t.storage)
    if v is not None and isinstance(v.element, QType):
        return v.element.storage
    dtype = None
    for inp in imp.graph.input:
        if inp.name == name:
            dtype = np_dtype(inp.type.tensor_type.elem_type)
    return {np.dtype(np.uint8): "u8", np.dtype(np.int8): "i8"}.get(dtype, t.storage)


def import_model(model, input_shapes=None):
    """MLIR text of `model` (an onnx.ModelProto); `input_shapes` (name ->
    dims) fixes the shapes of inputs with symbolic dimensions."""
    if input_shapes:
        model = fix_input_shapes(model, input_shapes)
    return Importer(model).run()
