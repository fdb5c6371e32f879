// RUN: quant-opt %s --qnn-expose-observed | FileCheck %s

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
