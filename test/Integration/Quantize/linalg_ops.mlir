// A linalg model exercising the quantizer's less common ops: depthwise conv
// (HWC), a standalone zero pad, average pooling as sum pool times 1/9, max
// pooling, concatenation, batch_matmul with constant weights, a product of
// activations and expand_shape.
// RUN: %python %S/check_quantized.py %s 1x6x6x2 --expect=qnn.conv2d:1,qnn.avg_pool2d:1,qnn.max_pool2d:1,qnn.concat:1,qnn.matmul:1,qnn.mul:1 | FileCheck %s
// CHECK: float ops left: 0
// CHECK: int8 vs float: ok
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @main(%x: tensor<1x6x6x2xf32>) -> tensor<1x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %ninth = arith.constant 0.111111111 : f32
  %wd = arith.constant dense<[[[1.0, -0.5], [0.5, 0.25], [0.0, 1.0]], [[0.25, 0.5], [1.0, 1.0], [-1.0, 0.5]], [[0.5, 0.0], [0.25, -0.25], [0.75, 0.5]]]> : tensor<3x3x2xf32>
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x6x6x2xf32> to tensor<1x8x8x2xf32> loc("pad")
  %e6 = tensor.empty() : tensor<1x6x6x2xf32>
  %z6 = linalg.fill ins(%zero : f32) outs(%e6 : tensor<1x6x6x2xf32>) -> tensor<1x6x6x2xf32>
  %d = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %wd : tensor<1x8x8x2xf32>, tensor<3x3x2xf32>) outs(%z6 : tensor<1x6x6x2xf32>) -> tensor<1x6x6x2xf32> loc("dw")
  %e4 = tensor.empty() : tensor<1x4x4x2xf32>
  %z4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %s = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%d, %win : tensor<1x6x6x2xf32>, tensor<3x3xf32>) outs(%z4 : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> loc("sum")
  %avg = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x4x4x2xf32>) outs(%e4 : tensor<1x4x4x2xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.mulf %in, %ninth : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x2xf32> loc("avg")
  %mi = linalg.fill ins(%ninf : f32) outs(%e4 : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %mx = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%d, %win : tensor<1x6x6x2xf32>, tensor<3x3xf32>) outs(%mi : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> loc("max")
  %cat = tensor.concat dim(3) %avg, %mx : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> loc("cat")
  %c3 = tensor.collapse_shape %cat [[0], [1], [2, 3]] : tensor<1x4x4x4xf32> into tensor<1x4x16xf32> loc("flat")
  %w = arith.constant dense<0.0625> : tensor<1x16x4xf32>
  %e3 = tensor.empty() : tensor<1x4x4xf32>
  %z3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x4x4xf32>) -> tensor<1x4x4xf32>
  %mm = linalg.batch_matmul ins(%c3, %w : tensor<1x4x16xf32>, tensor<1x16x4xf32>) outs(%z3 : tensor<1x4x4xf32>) -> tensor<1x4x4xf32> loc("bmm")
  %sq = linalg.mul ins(%mm, %mm : tensor<1x4x4xf32>, tensor<1x4x4xf32>) outs(%e3 : tensor<1x4x4xf32>) -> tensor<1x4x4xf32> loc("square")
  return %sq : tensor<1x4x4xf32>
}
