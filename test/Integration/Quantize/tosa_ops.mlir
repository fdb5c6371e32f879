// A TOSA model exercising the quantizer's less common ops: depthwise conv
// with a channel multiplier and bias, ReLU6, average and max pooling, 1x1
// convolutions, a product of activations, transpose.
// RUN: %python %S/check_quantized.py %s 1x8x8x4 --expect=qnn.conv2d:3,qnn.avg_pool2d:1,qnn.max_pool2d:1,qnn.mul:1 | FileCheck %s
// CHECK: float ops left: 0
// CHECK: int8 vs float: ok
func.func @main(%x: tensor<1x8x8x4xf32>) -> tensor<1x4x4x8xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %wd = "tosa.const"() {values = dense<[[[[0.5, -0.25], [1.0, 0.5], [-0.5, 0.75], [0.25, 1.0]], [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6], [-0.7, 0.8]], [[1.0, 1.0], [-1.0, 0.5], [0.25, -0.25], [0.5, 0.5]]], [[[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], [[1.0, -1.0], [1.0, -1.0], [1.0, -1.0], [1.0, -1.0]], [[0.2, 0.4], [0.6, 0.8], [-0.2, -0.4], [-0.6, -0.8]]], [[[0.3, 0.3], [0.3, 0.3], [0.3, 0.3], [0.3, 0.3]], [[-0.5, 0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, -0.5]], [[0.9, 0.1], [0.1, 0.9], [0.9, 0.1], [0.1, 0.9]]]]> : tensor<3x3x4x2xf32>} : () -> tensor<3x3x4x2xf32>
  %bd = "tosa.const"() {values = dense<[0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.4, -0.4]> : tensor<8xf32>} : () -> tensor<8xf32>
  %d = tosa.depthwise_conv2d %x, %wd, %bd, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<3x3x4x2xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x8xf32> loc("dw")
  %r = tosa.clamp %d {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> loc("relu6")
  %a = tosa.avg_pool2d %r, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32> loc("avg")
  %m = tosa.max_pool2d %r {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x4x4x8xf32> loc("max")
  %w1 = "tosa.const"() {values = dense<0.125> : tensor<8x1x1x8xf32>} : () -> tensor<8x1x1x8xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<8xf32>} : () -> tensor<8xf32>
  %c1 = tosa.conv2d %a, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32> loc("pw1")
  %c2 = tosa.conv2d %m, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32> loc("pw2")
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %p = tosa.mul %c1, %c2, %shift : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1xi8>) -> tensor<1x4x4x8xf32> loc("prod")
  %t = tosa.transpose %p {perms = array<i32: 0, 2, 1, 3>} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> loc("t")
  return %t : tensor<1x4x4x8xf32>
}
