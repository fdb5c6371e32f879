// TOSA's unary functions after quantized convolutions become qnn.table ops:
// swish (x * sigmoid(x)) as a table and a qnn.mul; tanh then erf, a chain,
// as one table of their composition; nothing stays in float.
// RUN: %python %S/check_quantized.py %s 1x8x8x4 --expect=qnn.conv2d:2,qnn.table:2,qnn.mul:1 | FileCheck %s
// CHECK: float ops left: 0
// CHECK: int8 vs float: ok
func.func @main(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<[[[[0.5, -0.25, 1.0, 0.5]]], [[[-0.5, 0.75, 0.25, 1.0]]], [[[0.1, 0.2, 0.3, -0.4]]], [[[0.5, 0.6, -0.7, 0.8]]]]> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32>
  %b = "tosa.const"() {values = dense<[0.1, -0.1, 0.2, -0.2]> : tensor<4xf32>} : () -> tensor<4xf32>
  %c1 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32> loc("conv1")
  %s = tosa.sigmoid %c1 : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> loc("sigmoid")
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %sw = tosa.mul %c1, %s, %shift : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>, tensor<1xi8>) -> tensor<1x8x8x4xf32> loc("swish")
  %c2 = tosa.conv2d %sw, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32> loc("conv2")
  %t = tosa.tanh %c2 : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> loc("tanh")
  %e = tosa.erf %t : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> loc("erf")
  return %e : tensor<1x8x8x4xf32>
}
