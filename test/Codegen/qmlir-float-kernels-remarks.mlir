// RUN: quant-opt %s -split-input-file --qmlir-float-kernels="target=avx512-vnni remark-skipped" -verify-diagnostics -o /dev/null

// Each f32 contraction the kernels leave to the generic lowering gets a
// remark with the reason.

// Two activations (attention's products): only constant weights are packed.
func.func @two_activations(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-remark@+1 {{left to the generic lowering: its right-hand operand is not constant}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Accumulating into a value (a bias as init) is not a zero-filled kernel.
func.func @bias_init(%x: tensor<2x4xf32>, %acc: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  // expected-remark@+1 {{left to the generic lowering: it accumulates into a non-zero init}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// NCHW depthwise: its channels are not the input's innermost dim.
func.func @depthwise_nchw(%x: tensor<1x8x6x6xf32>) -> tensor<1x8x4x4xf32> {
  %w = arith.constant dense<0.125> : tensor<8x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x4x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  // expected-remark@+1 {{left to the generic lowering: a depthwise convolution whose channels are not innermost}}
  %y = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x6x6xf32>, tensor<8x3x3xf32>) outs(%acc : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}
