// RUN: quant-opt %s -split-input-file --convert-qnn-to-linalg --canonicalize | FileCheck %s

// Quantized types leave the signature; constant weights fold their column
// sums (zx = -4: offset[n] = 4 * sum_k w[k, n]) into the epilogue, and the
// contraction body multiplies raw extended storage values only: no
// zero-point subtraction in the inner loop. Loops are m, k, n: n innermost
// for the portable lowering.

!x = !quant.uniform<i8:f32, 0.05:-4>
!w = !quant.uniform<i8<-127:127>:f32:1, {0.01,0.02}>
!b = !quant.uniform<i32:f32:0, {5.0e-04,1.0e-03}>
!o = !quant.uniform<u8:f32, 0.1:128>

// CHECK-LABEL: func.func @matmul_const_weights
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xi8>) -> tensor<3x2xi8>
// CHECK-DAG: %[[OFFSET:.*]] = arith.constant dense<[8, 64]> : tensor<2xi64>
// CHECK-DAG: %[[SHIFT:.*]] = arith.constant dense<[7, 6]> : tensor<2xi64>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}1, -2], [3, 4], [5, 6], [-7, 8]]> : tensor<4x2xi8>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%[[X]], %[[W]] :
// CHECK-NEXT: ^bb0(%[[A:.*]]: i8, %[[B:.*]]: i8, %[[C:.*]]: i32):
// CHECK-NEXT:   %[[EA:.*]] = arith.extsi %[[A]] : i8 to i32
// CHECK-NEXT:   %[[EB:.*]] = arith.extsi %[[B]] : i8 to i32
// CHECK-NEXT:   %[[P:.*]] = arith.muli %[[EA]], %[[EB]] : i32
// CHECK-NEXT:   %[[S:.*]] = arith.addi %[[C]], %[[P]] : i32
// CHECK-NEXT:   linalg.yield %[[S]] : i32
// CHECK: linalg.generic {{.*}} ins(%[[ACC]], %{{.*}}, %[[OFFSET]], %[[SHIFT]] : tensor<3x2xi32>, tensor<2xi32>, tensor<2xi64>, tensor<2xi64>) outs(%{{.*}} : tensor<3x2xi8>)
// CHECK: arith.shrui
// CHECK: arith.shrsi
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @matmul_const_weights(%x: tensor<3x4x!x>) -> tensor<3x2x!o> {
  %c = arith.constant dense<[[1, -2], [3, 4], [5, 6], [-7, 8]]> : tensor<4x2xi8>
  %w = quant.scast %c : tensor<4x2xi8> to tensor<4x2x!w>
  %bc = arith.constant dense<[10, -20]> : tensor<2xi32>
  %b = quant.scast %bc : tensor<2xi32> to tensor<2x!b>
  %0 = qnn.matmul %x, %w, %b : (tensor<3x4x!x>, tensor<4x2x!w>, tensor<2x!b>) -> tensor<3x2x!o>
  return %0 : tensor<3x2x!o>
}

// -----

// Runtime weights with zero points on both sides: a row-sum of the input
// (for zw) and a column-sum of the weights (for zx) are reduced once each,
// outside the contraction.

!x = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32, 0.01:3>
!o = !quant.uniform<i8:f32, 0.1>

// CHECK-LABEL: func.func @matmul_runtime_weights
// CHECK-SAME: (%[[X:.*]]: tensor<2x5xi8>, %[[W:.*]]: tensor<5x3xi8>)
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[W]] :
// CHECK:   arith.extui
// CHECK:   arith.extsi
// CHECK: %[[ROWS:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%[[X]] : tensor<2x5xi8>) outs(%{{.*}} : tensor<2xi32>)
// CHECK: %[[COLS:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]{{.*}} ins(%[[W]] : tensor<5x3xi8>) outs(%{{.*}} : tensor<3xi32>)
// CHECK: linalg.generic {{.*}} ins(%[[ACC]], %[[ROWS]], %[[COLS]] : tensor<2x3xi32>, tensor<2xi32>, tensor<3xi32>)
func.func @matmul_runtime_weights(%x: tensor<2x5x!x>, %w: tensor<5x3x!w>) -> tensor<2x3x!o> {
  %0 = qnn.matmul %x, %w : (tensor<2x5x!x>, tensor<5x3x!w>) -> tensor<2x3x!o>
  return %0 : tensor<2x3x!o>
}

// -----

// A raw i32 accumulator result: the identity rule leaves no rescale.

!x = !quant.uniform<i8:f32, 0.5>
!acc = !quant.uniform<i32:f32, 0.25>

// CHECK-LABEL: func.func @matmul_raw_accumulator
// CHECK-NOT: arith.shrui
// CHECK-NOT: math.roundeven
// CHECK: return
func.func @matmul_raw_accumulator(%x: tensor<2x5x!x>, %w: tensor<5x3x!x>) -> tensor<2x3x!acc> {
  %0 = qnn.matmul %x, %w : (tensor<2x5x!x>, tensor<5x3x!x>) -> tensor<2x3x!acc>
  return %0 : tensor<2x3x!acc>
}

// -----

// Grouped convolution: channels split into (groups, per-group) so every
// indexing map is a projection; padding holds the input zero point.

!x = !quant.uniform<i8:f32, 0.05:-4>
!w = !quant.uniform<i8:f32, 0.1>
!o = !quant.uniform<i8:f32, 0.2:1>

// CHECK-LABEL: func.func @conv_grouped
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x5x5xi8>, %[[W:.*]]: tensor<6x2x3x3xi8>) -> tensor<1x6x5x5xi8>
// CHECK-DAG: %[[ZP:.*]] = arith.constant -4 : i8
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:   tensor.yield %[[ZP]] : i8
// CHECK: %[[XG:.*]] = tensor.expand_shape %[[PAD]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 2, 7, 7]
// CHECK: %[[WG:.*]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3]
// CHECK: linalg.generic {{.*}} ins(%[[XG]], %[[WG]] : tensor<1x2x2x7x7xi8>, tensor<2x3x2x3x3xi8>) outs(%{{.*}} : tensor<1x2x3x5x5xi32>)
// CHECK: %[[R:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x3x5x5xi8>)
// CHECK: tensor.collapse_shape %[[R]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x3x5x5xi8> into tensor<1x6x5x5xi8>
func.func @conv_grouped(%x: tensor<1x4x5x5x!x>, %w: tensor<6x2x3x3x!w>) -> tensor<1x6x5x5x!o> {
  %0 = qnn.conv2d %x, %w layout = nchw {groups = 2 : i64, padding = array<i64: 1, 1, 1, 1>}
      : (tensor<1x4x5x5x!x>, tensor<6x2x3x3x!w>) -> tensor<1x6x5x5x!o>
  return %0 : tensor<1x6x5x5x!o>
}

// -----

// Layout ops keep their semantics on storage types.

!q = !quant.uniform<i8:f32, 0.1:-3>

// CHECK-LABEL: func.func @layout_ops
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi8>) -> (tensor<3x2xi8>, tensor<6xi8>)
// CHECK: linalg.transpose ins(%[[A]] : tensor<2x3xi8>)
// CHECK: tensor.collapse_shape %[[A]] {{\[\[}}0, 1]] : tensor<2x3xi8> into tensor<6xi8>
func.func @layout_ops(%a: tensor<2x3x!q>) -> (tensor<3x2x!q>, tensor<6x!q>) {
  %e = tensor.empty() : tensor<3x2x!q>
  %t = linalg.transpose ins(%a : tensor<2x3x!q>) outs(%e : tensor<3x2x!q>) permutation = [1, 0]
  %c = tensor.collapse_shape %a [[0, 1]] : tensor<2x3x!q> into tensor<6x!q>
  return %t, %c : tensor<3x2x!q>, tensor<6x!q>
}

// -----

// Probes disappear; float boundaries become elementwise generics, and a
// qcast/dcast pair is not folded away (it rounds and clamps).

!q = !quant.uniform<u8:f32, 0.1:128>

// CHECK-LABEL: func.func @boundaries
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>) -> tensor<4xf32>
// CHECK-NOT: qnn.observe
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<4xf32>) outs(%{{.*}} : tensor<4xi8>)
// CHECK:   math.roundeven
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4xf32>)
// CHECK:   arith.extui
// CHECK:   arith.sitofp
func.func @boundaries(%x: tensor<4xf32>) -> tensor<4xf32> {
  %o = qnn.observe %x id = "x" : tensor<4xf32>
  %q = quant.qcast %o : tensor<4xf32> to tensor<4x!q>
  %d = quant.dcast %q : tensor<4x!q> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// A table is a constant of the result's storage type indexed by the input
// widened to i64 and offset by its storage type's minimum (-8 for i4, also
// when the type narrows its range; 0 for u8).

!t = !quant.uniform<i4<-7:7>:f32, 0.5>
!o = !quant.uniform<u8:f32, 0.1>

// CHECK-LABEL: func.func @table
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi4>) -> tensor<2x3xi8>
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -1]> : tensor<16xi8>
// CHECK-DAG: %[[LO:.*]] = arith.constant -8 : i64
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<2x3xi4>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: i4, %{{.*}}: i8):
// CHECK-NEXT:   %[[W:.*]] = arith.extsi %[[IN]] : i4 to i64
// CHECK-NEXT:   %[[I:.*]] = arith.subi %[[W]], %[[LO]] : i64
// CHECK-NEXT:   %[[IDX:.*]] = arith.index_cast %[[I]] : i64 to index
// CHECK-NEXT:   %[[E:.*]] = tensor.extract %[[T]][%[[IDX]]] : tensor<16xi8>
// CHECK-NEXT:   linalg.yield %[[E]] : i8
func.func @table(%x: tensor<2x3x!t>) -> tensor<2x3x!o> {
  %0 = qnn.table %x table = dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255]> : tensor<16xi8>
      : tensor<2x3x!t> -> tensor<2x3x!o>
  return %0 : tensor<2x3x!o>
}
