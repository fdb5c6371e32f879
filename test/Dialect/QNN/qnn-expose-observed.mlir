// RUN: quant-opt %s -split-input-file --qnn-expose-observed | FileCheck %s

// Probes become extra results, in order, with their ids on the function.

// CHECK-LABEL: func.func @main
// CHECK-SAME: -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK-SAME: qnn.observed = ["main.arg0", "sum"]
// CHECK-NOT: qnn.observe
// CHECK: %[[S:.*]] = arith.addf %arg0, %arg0
// CHECK: return %[[S]], %arg0, %[[S]]
func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {
  %pa = qnn.observe %a id = "main.arg0" : tensor<4xf32>
  %s = arith.addf %pa, %pa : tensor<4xf32>
  %ps = qnn.observe %s id = "sum" : tensor<4xf32>
  return %ps : tensor<4xf32>
}

// -----

// A quantized tensor is exposed dequantized.

// CHECK-LABEL: func.func @quantized
// CHECK-SAME: -> (tensor<4xi8>, tensor<4xf32>)
// CHECK-SAME: qnn.observed = ["q"]
// CHECK: %[[Q:.*]] = quant.qcast %arg0
// CHECK: %[[I:.*]] = quant.scast %[[Q]]
// CHECK: %[[D:.*]] = quant.dcast %[[Q]] : tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>> to tensor<4xf32>
// CHECK: return %[[I]], %[[D]]
!q = !quant.uniform<i8:f32, 0.1:-3>
func.func @quantized(%a: tensor<4xf32>) -> tensor<4xi8> {
  %q = quant.qcast %a : tensor<4xf32> to tensor<4x!q>
  %pq = qnn.observe %q id = "q" : tensor<4x!q>
  %i = quant.scast %pq : tensor<4x!q> to tensor<4xi8>
  return %i : tensor<4xi8>
}
