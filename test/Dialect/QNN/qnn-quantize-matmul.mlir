// RUN: quant-opt %s -split-input-file -verify-diagnostics --qnn-quantize-pipeline | FileCheck %s

// Linear layers on [B..., M, K] activations, as ONNX MatMul of rank 3
// imports (a linalg.generic contraction with 2-D weights), and products of
// two activations (attention's Q K^T and P V). Types from QAT fake_quants.

#lhs = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#kn = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
#nk = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#bias = affine_map<(d0, d1, d2) -> (d2)>
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>

// The bias add after the contraction folds into the qnn.matmul's i32 bias
// (0.5 / (0.5 * 0.5 / 127) = 254); [N, K] weights are transposed to [K, N].
// CHECK-LABEL: func.func @linear
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}127, -127], [0, 127]]> : tensor<2x2xi8>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<254> : tensor<2xi32>
// CHECK: qnn.matmul %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x3x2x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {{.*}}>>, tensor<2x!quant.uniform<i32:f32:0, {{.*}}>>) -> tensor<1x3x2x!quant.uniform<i8:f32, 2.500000e-01>>
// CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<1x3x2x!quant.uniform<i8:f32, 2.500000e-01>>, tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {{.*}}>>) -> tensor<1x3x2x!quant.uniform<i8:f32, 2.500000e-01>>
// CHECK-NOT: linalg.generic
func.func @linear(%x: tensor<1x3x2xf32>) -> tensor<1x3x2xf32> {
  %qx = qnn.fake_quant %x {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<1x3x2xf32>
  %w = arith.constant dense<[[0.5, -0.5], [0.0, 0.5]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x2xf32>) -> tensor<1x3x2xf32>
  %mm = linalg.generic {indexing_maps = [#lhs, #kn, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%qx, %w : tensor<1x3x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x3x2xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x3x2xf32>
  %bv = arith.constant dense<0.5> : tensor<2xf32>
  %biased = linalg.generic {indexing_maps = [#bias, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%bv, %mm : tensor<2xf32>, tensor<1x3x2xf32>) outs(%e : tensor<1x3x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x3x2xf32>
  %qy = qnn.fake_quant %biased {qtype = !quant.uniform<i8:f32, 0.25>} : tensor<1x3x2xf32>
  %wt = arith.constant dense<[[0.5, 0.0], [-0.5, 0.5]]> : tensor<2x2xf32>
  %mm2 = linalg.generic {indexing_maps = [#lhs, #nk, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%qy, %wt : tensor<1x3x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x3x2xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x3x2xf32>
  %r = qnn.fake_quant %mm2 {qtype = !quant.uniform<i8:f32, 0.25>} : tensor<1x3x2xf32>
  return %r : tensor<1x3x2xf32>
}

// -----

#l4 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
#r4 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
#o4 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>

// Attention scores: [B, H, S, D] x [B, H, D, S] of two activations, and
// a batch_matmul; both operands per tensor, no bias.
// CHECK-LABEL: func.func @activations
// CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<1x2x3x4x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<1x2x4x3x!quant.uniform<u8:f32, 2.500000e-01:128>>) -> tensor<1x2x3x3x!quant.uniform<i8:f32, 1.000000e+00>>
// CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<2x3x4x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<2x4x5x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<2x3x5x!quant.uniform<i8:f32, 1.000000e+00>>
// CHECK-NOT: linalg.generic
// CHECK-NOT: linalg.batch_matmul
func.func @activations(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x4x3xf32>, %a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>)
    -> (tensor<1x2x3x3xf32>, tensor<2x3x5xf32>) {
  %qq = qnn.fake_quant %q {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<1x2x3x4xf32>
  %qk = qnn.fake_quant %k {qtype = !quant.uniform<u8:f32, 0.25:128>} : tensor<1x2x4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %s = linalg.generic {indexing_maps = [#l4, #r4, #o4], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%qq, %qk : tensor<1x2x3x4xf32>, tensor<1x2x4x3xf32>) outs(%z : tensor<1x2x3x3xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x2x3x3xf32>
  %qs = qnn.fake_quant %s {qtype = !quant.uniform<i8:f32, 1.0>} : tensor<1x2x3x3xf32>
  %qa = qnn.fake_quant %a {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<2x3x4xf32>
  %qb = qnn.fake_quant %b {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<2x4x5xf32>
  %e2 = tensor.empty() : tensor<2x3x5xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %m = linalg.batch_matmul ins(%qa, %qb : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%z2 : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %qm = qnn.fake_quant %m {qtype = !quant.uniform<i8:f32, 1.0>} : tensor<2x3x5xf32>
  return %qs, %qm : tensor<1x2x3x3xf32>, tensor<2x3x5xf32>
}

// -----

#l = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#r = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
#o = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// A product of two activations whose right-hand side is shared across the
// batch is not a form qnn.matmul takes for activations.
// CHECK-LABEL: func.func @shared_rhs
// CHECK: linalg.generic
func.func @shared_rhs(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x3x5xf32> {
  %qa = qnn.fake_quant %a {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<2x3x4xf32>
  %qb = qnn.fake_quant %b {qtype = !quant.uniform<i8:f32, 0.5>} : tensor<4x5xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x5xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  // expected-remark@+1 {{kept in float: linalg.generic has no quantized form: its right-hand operand is not a constant f32 tensor (a product of two activations); a product of two activations that is not [B..., M, K] x [B..., K, N]}}
  %m = linalg.generic {indexing_maps = [#l, #r, #o], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%qa, %qb : tensor<2x3x4xf32>, tensor<4x5xf32>) outs(%z : tensor<2x3x5xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x3x5xf32>
  %qm = qnn.fake_quant %m {qtype = !quant.uniform<i8:f32, 1.0>} : tensor<2x3x5xf32>
  return %qm : tensor<2x3x5xf32>
}
