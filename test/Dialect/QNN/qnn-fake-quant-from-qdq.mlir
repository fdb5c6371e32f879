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

// A qcast with other users is real quantization, not a marker: kept.

// CHECK-LABEL: func.func @shared
// CHECK: quant.qcast
// CHECK: quant.dcast
// CHECK-NOT: qnn.fake_quant
func.func @shared(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.1>> to tensor<4xf32>
  return %d, %q : tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.1>>
}
