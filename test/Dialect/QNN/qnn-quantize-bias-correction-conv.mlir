// RUN: quant-opt %s --qnn-quantize-pipeline="stats=%S/Inputs/stats-axis-means-conv.json bias-correction=true" | FileCheck %s

// Bias correction of a padded convolution by hand. A 2x2 input padded by 1
// gives a 2x2 output: kernel rows (and columns) 0 and 2 read the input at
// one of the two output positions, row 1 at both, so an offset's error
// counts with the channel mean (2) times 1/2 per padded direction.
// Weights: w[0][0] = 1 (s = 1/127, exact), w[1][1] = 0.5 -> 64 (+0.003937,
// counted fully), w[0][1] = 0.3 -> 38 (-0.000787, counted half). The bias
// becomes -(0.003937 - 0.000394) * 2 / (s_x * s_w) = -0.0070866 / (8/255 /
// 127) = -28.69 -> -29 (without the padding shares it would be -26).

// CHECK-LABEL: func.func @main
// CHECK: arith.constant dense<-29> : tensor<1xi32>
// CHECK: qnn.conv2d
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<[[[[1.0, 0.3, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 0.0]]]]> : tensor<1x1x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x2x2xf32> to tensor<1x1x4x4xf32>
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) outs(%z : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("conv")
  return %c : tensor<1x1x2x2xf32>
}
