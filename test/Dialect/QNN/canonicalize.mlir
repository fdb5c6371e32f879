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

// -----

!x = !quant.uniform<i2:f32, 0.5>
!y = !quant.uniform<u8:f32, 0.1>
!z = !quant.uniform<i8:f32, 0.2>

// Two tables compose into one over the first input: entry i of the result
// is second[first[i]] (first's entries are u8 values, indexing from 0).
// CHECK-LABEL: @table_table
// CHECK-SAME: (%[[A:.*]]: tensor
// CHECK-NEXT: %[[T:.*]] = qnn.table %[[A]] table = dense<[7, -7, 100, 0]> : tensor<4xi8>
// CHECK-NEXT: return %[[T]]
func.func @table_table(%a: tensor<4x!x>) -> tensor<4x!z> {
  %0 = qnn.table %a table = dense<[3, 0, 255, 1]> : tensor<4xi8> : tensor<4x!x> -> tensor<4x!y>
  %1 = qnn.table %0 table = dense<[-7, 0, 9, 7, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 100]> : tensor<256xi8> : tensor<4x!y> -> tensor<4x!z>
  return %1 : tensor<4x!z>
}

// -----

!x = !quant.uniform<i8<-127:127>:f32, 0.5>

// An identity over the storable values (-127..127; entry 0, for -128, can
// hold anything in range) between equal types folds away.
// CHECK-LABEL: @table_identity
// CHECK-SAME: (%[[A:.*]]: tensor
// CHECK-NEXT: return %[[A]]
func.func @table_identity(%a: tensor<4x!x>) -> tensor<4x!x> {
  %0 = qnn.table %a table = dense<[0, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127]> : tensor<256xi8> : tensor<4x!x> -> tensor<4x!x>
  return %0 : tensor<4x!x>
}

// -----

!x = !quant.uniform<i2:f32, 0.5>

// Not quite the identity (entry 3 maps 1 to 0), or between different types.
// CHECK-LABEL: @table_kept
// CHECK-COUNT-2: qnn.table
func.func @table_kept(%a: tensor<4x!x>) -> (tensor<4x!x>, tensor<4x!quant.uniform<i2:f32, 0.25>>) {
  %0 = qnn.table %a table = dense<[-2, -1, 0, 0]> : tensor<4xi2> : tensor<4x!x> -> tensor<4x!x>
  %1 = qnn.table %a table = dense<[-2, -1, 0, 1]> : tensor<4xi2> : tensor<4x!x> -> tensor<4x!quant.uniform<i2:f32, 0.25>>
  return %0, %1 : tensor<4x!x>, tensor<4x!quant.uniform<i2:f32, 0.25>>
}
