//===- QNNOps.td - qnn operations --------------------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
// The exact arithmetic of every op is specified in docs/Dialects/QNN.md; the
// descriptions here summarize it.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNOPS_TD
#define QMLIR_DIALECT_QNN_IR_QNNOPS_TD

include "qmlir/Dialect/QNN/IR/QNNDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Requantization
//===----------------------------------------------------------------------===//

def QNN_RequantizeOp : QNN_Op<"requantize", [Pure]> {
  let summary = "Change the quantization parameters of a tensor";
  let description = [{
    Maps every element to the output parameters so that the real value is
    preserved up to rounding and saturation:

    `q_out = clamp(zp_out + R(s_in / s_out, q_in - zp_in), qmin_out, qmax_out)`

    where `R` applies the real multiplier with the given rounding mode. Either
    side may be per-axis (both on the same dimension); the multiplier is then
    taken per channel. Storage types may differ, so this op also widens and
    narrows (i32 accumulator to i8, i8 to i16, ...).

    Example:

    ```mlir
    %1 = qnn.requantize %0 rounding = fixedpoint
        : tensor<4x!quant.uniform<i32:f32, 0.0005>>
       -> tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
    ```
  }];
  let arguments = (ins QNN_QuantTensor:$input, QNN_RoundingModeAttr:$rounding);
  let results = (outs QNN_QuantTensor:$output);
  let assemblyFormat = [{
    $input `rounding` `=` `` $rounding attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def QNN_MatmulOp : QNN_Op<"matmul", [Pure]> {
  let summary = "Quantized (batch) matrix multiplication with optional bias";
  let description = [{
    `lhs` is `[B..., M, K]`, `rhs` is `[K, N]` (shared weights, a fully
    connected layer) or `[B..., K, N]`, the result is `[B..., M, N]`. `rhs` may
    be per-axis on its N dimension; `lhs` and the result are per-tensor.

    `acc[b, m, n] = sum_k (lhs[b, m, k] - zp_lhs) * (rhs[b, k, n] - zp_rhs[n])`
    is exact in i32 (the verifier rejects a K for which it could overflow);
    the optional `bias` (i32 storage, zero point 0, scale
    `s_lhs * s_rhs[n]`) is added with i32 saturation, and the sum is
    requantized from scale `s_lhs * s_rhs[n]` to the result type with the
    rounding mode (default `fixedpoint`). A result of i32 storage with the
    accumulator's scale and zero point 0 returns the raw accumulator.

    Example:

    ```mlir
    %r = qnn.matmul %x, %w, %b
        : (tensor<2x16x!quant.uniform<i8:f32, 0.05:-4>>,
           tensor<16x8x!quant.uniform<i8:f32:1, {0.01,0.02,0.01,0.02,0.01,0.02,0.01,0.02}>>,
           tensor<8x!quant.uniform<i32:f32:0, {0.0005,0.001,0.0005,0.001,0.0005,0.001,0.0005,0.001}>>)
       -> tensor<2x8x!quant.uniform<i8:f32, 0.1:3>>
    ```
  }];
  let arguments = (ins QNN_QuantTensor:$lhs, QNN_QuantTensor:$rhs,
                       Optional<QNN_QuantTensor>:$bias,
                       DefaultValuedAttr<QNN_RoundingModeAttr,
                         "::qmlir::qnn::RoundingMode::FixedPoint">:$rounding);
  let results = (outs QNN_QuantTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? (`rounding` `=` `` $rounding^)? attr-dict `:`
    `(` type($lhs) `,` type($rhs) (`,` type($bias)^)? `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

def QNN_Conv2DOp : QNN_Op<"conv2d", [Pure]> {
  let summary = "Quantized 2-D convolution (grouped, depthwise) with optional bias";
  let description = [{
    With `layout = nchw` the input is `[N, C, H, W]`, the filter
    `[F, C/groups, KH, KW]` and the result `[N, F, OH, OW]`; with
    `layout = nhwc` they are `[N, H, W, C]`, `[KH, KW, C/groups, F]` and
    `[N, OH, OW, F]`. `groups` divides C and F; `groups = C` is a depthwise
    convolution with channel multiplier F / C. `padding` is
    `[top, left, bottom, right]`; padded input elements hold the input zero
    point (real value 0).
    `OH = floor((H + top + bottom - dilation_h * (KH - 1) - 1) / stride_h) + 1`.

    The filter may be per-axis on F. Accumulation, bias and requantization are
    those of `qnn.matmul`, with the reduction over `(C/groups) * KH * KW`.

    Example:

    ```mlir
    %r = qnn.conv2d %x, %w layout = nhwc {strides = array<i64: 2, 2>,
                                          padding = array<i64: 1, 1, 1, 1>}
        : (tensor<1x8x8x3x!quant.uniform<u8:f32, 0.02:128>>,
           tensor<3x3x3x4x!quant.uniform<i8:f32:3, {0.1,0.2,0.1,0.2}>>)
       -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.5:120>>
    ```
  }];
  let arguments = (ins QNN_QuantTensor:$input, QNN_QuantTensor:$filter,
                       Optional<QNN_QuantTensor>:$bias,
                       QNN_LayoutAttr:$layout,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       DefaultValuedAttr<I64Attr, "1">:$groups,
                       DefaultValuedAttr<QNN_RoundingModeAttr,
                         "::qmlir::qnn::RoundingMode::FixedPoint">:$rounding);
  let results = (outs QNN_QuantTensor:$result);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? `layout` `=` `` $layout
    (`rounding` `=` `` $rounding^)? attr-dict `:`
    `(` type($input) `,` type($filter) (`,` type($bias)^)? `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise arithmetic
//===----------------------------------------------------------------------===//

class QNN_BinaryOp<string mnemonic> : QNN_Op<mnemonic, [Pure]> {
  let arguments = (ins QNN_QuantTensor:$lhs, QNN_QuantTensor:$rhs,
                       DefaultValuedAttr<QNN_RoundingModeAttr,
                         "::qmlir::qnn::RoundingMode::FixedPoint">:$rounding);
  let results = (outs QNN_QuantTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`rounding` `=` `` $rounding^)? attr-dict `:`
    `(` type($lhs) `,` type($rhs) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

def QNN_AddOp : QNN_BinaryOp<"add"> {
  let summary = "Quantized elementwise addition";
  let description = [{
    Adds two per-tensor quantized tensors of the same shape (no implicit
    broadcasting) into a third: the real sum
    `s_lhs (lhs - zp_lhs) + s_rhs (rhs - zp_rhs)` is requantized to the result
    parameters. `fixedpoint` follows TFLite's integer add (inputs shifted
    left by 20 bits, or 15 for 16-bit storage, rescaled to twice the larger
    input scale, summed, rescaled to the output); `fp32` rounds the f32 sum
    of the two rescaled inputs half to even. Storage is at most 16 bits.

    Example:

    ```mlir
    %r = qnn.add %a, %b : (tensor<8x!quant.uniform<i8:f32, 0.1:1>>,
                           tensor<8x!quant.uniform<i8:f32, 0.2:-1>>)
                       -> tensor<8x!quant.uniform<i8:f32, 0.25>>
    ```
  }];
}

def QNN_MulOp : QNN_BinaryOp<"mul"> {
  let summary = "Quantized elementwise multiplication";
  let description = [{
    Multiplies two per-tensor quantized tensors of the same shape:
    `q = clamp(zp + R(s_lhs * s_rhs / s, (lhs - zp_lhs) * (rhs - zp_rhs)))`.
    The verifier requires `max|lhs - zp_lhs| * max|rhs - zp_rhs| <= 2^31 - 1`
    over the storage ranges, so the integer product is exact in i32; two
    16-bit operands pass only with zero points near the middle of their
    range (i16 with zero point 0: `32768^2 = 2^30`).

    Example:

    ```mlir
    %r = qnn.mul %a, %b rounding = fp32
        : (tensor<8x!quant.uniform<u8:f32, 0.1:128>>,
           tensor<8x!quant.uniform<u8:f32, 0.1:128>>)
       -> tensor<8x!quant.uniform<u8:f32, 0.2:100>>
    ```
  }];
}

def QNN_ClampOp : QNN_Op<"clamp", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "Clamp stored integers to a range (fused ReLU / ReLU6)";
  let description = [{
    `q = min(max(q, min), max)` on the stored integers, which must lie in the
    storage range. A ReLU on a tensor with zero point `zp` is
    `min = zp`; ReLU6 adds `max = zp + round(6 / scale)`.

    Example:

    ```mlir
    %r = qnn.clamp %x min = -3 max = 127 : tensor<8x!quant.uniform<i8:f32, 0.1:-3>>
    ```
  }];
  let arguments = (ins QNN_QuantTensor:$input, I64Attr:$min, I64Attr:$max);
  let results = (outs QNN_QuantTensor:$result);
  let assemblyFormat = [{
    $input `min` `=` $min `max` `=` $max attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_TableOp : QNN_Op<"table", [Pure]> {
  let summary = "Lookup table on stored integers (quantized unary functions)";
  let description = [{
    `q_out = table[q_in - lo]`, where `lo` is the smallest value of the
    input's storage integer type (-128 for `i8`, 0 for `u8`, also when the
    type narrows its range). The input has at most 8-bit storage; the table
    has one entry per storage value (`2^bits`), of the result's storage type,
    each inside the result's storage range. The op is exact by construction:
    the quantizer computes the entries at compile time from the float
    function it replaces (sigmoid, tanh, GELU, hard-swish, ...), and the
    lowering only looks them up.

    Example:

    ```mlir
    %r = qnn.table %x table = dense<[-128, -127, -127, 126]> : tensor<4xi8>
        : tensor<8x!quant.uniform<i2:f32, 0.5>>
       -> tensor<8x!quant.uniform<i8:f32, 0.01:-128>>
    ```
  }];
  let arguments = (ins QNN_QuantTensor:$input, AnyIntElementsAttr:$table);
  let results = (outs QNN_QuantTensor:$result);
  let assemblyFormat = [{
    $input `table` `=` $table attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def QNN_MaxPool2DOp : QNN_Op<"max_pool2d", [Pure]> {
  let summary = "Quantized 2-D max pooling";
  let description = [{
    Maximum of the stored integers over each window; padded positions do not
    take part. Input and result have the same element type (max commutes
    with a monotone map only when the parameters are equal).
    Output sizes follow `qnn.conv2d` with dilation 1.

    Example:

    ```mlir
    %r = qnn.max_pool2d %x layout = nchw {kernel = array<i64: 2, 2>,
                                          strides = array<i64: 2, 2>}
        : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1>>
       -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1>>
    ```
  }];
  let arguments = (ins QNN_QuantTensor:$input, QNN_LayoutAttr:$layout,
                       DenseI64ArrayAttr:$kernel,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding);
  let results = (outs QNN_QuantTensor:$result);
  let assemblyFormat = [{
    $input `layout` `=` `` $layout attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_AvgPool2DOp : QNN_Op<"avg_pool2d", [Pure]> {
  let summary = "Quantized 2-D average pooling";
  let description = [{
    `sum = sum over the window of (q_in - zp_in)`, over the valid positions;
    `count` is the number of valid positions, or the full window size with
    `count_include_pad` (padded positions then count as real 0). The result
    is `clamp(zp_out + R(s_in / (s_out * count), sum))`.

    Example:

    ```mlir
    %r = qnn.avg_pool2d %x layout = nhwc {kernel = array<i64: 3, 3>,
                                          padding = array<i64: 1, 1, 1, 1>}
        : tensor<1x8x8x4x!quant.uniform<u8:f32, 0.1:128>>
       -> tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>
    ```
  }];
  let arguments = (ins QNN_QuantTensor:$input, QNN_LayoutAttr:$layout,
                       DenseI64ArrayAttr:$kernel,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad,
                       DefaultValuedAttr<QNN_RoundingModeAttr,
                         "::qmlir::qnn::RoundingMode::FixedPoint">:$rounding);
  let results = (outs QNN_QuantTensor:$result);
  let assemblyFormat = [{
    $input `layout` `=` `` $layout (`rounding` `=` `` $rounding^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Concatenation
//===----------------------------------------------------------------------===//

def QNN_ConcatOp : QNN_Op<"concat", [Pure]> {
  let summary = "Concatenate quantized tensors, requantizing as needed";
  let description = [{
    Concatenates along `dim`. Each input whose element type differs from the
    result's is requantized to it first (as `qnn.requantize` with the
    rounding mode); inputs already of the result type are copied. All element
    types are per-tensor.

    Example:

    ```mlir
    %r = qnn.concat %a, %b dim = 1
        : (tensor<1x4x!quant.uniform<i8:f32, 0.1>>,
           tensor<1x2x!quant.uniform<i8:f32, 0.2>>)
       -> tensor<1x6x!quant.uniform<i8:f32, 0.2>>
    ```
  }];
  let arguments = (ins Variadic<QNN_QuantTensor>:$inputs, I64Attr:$dim,
                       DefaultValuedAttr<QNN_RoundingModeAttr,
                         "::qmlir::qnn::RoundingMode::FixedPoint">:$rounding);
  let results = (outs QNN_QuantTensor:$result);
  let assemblyFormat = [{
    $inputs `dim` `=` $dim (`rounding` `=` `` $rounding^)? attr-dict `:`
    `(` type($inputs) `)` `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Calibration and quantization-aware training
//===----------------------------------------------------------------------===//

def QNN_ObserveOp : QNN_Op<"observe", [AllTypesMatch<["input", "output"]>,
                                       MemoryEffects<[MemWrite]>]> {
  let summary = "Calibration probe: identity that reports its operand";
  let description = [{
    Returns its operand unchanged. Calibration runs record the statistics of
    every value that flows through a probe under its `id`, which is stable
    across runs (derived from the operand's location). The write effect keeps
    probes from being removed or merged while calibration runs.

    Example:

    ```mlir
    %1 = qnn.observe %0 id = "conv1:out" : tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$id);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `id` `=` $id attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def QNN_FakeQuantOp : QNN_Op<"fake_quant", [Pure,
                                            AllTypesMatch<["input", "output"]>]> {
  let summary = "Simulated quantization in float (quantization-aware training)";
  let description = [{
    Quantizes and dequantizes in float, so that training and calibration see
    the rounding and clamping of the deployed model. The parameters are given
    either as a quantized type, `qtype` (scale, zero point, bits, narrow range
    and per-axis all come from the type):

    `y = (clamp(round_half_even(x / s) + zp, qmin, qmax) - zp) * s`

    or as a float range `[min, max]` per tensor or per channel (`axis`), with
    `num_bits` and `narrow_range`, nudged as TensorFlow's
    FakeQuantWithMinMaxVars does so that real 0 is exactly representable.

    Example:

    ```mlir
    %1 = qnn.fake_quant %0 {min = array<f64: -1.0>, max = array<f64: 2.0>,
                            num_bits = 8, narrow_range = false}
        : tensor<4xf32>
    %2 = qnn.fake_quant %0 {qtype = !quant.uniform<i8<-127:127>:f32, 0.02>}
        : tensor<4xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnyFloat]>:$input,
                       OptionalAttr<TypeAttrOf<QNN_UniformQuantizedType>>:$qtype,
                       OptionalAttr<DenseF64ArrayAttr>:$min,
                       OptionalAttr<DenseF64ArrayAttr>:$max,
                       DefaultValuedAttr<I64Attr, "8">:$num_bits,
                       DefaultValuedAttr<BoolAttr, "false">:$narrow_range,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs RankedTensorOf<[AnyFloat]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // QMLIR_DIALECT_QNN_IR_QNNOPS_TD
