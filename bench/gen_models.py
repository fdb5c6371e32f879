"""Writes the benchmark models: for each M,N,K an int8 qnn.matmul (i8
activations, per-channel symmetric i8 weights, i32 bias, i8 result) and the
float linalg.matmul it quantizes, both with constant random weights.

Usage: gen_models.py OUTDIR MxNxK|conv ...; writes OUTDIR/mm_int8_MxNxK.mlir
and OUTDIR/mm_f32_MxNxK.mlir, whose functions have the file's name, and for
`conv` OUTDIR/conv_int8.mlir (@conv_int8, a 56x56x64 3x3 convolution) and
OUTDIR/conv_f32.mlir (@conv_f32, the float convolution of that shape, with
its bias).
"""
import os
import sys

import numpy as np


def hex_dense(values, dtype):
    return 'dense<"0x%s">' % np.ascontiguousarray(values, dtype=dtype).tobytes().hex().upper()


def int8_model(name, m, n, k, rng):
    w = rng.integers(-127, 128, size=(k, n), dtype=np.int8)
    bias = rng.integers(-5000, 5000, size=(n,), dtype=np.int32)
    scales = ",".join("%.6e" % s for s in rng.uniform(0.002, 0.02, size=n))
    bscales = ",".join("%.6e" % (0.05 * float(s)) for s in scales.split(","))
    return f"""!x = !quant.uniform<i8:f32, 0.05:-3>
!w = !quant.uniform<i8<-127:127>:f32:1, {{{scales}}}>
!b = !quant.uniform<i32:f32:0, {{{bscales}}}>
!y = !quant.uniform<i8:f32, 0.8:5>
func.func @{name}(%x: tensor<{m}x{k}xi8>) -> tensor<{m}x{n}xi8> {{
  %xs = quant.scast %x : tensor<{m}x{k}xi8> to tensor<{m}x{k}x!x>
  %ws = arith.constant {hex_dense(w, np.int8)} : tensor<{k}x{n}xi8>
  %w = quant.scast %ws : tensor<{k}x{n}xi8> to tensor<{k}x{n}x!w>
  %bs = arith.constant {hex_dense(bias, np.int32)} : tensor<{n}xi32>
  %b = quant.scast %bs : tensor<{n}xi32> to tensor<{n}x!b>
  %y = qnn.matmul %xs, %w, %b : (tensor<{m}x{k}x!x>, tensor<{k}x{n}x!w>, tensor<{n}x!b>) -> tensor<{m}x{n}x!y>
  %ys = quant.scast %y : tensor<{m}x{n}x!y> to tensor<{m}x{n}xi8>
  return %ys : tensor<{m}x{n}xi8>
}}
"""


def float_model(name, m, n, k, rng):
    w = rng.standard_normal(size=(k, n)).astype(np.float32)
    return f"""func.func @{name}(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32> {{
  %w = arith.constant {hex_dense(w, np.float32)} : tensor<{k}x{n}xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %y = linalg.matmul ins(%x, %w : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) outs(%acc : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %y : tensor<{m}x{n}xf32>
}}
"""


def conv_model(name, rng):
    """A 3x3 convolution, 64 -> 64 channels on 56x56 (NHWC, padding 1): the
    3136x64x576 GEMM through im2col."""
    w = rng.integers(-127, 128, size=(3, 3, 64, 64), dtype=np.int8)
    scales = ",".join("%.6e" % v for v in rng.uniform(0.002, 0.02, size=64))
    bias = rng.integers(-5000, 5000, size=(64,), dtype=np.int32)
    bscales = ",".join("%.9e" % (0.05 * float(v)) for v in scales.split(","))
    return f"""!x = !quant.uniform<i8:f32, 0.05:-3>
!w = !quant.uniform<i8<-127:127>:f32:3, {{{scales}}}>
!b = !quant.uniform<i32:f32:0, {{{bscales}}}>
!y = !quant.uniform<i8:f32, 0.8:5>
func.func @{name}(%x: tensor<1x56x56x64xi8>) -> tensor<1x56x56x64xi8> {{
  %xs = quant.scast %x : tensor<1x56x56x64xi8> to tensor<1x56x56x64x!x>
  %ws = arith.constant {hex_dense(w, np.int8)} : tensor<3x3x64x64xi8>
  %w = quant.scast %ws : tensor<3x3x64x64xi8> to tensor<3x3x64x64x!w>
  %bs = arith.constant {hex_dense(bias, np.int32)} : tensor<64xi32>
  %b = quant.scast %bs : tensor<64xi32> to tensor<64x!b>
  %y = qnn.conv2d %xs, %w, %b layout = nhwc {{padding = array<i64: 1, 1, 1, 1>}} : (tensor<1x56x56x64x!x>, tensor<3x3x64x64x!w>, tensor<64x!b>) -> tensor<1x56x56x64x!y>
  %ys = quant.scast %y : tensor<1x56x56x64x!y> to tensor<1x56x56x64xi8>
  return %ys : tensor<1x56x56x64xi8>
}}
"""


def conv_f32_model(name, rng):
    """The float 3x3 convolution of conv_model's shape, bias included."""
    w = rng.standard_normal(size=(3, 3, 64, 64)).astype(np.float32)
    bias = rng.standard_normal(size=(64,)).astype(np.float32)
    return f"""func.func @{name}(%x: tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32> {{
  %zero = arith.constant 0.0 : f32
  %xp = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {{
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  }} : tensor<1x56x56x64xf32> to tensor<1x58x58x64xf32>
  %w = arith.constant {hex_dense(w, np.float32)} : tensor<3x3x64x64xf32>
  %b = arith.constant {hex_dense(bias, np.float32)} : tensor<64xf32>
  %e = tensor.empty() : tensor<1x56x56x64xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  %c = linalg.conv_2d_nhwc_hwcf {{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}} ins(%xp, %w : tensor<1x58x58x64xf32>, tensor<3x3x64x64xf32>) outs(%acc : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  %y = linalg.generic {{indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}} ins(%c, %b : tensor<1x56x56x64xf32>, tensor<64xf32>) outs(%e : tensor<1x56x56x64xf32>) {{
  ^bb0(%v: f32, %bv: f32, %o: f32):
    %s = arith.addf %v, %bv : f32
    linalg.yield %s : f32
  }} -> tensor<1x56x56x64xf32>
  return %y : tensor<1x56x56x64xf32>
}}
"""


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for shape in sys.argv[2:]:
        if shape == "conv":
            with open(os.path.join(out, "conv_int8.mlir"), "w") as f:
                f.write(conv_model("conv_int8", np.random.default_rng(7)))
            with open(os.path.join(out, "conv_f32.mlir"), "w") as f:
                f.write(conv_f32_model("conv_f32", np.random.default_rng(7)))
            continue
        m, n, k = (int(v) for v in shape.split("x"))
        rng = np.random.default_rng(m * 1000003 + n * 1009 + k)
        for kind, model in (("int8", int8_model), ("f32", float_model)):
            name = "mm_%s_%s" % (kind, shape)
            text = model(name, m, n, k, rng)
            path = os.path.join(out, name + ".mlir")
            with open(path, "w") as f:
                f.write(text)


if __name__ == "__main__":
    main()
