// RUN: quant-opt %s -split-input-file --qnn-convert-to-nhwc | FileCheck %s

!x = !quant.uniform<i8:f32, 0.5:-1>
!y = !quant.uniform<i8:f32, 0.25:3>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>

// The filter constant is transposed FCHW -> HWCF at compile time
// (HWCF[h][w][c][f] = FCHW[f][c][h][w]) and its per-channel axis moves from
// 0 to 3; the input and the result are transposed around the NHWC op.

// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1, 3]], {{\[\[}}2, 4]]]]> : tensor<1x2x1x2xi8>
// CHECK-DAG: %[[F:.*]] = quant.scast %[[W]] : tensor<1x2x1x2xi8> to tensor<1x2x1x2x!quant.uniform<i8<-127:127>:f32:3, {1.000000e-01,2.000000e-01}>>
// CHECK: %[[I:.*]] = linalg.transpose ins(%arg0 : tensor<1x1x4x5x!quant.uniform<i8:f32, 5.000000e-01:-1>>) outs(%{{.*}} : tensor<1x4x5x1x!quant.uniform<i8:f32, 5.000000e-01:-1>>) permutation = [0, 2, 3, 1]
// CHECK: %[[C:.*]] = qnn.conv2d %[[I]], %[[F]] layout = nhwc {padding = array<i64: 0, 0, 0, 1>} : {{.*}} -> tensor<1x4x5x2x!quant.uniform<i8:f32, 2.500000e-01:3>>
// CHECK: %[[O:.*]] = linalg.transpose ins(%[[C]] : {{.*}}) outs(%{{.*}} : tensor<1x2x4x5x!quant.uniform<i8:f32, 2.500000e-01:3>>) permutation = [0, 3, 1, 2]
// CHECK: return %[[O]]
func.func @conv(%x: tensor<1x1x4x5x!x>) -> tensor<1x2x4x5x!y> {
  %c = arith.constant dense<[[[[1, 2]]], [[[3, 4]]]]> : tensor<2x1x1x2xi8>
  %w = quant.scast %c : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!w>
  %r = qnn.conv2d %x, %w layout = nchw {padding = array<i64: 0, 0, 0, 1>}
      : (tensor<1x1x4x5x!x>, tensor<2x1x1x2x!w>) -> tensor<1x2x4x5x!y>
  return %r : tensor<1x2x4x5x!y>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-1>
!w = !quant.uniform<i8<-127:127>:f32, 0.1>

// Between two convolutions, through a residual addition and a pooling,
// nothing is transposed: one transpose at the input, one at the output.

// CHECK-LABEL: func.func @chain
// CHECK-COUNT-1: linalg.transpose
// CHECK: qnn.conv2d {{.*}} layout = nhwc
// CHECK-NOT: linalg.transpose
// CHECK: qnn.conv2d {{.*}} layout = nhwc
// CHECK-NOT: linalg.transpose
// CHECK: qnn.add {{.*}} : (tensor<1x4x4x2x!quant.uniform<i8:f32, 5.000000e-01:-1>>, tensor<1x4x4x2x!quant.uniform<i8:f32, 5.000000e-01:-1>>)
// CHECK-NOT: linalg.transpose
// CHECK: qnn.clamp {{.*}} : tensor<1x4x4x2x
// CHECK-NOT: linalg.transpose
// CHECK: qnn.max_pool2d {{.*}} layout = nhwc
// CHECK-NEXT: tensor.empty
// CHECK-NEXT: linalg.transpose {{.*}} permutation = [0, 3, 1, 2]
// CHECK-NEXT: return
func.func @chain(%x: tensor<1x2x4x4x!x>) -> tensor<1x2x2x2x!x> {
  %c = arith.constant dense<1> : tensor<2x2x1x1xi8>
  %w = quant.scast %c : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!w>
  %a = qnn.conv2d %x, %w layout = nchw : (tensor<1x2x4x4x!x>, tensor<2x2x1x1x!w>) -> tensor<1x2x4x4x!x>
  %b = qnn.conv2d %a, %w layout = nchw : (tensor<1x2x4x4x!x>, tensor<2x2x1x1x!w>) -> tensor<1x2x4x4x!x>
  %s = qnn.add %a, %b : (tensor<1x2x4x4x!x>, tensor<1x2x4x4x!x>) -> tensor<1x2x4x4x!x>
  %r = qnn.clamp %s min = 0 max = 127 : tensor<1x2x4x4x!x>
  %p = qnn.max_pool2d %r layout = nchw {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : tensor<1x2x4x4x!x> -> tensor<1x2x2x2x!x>
  return %p : tensor<1x2x2x2x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-1>
!w = !quant.uniform<i8<-127:127>:f32, 0.1>

// Left alone: a filter that is not a constant, NHWC ops, an addition of
// a transposed and an untransposed value, and a quant cast pair, which no
// folding may touch here.

// CHECK-LABEL: func.func @kept
// CHECK: qnn.conv2d %arg0, %arg1 layout = nchw
// CHECK: qnn.avg_pool2d %arg2 layout = nhwc
// CHECK: qnn.max_pool2d {{.*}} layout = nhwc
// CHECK: %[[T:.*]] = linalg.transpose
// CHECK: qnn.add %[[T]], %arg0
// CHECK: %[[Q:.*]] = quant.qcast %arg3
// CHECK: quant.dcast %[[Q]]
func.func @kept(%x: tensor<1x2x4x4x!x>, %w: tensor<2x2x1x1x!w>, %n: tensor<1x4x4x2x!x>, %f: tensor<4xf32>)
    -> (tensor<1x2x4x4x!x>, tensor<1x3x3x2x!x>, tensor<1x2x2x2x!x>, tensor<1x2x4x4x!x>, tensor<4xf32>) {
  %a = qnn.conv2d %x, %w layout = nchw : (tensor<1x2x4x4x!x>, tensor<2x2x1x1x!w>) -> tensor<1x2x4x4x!x>
  %b = qnn.avg_pool2d %n layout = nhwc {kernel = array<i64: 2, 2>} : tensor<1x4x4x2x!x> -> tensor<1x3x3x2x!x>
  %m = qnn.max_pool2d %x layout = nchw {kernel = array<i64: 1, 1>} : tensor<1x2x4x4x!x> -> tensor<1x2x4x4x!x>
  %s = qnn.add %m, %x : (tensor<1x2x4x4x!x>, tensor<1x2x4x4x!x>) -> tensor<1x2x4x4x!x>
  %q = quant.qcast %f : tensor<4xf32> to tensor<4x!x>
  %d = quant.dcast %q : tensor<4x!x> to tensor<4xf32>
  %p = qnn.max_pool2d %a layout = nchw {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : tensor<1x2x4x4x!x> -> tensor<1x2x2x2x!x>
  return %a, %b, %p, %s, %d : tensor<1x2x4x4x!x>, tensor<1x3x3x2x!x>, tensor<1x2x2x2x!x>, tensor<1x2x4x4x!x>, tensor<4xf32>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-1>
!w4 = !quant.uniform<i4:f32, 0.1>

// Sub-byte weights are transposed element by element.

// CHECK-LABEL: func.func @i4
// CHECK: arith.constant dense<{{\[\[\[\[}}1, -3]], {{\[\[}}2, 4]]]]> : tensor<1x2x1x2xi4>
// CHECK: qnn.conv2d {{.*}} layout = nhwc
func.func @i4(%x: tensor<1x1x4x5x!x>) -> tensor<1x2x4x4x!x> {
  %c = arith.constant dense<[[[[1, 2]]], [[[-3, 4]]]]> : tensor<2x1x1x2xi4>
  %w = quant.scast %c : tensor<2x1x1x2xi4> to tensor<2x1x1x2x!w4>
  %r = qnn.conv2d %x, %w layout = nchw : (tensor<1x1x4x5x!x>, tensor<2x1x1x2x!w4>) -> tensor<1x2x4x4x!x>
  return %r : tensor<1x2x4x4x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-1>
!w = !quant.uniform<i8<-127:127>:f32, 0.1>

// A channel concatenation of two NCHW convolutions is one along the NHWC
// channels (dim 1 -> 3).

// CHECK-LABEL: func.func @concat
// CHECK: %[[A:.*]] = qnn.conv2d {{.*}} layout = nhwc
// CHECK: %[[B:.*]] = qnn.conv2d {{.*}} layout = nhwc
// CHECK: %[[C:.*]] = qnn.concat %[[A]], %[[B]] dim = 3 : {{.*}} -> tensor<1x4x4x3x!quant.uniform<i8:f32, 5.000000e-01:-1>>
// CHECK: linalg.transpose ins(%[[C]]
func.func @concat(%x: tensor<1x2x4x4x!x>) -> tensor<1x3x4x4x!x> {
  %c2 = arith.constant dense<1> : tensor<2x2x1x1xi8>
  %w2 = quant.scast %c2 : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!w>
  %c1 = arith.constant dense<1> : tensor<1x2x1x1xi8>
  %w1 = quant.scast %c1 : tensor<1x2x1x1xi8> to tensor<1x2x1x1x!w>
  %a = qnn.conv2d %x, %w2 layout = nchw : (tensor<1x2x4x4x!x>, tensor<2x2x1x1x!w>) -> tensor<1x2x4x4x!x>
  %b = qnn.conv2d %x, %w1 layout = nchw : (tensor<1x2x4x4x!x>, tensor<1x2x1x1x!w>) -> tensor<1x1x4x4x!x>
  %r = qnn.concat %a, %b dim = 1 : (tensor<1x2x4x4x!x>, tensor<1x1x4x4x!x>) -> tensor<1x3x4x4x!x>
  return %r : tensor<1x3x4x4x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-1>
!g = !quant.uniform<i8:f32, 0.01:-128>
!w = !quant.uniform<i8<-127:127>:f32, 0.1>

// Squeeze-and-excitation as qnn-quantize writes it: a table (the gate) on a
// [1, C, 1, 1] value, broadcast over H and W on its stored integers, times
// the convolution's result. The transposes sink through the table and the
// product; the broadcast is rebuilt to read the gate in NHWC order
// (map (d0, d1, d2, d3) -> (d0, d1, 0, 0) composed with [0, 3, 1, 2]).

// CHECK-DAG: #[[NHWC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, 0, 0)>
// CHECK-LABEL: func.func @excite
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4x{{.*}}>, %[[G:.*]]: tensor<1x2x1x1x
// CHECK: %[[T:.*]] = qnn.table %[[G]]
// CHECK: %[[I:.*]] = quant.scast %[[T]] : tensor<1x2x1x1x!quant.uniform<i8:f32, 1.000000e-02:-128>> to tensor<1x2x1x1xi8>
// CHECK: %[[B:.*]] = linalg.generic {indexing_maps = [#[[NHWC]], #{{.*}}], {{.*}} ins(%[[I]] : tensor<1x2x1x1xi8>) outs(%{{.*}} : tensor<1x4x4x2xi8>)
// CHECK: %[[Q:.*]] = quant.scast %[[B]] : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 1.000000e-02:-128>>
// CHECK: %[[M:.*]] = qnn.mul %{{.*}}, %[[Q]] : (tensor<1x4x4x2x{{.*}}>, tensor<1x4x4x2x{{.*}}>)
// CHECK: qnn.conv2d %[[M]], %{{.*}} layout = nhwc
// CHECK: linalg.transpose
// CHECK-NOT: linalg.transpose
func.func @excite(%x: tensor<1x2x4x4x!x>, %gate: tensor<1x2x1x1x!x>) -> tensor<1x2x4x4x!x> {
  %c = arith.constant dense<1> : tensor<2x2x1x1xi8>
  %w = quant.scast %c : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!w>
  %a = qnn.conv2d %x, %w layout = nchw : (tensor<1x2x4x4x!x>, tensor<2x2x1x1x!w>) -> tensor<1x2x4x4x!x>
  %t = qnn.table %gate table = dense<5> : tensor<256xi8> : tensor<1x2x1x1x!x> -> tensor<1x2x1x1x!g>
  %ti = quant.scast %t : tensor<1x2x1x1x!g> to tensor<1x2x1x1xi8>
  %e = tensor.empty() : tensor<1x2x4x4xi8>
  %bi = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%ti : tensor<1x2x1x1xi8>) outs(%e : tensor<1x2x4x4xi8>) {
  ^bb0(%in: i8, %out: i8):
    linalg.yield %in : i8
  } -> tensor<1x2x4x4xi8>
  %b = quant.scast %bi : tensor<1x2x4x4xi8> to tensor<1x2x4x4x!g>
  %m = qnn.mul %a, %b : (tensor<1x2x4x4x!x>, tensor<1x2x4x4x!g>) -> tensor<1x2x4x4x!x>
  %r = qnn.conv2d %m, %w layout = nchw : (tensor<1x2x4x4x!x>, tensor<2x2x1x1x!w>) -> tensor<1x2x4x4x!x>
  return %r : tensor<1x2x4x4x!x>
}
