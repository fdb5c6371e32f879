// RUN: quant-opt %s -split-input-file --qnn-quantize-pipeline | FileCheck %s

// Quantization-aware training: qnn.fake_quant (or a quant.qcast/quant.dcast
// pair) gives every parameter, weights included; no statistics are needed.

#id = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}50, -100], [25, 0]]> : tensor<2x2xi8>
// CHECK: %[[X:.*]] = quant.qcast %arg0 : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.00784313{{[0-9]*}}>>
// CHECK: %[[QW:.*]] = quant.scast %[[W]] : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32, 1.000000e-02>>
// CHECK: %[[Y:.*]] = qnn.matmul %[[X]], %[[QW]] : {{.*}} -> tensor<1x2x!quant.uniform<i8:f32, 5.000000e-02:-10>>
// CHECK: quant.dcast %[[Y]]
// CHECK-NOT: qnn.fake_quant
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %xq = qnn.fake_quant %x {min = array<f64: -1.0039215686274509>, max = array<f64: 0.99607843137254903>} : tensor<1x2xf32>
  %w = arith.constant dense<[[0.5, -1.0], [0.25, 0.0]]> : tensor<2x2xf32>
  %wq = qnn.fake_quant %w {qtype = !quant.uniform<i8<-127:127>:f32, 0.01>} : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %mm = linalg.matmul ins(%xq, %wq : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  %q = quant.qcast %mm : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.05:-10>>
  %y = quant.dcast %q : tensor<1x2x!quant.uniform<i8:f32, 0.05:-10>> to tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
