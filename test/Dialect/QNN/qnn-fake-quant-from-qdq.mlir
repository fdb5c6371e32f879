// RUN: quant-opt %s -split-input-file --qnn-fake-quant-from-qdq | FileCheck %s

// A qcast/dcast pair becomes one fake_quant carrying the type.

// CHECK-LABEL: func.func @pair
// CHECK-NEXT: %[[F:.*]] = qnn.fake_quant %arg0 {qtype = !quant.uniform<i8:f32, 1.000000e-01:-3>} : tensor<4xf32>
// CHECK-NEXT: return %[[F]]
func.func @pair(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.1:-3>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// A qcast with other users stays for them; the dcast still becomes the
// fake_quant it equals, so no later folding can drop its rounding.

// CHECK-LABEL: func.func @shared
// CHECK-DAG: %[[Q:.*]] = quant.qcast %arg0
// CHECK-DAG: %[[F:.*]] = qnn.fake_quant %arg0 {qtype = !quant.uniform<i8:f32, 1.000000e-01>}
// CHECK-NOT: quant.dcast
// CHECK: return %[[F]], %[[Q]]
func.func @shared(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.1>> to tensor<4xf32>
  return %d, %q : tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----

// Two dcasts of one qcast: two fake_quants, and the qcast goes.

// CHECK-LABEL: func.func @two_dcasts
// CHECK-NOT: quant.qcast
// CHECK-COUNT-2: qnn.fake_quant %arg0
// CHECK-NOT: quant.{{[qd]}}cast
func.func @two_dcasts(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.1>> to tensor<4xf32>
  %e = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.1>> to tensor<4xf32>
  return %d, %e : tensor<4xf32>, tensor<4xf32>
}
