// RUN: quant-opt %s -split-input-file --qmlir-expand-float-ops | FileCheck %s

// linalg.softmax becomes its reductions and elementwise steps; math
// functions become polynomial approximations (no libm call left).

// CHECK-LABEL: func.func @softmax
// CHECK-NOT: linalg.softmax
// CHECK: linalg.generic {{.*}}"reduction"
// CHECK: arith.maxnumf
// CHECK-NOT: math.exp
// CHECK: return
func.func @softmax(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @math
// CHECK-NOT: math.erf
// CHECK-NOT: math.tanh
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK-NOT: math.powf
// CHECK: return
func.func @math(%x: f32, %h: f16) -> (f32, f32, f32, f32, f16, f32) {
  %a = math.erf %x : f32
  %b = math.tanh %x : f32
  %c = math.exp %x : f32
  %d = math.log %x : f32
  %e = math.exp %h : f16
  %f = math.powf %x, %x : f32
  return %a, %b, %c, %d, %e, %f : f32, f32, f32, f32, f16, f32
}
