// RUN: quant-opt %s -split-input-file --qnn-quantize-pipeline="stats=%S/Inputs/stats.json" | FileCheck %s
// RUN: quant-opt %s -split-input-file --qnn-quantize-pipeline="stats=%S/Inputs/stats.json activation-type=u8 weight-granularity=per-tensor rounding=fp32" | FileCheck %s --check-prefix=OPTS
// RUN: quant-opt %s -split-input-file --qnn-quantize-pipeline="stats=%S/Inputs/stats.json activation-scheme=symmetric" | FileCheck %s --check-prefix=SYM
// Regression (stats-fuzzer): percentile on a constant tensor gave lo > hi.
// RUN: quant-opt %s -split-input-file --qnn-quantize-pipeline="stats=%S/Inputs/stats.json method=percentile:99.9" | FileCheck %s --check-prefix=PCT

#id = affine_map<(d0, d1) -> (d0, d1)>

// Dense layer: the bias add and the ReLU fold into one qnn.matmul whose
// output range is the ReLU's (its clamp covers the whole storage range and
// folds away). Weights 1.0 per channel: scale 1/127, stored 127; bias 0.25
// at scale (1/255) * (1/127): 8096.

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>) -> tensor<1x3xf32>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<127> : tensor<4x3xi8>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<8096> : tensor<3xi32>
// CHECK: %[[Q:.*]] = quant.qcast %[[X]] : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.0039215686274509803:-128>>
// CHECK: %[[QW:.*]] = quant.scast %[[W]] : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8<-127:127>:f32:1, {0.00787401574803{{[0-9]*}},0.00787401574803{{[0-9]*}},0.00787401574803{{[0-9]*}}}>>
// CHECK: %[[QB:.*]] = quant.scast %[[B]] : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {{.*}}>>
// CHECK: %[[Y:.*]] = qnn.matmul %[[Q]], %[[QW]], %[[QB]] : {{.*}} -> tensor<1x3x!quant.uniform<i8:f32, 0.0121568627450980{{[0-9]*}}:-128>>
// CHECK-NOT: qnn.clamp
// CHECK: %[[F:.*]] = quant.dcast %[[Y]]
// CHECK: return %[[F]]
// CHECK-NOT: linalg

// OPTS-LABEL: func.func @main
// OPTS: quant.qcast {{.*}} to tensor<1x4x!quant.uniform<u8:f32, 0.0039215686274509803>>
// OPTS: quant.scast {{.*}} to tensor<4x3x!quant.uniform<i8<-127:127>:f32, 0.00787401574803{{[0-9]*}}>>
// OPTS: qnn.matmul {{.*}} rounding = fp32 : {{.*}} -> tensor<1x3x!quant.uniform<u8:f32, 0.0121568627450980{{[0-9]*}}>>

// SYM-LABEL: func.func @main
// SYM: quant.qcast {{.*}} to tensor<1x4x!quant.uniform<i8:f32, 0.00787401574803{{[0-9]*}}>>
// SYM: qnn.matmul {{.*}} -> tensor<1x3x!quant.uniform<i8:f32, 0.02440944881889{{[0-9]*}}>>
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  %b = arith.constant dense<0.25> : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x3xf32>) outs(%z : tensor<1x3xf32>) -> tensor<1x3xf32> loc("fc")
  %bb = linalg.broadcast ins(%b : tensor<3xf32>) outs(%e : tensor<1x3xf32>) dimensions = [0]
  %s = linalg.add ins(%mm, %bb : tensor<1x3xf32>, tensor<1x3xf32>) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32> loc("fc.bias")
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<1x3xf32>) outs(%e : tensor<1x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x3xf32> loc("relu")
  return %r : tensor<1x3xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>

// Conv + BatchNorm written as four elementwise ops + ReLU6: one qnn.conv2d.
// BN scales every filter by gamma / std = 2 * 1 / 4 = 0.5 and makes the
// bias beta - mean * 0.5 = 1 - 0.5 = 0.5; the zero pad becomes the conv's
// padding.

// CHECK-LABEL: func.func @main
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.pad
// CHECK: qnn.conv2d %{{.*}}, %{{.*}}, %{{.*}} layout = nhwc {padding = array<i64: 1, 1, 1, 1>} : {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.023529411764705882:-128>>
// CHECK-NOT: qnn.clamp
// CHECK: quant.dcast
func.func @main(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32> {
  %w = arith.constant dense<[[[[1.0, -1.0]], [[2.0, 0.5]], [[0.0, 1.0]]], [[[1.0, 1.0]], [[1.0, 1.0]], [[1.0, 1.0]]], [[[-1.0, 0.0]], [[0.5, 2.0]], [[1.0, -1.0]]]]> : tensor<3x3x1x2xf32>
  %mean = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %std = arith.constant dense<[4.0, 4.0]> : tensor<2xf32>
  %gamma = arith.constant dense<[2.0, 2.0]> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x1xf32> to tensor<1x6x6x1xf32>
  %e = tensor.empty() : tensor<1x4x4x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x6x6x1xf32>, tensor<3x3x1x2xf32>) outs(%z : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %s1 = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<1x4x4x2xf32>, tensor<2xf32>) outs(%e : tensor<1x4x4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.subf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x2xf32> loc("bn.sub")
  %s2 = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s1, %std : tensor<1x4x4x2xf32>, tensor<2xf32>) outs(%e : tensor<1x4x4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x2xf32> loc("bn.div")
  %s3 = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s2, %gamma : tensor<1x4x4x2xf32>, tensor<2xf32>) outs(%e : tensor<1x4x4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x2xf32> loc("bn.mul")
  %s4 = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s3, %beta : tensor<1x4x4x2xf32>, tensor<2xf32>) outs(%e : tensor<1x4x4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x2xf32> loc("bn.add")
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s4 : tensor<1x4x4x2xf32>) outs(%e : tensor<1x4x4x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    %n = arith.minimumf %m, %six : f32
    linalg.yield %n : f32
  } -> tensor<1x4x4x2xf32> loc("relu6")
  return %r : tensor<1x4x4x2xf32>
}

// -----

// A residual add of two activations is a qnn.add; a tensor that was always
// zero (main.arg1) gets scale 1 (any scale represents it).

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[A:.*]] = quant.qcast %arg0 {{.*}}0.0039215686274509803:-128>>
// CHECK-DAG: %[[B:.*]] = quant.qcast %arg1 {{.*}}!quant.uniform<i8:f32, 1.000000e+00>>
// PCT: quant.qcast %arg1 {{.*}}!quant.uniform<i8:f32, 1.000000e+00>>
// CHECK: qnn.add %[[A]], %[[B]] : {{.*}} -> tensor<4x!quant.uniform<i8:f32, 0.023529411764705882:-86>>
func.func @main(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %s = linalg.add ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32> loc("add")
  return %s : tensor<4xf32>
}

// -----

// A zero pad of a quantized tensor pads the stored integers with the zero
// point (stats "fc": [-2, 3], zero point -26).

// CHECK-LABEL: func.func @main
// CHECK: %[[Y:.*]] = qnn.matmul
// CHECK: %[[S:.*]] = quant.scast %[[Y]] : tensor<1x3x!quant.uniform<i8:f32, {{.*}}:-26>> to tensor<1x3xi8>
// CHECK: %[[P:.*]] = tensor.pad %[[S]] low[0, 1] high[0, 1]
// CHECK:   tensor.yield %c-26_i8 : i8
// CHECK: %[[Q:.*]] = quant.scast %[[P]] : tensor<1x5xi8> to tensor<1x5x!quant.uniform<i8:f32, {{.*}}:-26>>
// CHECK: quant.dcast %[[Q]]
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x5xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x3xf32>) outs(%z : tensor<1x3xf32>) -> tensor<1x3xf32> loc("fc")
  %p = tensor.pad %mm low[0, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<1x3xf32> to tensor<1x5xf32>
  return %p : tensor<1x5xf32>
}

// -----

// Max pooling of a float op's result is quantized there (the input's
// parameters, stats "exp"), not left in float without a word.

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// CHECK-LABEL: func.func @main
// CHECK: %[[Q:.*]] = quant.qcast %{{.*}} : tensor<1x4x4x1xf32> to tensor<1x4x4x1x!quant.uniform<i8:f32, 0.078431372549019607:-128>>
// CHECK: qnn.max_pool2d %[[Q]] layout = nhwc
func.func @main(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32> {
  %e = tensor.empty() : tensor<1x4x4x1xf32>
  %exp = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x4x4x1xf32>) outs(%e : tensor<1x4x4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = math.exp %in : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x1xf32> loc("exp")
  %w = tensor.empty() : tensor<2x2xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %o = tensor.empty() : tensor<1x2x2x1xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%o : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%exp, %w : tensor<1x4x4x1xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> loc("pool")
  return %p : tensor<1x2x2x1xf32>
}

// -----

// A slice of a quantized value (attention's q, k, v out of one projection)
// keeps its parameters, like a reshape.

// CHECK-LABEL: func.func @main
// CHECK: %[[Y:.*]] = qnn.matmul
// CHECK: %[[S:.*]] = tensor.extract_slice %[[Y]][0, 1] [1, 2] [1, 1] : tensor<1x3x!quant.uniform<i8:f32, {{.*}}:-26>> to tensor<1x2x!quant.uniform<i8:f32, {{.*}}:-26>>
// CHECK: quant.dcast %[[S]]
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, -1.0, 0.5], [0.25, 2.0, -0.5], [1.0, 1.0, 1.0], [-2.0, 0.0, 3.0]]> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x3xf32>) outs(%z : tensor<1x3xf32>) -> tensor<1x3xf32> loc("fc")
  %s = tensor.extract_slice %y[0, 1] [1, 2] [1, 1] : tensor<1x3xf32> to tensor<1x2xf32>
  return %s : tensor<1x2xf32>
}
