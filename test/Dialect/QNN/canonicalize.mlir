// RUN: quant-opt %s -split-input-file -canonicalize="test-convergence" | FileCheck %s

!x = !quant.uniform<i8:f32, 0.1:-3>

// CHECK-LABEL: @requantize_identity
// CHECK-SAME: (%[[A:.*]]: tensor
// CHECK-NEXT: return %[[A]]
func.func @requantize_identity(%a: tensor<4x!x>) -> tensor<4x!x> {
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4x!x> -> tensor<4x!x>
  return %0 : tensor<4x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.1:-3>

// Two roundings are not one: a requantize chain stays.
// CHECK-LABEL: @requantize_chain_kept
// CHECK: qnn.requantize
// CHECK: qnn.requantize
func.func @requantize_chain_kept(%a: tensor<4x!x>) -> tensor<4x!x> {
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4x!x> -> tensor<4x!quant.uniform<i8:f32, 0.3>>
  %1 = qnn.requantize %0 rounding = fixedpoint : tensor<4x!quant.uniform<i8:f32, 0.3>> -> tensor<4x!x>
  return %1 : tensor<4x!x>
}

// -----

!x = !quant.uniform<i8<-127:127>:f32, 0.1>

// CHECK-LABEL: @clamp_full_range
// CHECK-SAME: (%[[A:.*]]: tensor
// CHECK-NEXT: return %[[A]]
func.func @clamp_full_range(%a: tensor<4x!x>) -> tensor<4x!x> {
  %0 = qnn.clamp %a min = -127 max = 127 : tensor<4x!x>
  return %0 : tensor<4x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

// CHECK-LABEL: @clamp_partial_kept
// CHECK: qnn.clamp %{{.*}} min = -128 max = 126
func.func @clamp_partial_kept(%a: tensor<4x!x>) -> tensor<4x!x> {
  %0 = qnn.clamp %a min = -128 max = 126 : tensor<4x!x>
  return %0 : tensor<4x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

// CHECK-LABEL: @clamp_clamp
// CHECK-SAME: (%[[A:.*]]: tensor
// CHECK-NEXT: %[[C:.*]] = qnn.clamp %[[A]] min = 0 max = 60
// CHECK-NEXT: return %[[C]]
func.func @clamp_clamp(%a: tensor<4x!x>) -> tensor<4x!x> {
  %0 = qnn.clamp %a min = 0 max = 100 : tensor<4x!x>
  %1 = qnn.clamp %0 min = -20 max = 60 : tensor<4x!x>
  return %1 : tensor<4x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

// Disjoint ranges: every value lands on the outer bound nearest the inner range.
// CHECK-LABEL: @clamp_clamp_disjoint
// CHECK: qnn.clamp %{{.*}} min = 50 max = 50
// CHECK: qnn.clamp %{{.*}} min = -5 max = -5
func.func @clamp_clamp_disjoint(%a: tensor<4x!x>) -> (tensor<4x!x>, tensor<4x!x>) {
  %0 = qnn.clamp %a min = 0 max = 10 : tensor<4x!x>
  %1 = qnn.clamp %0 min = 50 max = 60 : tensor<4x!x>
  %2 = qnn.clamp %a min = 0 max = 10 : tensor<4x!x>
  %3 = qnn.clamp %2 min = -10 max = -5 : tensor<4x!x>
  return %1, %3 : tensor<4x!x>, tensor<4x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

// CHECK-LABEL: @max_pool_unit_window
// CHECK-SAME: (%[[A:.*]]: tensor
// CHECK-NEXT: return %[[A]]
func.func @max_pool_unit_window(%a: tensor<1x4x4x2x!x>) -> tensor<1x4x4x2x!x> {
  %0 = qnn.max_pool2d %a layout = nhwc {kernel = array<i64: 1, 1>} : tensor<1x4x4x2x!x> -> tensor<1x4x4x2x!x>
  return %0 : tensor<1x4x4x2x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

// CHECK-LABEL: @max_pool_padded_kept
// CHECK-SAME: -> tensor<1x5x5x2x
// CHECK: qnn.max_pool2d
func.func @max_pool_padded_kept(%a: tensor<1x4x4x2x!x>) -> tensor<1x5x5x2x!x> {
  %0 = qnn.max_pool2d %a layout = nhwc {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : tensor<1x4x4x2x!x> -> tensor<1x5x5x2x!x>
  return %0 : tensor<1x5x5x2x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

// CHECK-LABEL: @concat_single
// CHECK-SAME: (%[[A:.*]]: tensor
// CHECK-NEXT: return %[[A]]
func.func @concat_single(%a: tensor<2x3x!x>) -> tensor<2x3x!x> {
  %0 = qnn.concat %a dim = 1 : (tensor<2x3x!x>) -> tensor<2x3x!x>
  return %0 : tensor<2x3x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

// A single input of another type is a requantization, not a copy.
// CHECK-LABEL: @concat_single_requantized_kept
// CHECK: qnn.concat
func.func @concat_single_requantized_kept(%a: tensor<2x3x!x>) -> tensor<2x3x!quant.uniform<i8:f32, 0.2>> {
  %0 = qnn.concat %a dim = 1 : (tensor<2x3x!x>) -> tensor<2x3x!quant.uniform<i8:f32, 0.2>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32, 0.2>>
}

// -----

// Probes survive canonicalization even when their result is unused.
// CHECK-LABEL: @observe_kept
// CHECK: qnn.observe
func.func @observe_kept(%a: tensor<4xf32>) {
  %0 = qnn.observe %a id = "a" : tensor<4xf32>
  return
}
