// RUN: quant-opt %s -split-input-file --qnn-quantize-pipeline | FileCheck %s
// RUN: quant-opt %s -split-input-file --qnn-quantize-pipeline="bias-correction=true" 2>&1 | FileCheck %s --check-prefix=BC

// Bias correction leaves quantization-aware weights alone, and says so.
// BC: remark: {{.*}}no bias correction: quantization-aware weights, trained with their bias

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

// -----

// A QAT weight type keeps its storage: u8 weights stay u8 (255 is not -1 of
// an i8 type).
// CHECK-LABEL: func.func @u8_weights
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}-1, 0], [-78, -128]]> : tensor<2x2xi8>
// CHECK: quant.scast %[[W]] : tensor<2x2xi8> to tensor<2x2x!quant.uniform<u8:f32, 1.000000e-02:128>>
// CHECK: qnn.matmul
func.func @u8_weights(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %xq = qnn.fake_quant %x {min = array<f64: -1.0039215686274509>, max = array<f64: 0.99607843137254903>} : tensor<1x2xf32>
  %w = arith.constant dense<[[1.27, -1.28], [0.5, 0.0]]> : tensor<2x2xf32>
  %wq = qnn.fake_quant %w {qtype = !quant.uniform<u8:f32, 0.01:128>} : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %mm = linalg.matmul ins(%xq, %wq : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = qnn.fake_quant %mm {min = array<f64: -2.0>, max = array<f64: 2.0>} : tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Per-axis QAT weights written [N, K] keep their axis through the transpose
// to qnn's [K, N]: axis 0 of the operand is axis 1 of qnn.matmul's rhs.
// CHECK-LABEL: func.func @transposed_per_axis
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}50, 10], [-100, 20]]> : tensor<2x2xi8>
// CHECK: quant.scast %[[W]] : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {1.000000e-02,5.000000e-02}>>
// CHECK: qnn.matmul
func.func @transposed_per_axis(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %xq = qnn.fake_quant %x {min = array<f64: -1.0039215686274509>, max = array<f64: 0.99607843137254903>} : tensor<1x2xf32>
  %w = arith.constant dense<[[0.5, -1.0], [0.5, 1.0]]> : tensor<2x2xf32>
  %wq = qnn.fake_quant %w {qtype = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.05}>} : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %mm = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%xq, %wq : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = qnn.fake_quant %mm {min = array<f64: -2.0>, max = array<f64: 2.0>} : tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A matmul result and the fake_quant after it share one quantized value;
// their float users share one dcast of it.
// CHECK-LABEL: func.func @shared_twin
// CHECK: %[[Q:.*]] = qnn.matmul
// CHECK-NEXT: %[[D:.*]] = quant.dcast %[[Q]]
// CHECK-NOT: quant.dcast
// CHECK: linalg.exp ins(%[[D]]
// CHECK: linalg.exp ins(%[[D]]
func.func @shared_twin(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %xq = qnn.fake_quant %x {min = array<f64: -1.0039215686274509>, max = array<f64: 0.99607843137254903>} : tensor<1x2xf32>
  %w = arith.constant dense<[[0.5, -1.0], [0.25, 0.0]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %mm = linalg.matmul ins(%xq, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = qnn.fake_quant %mm {min = array<f64: -2.0>, max = array<f64: 2.0>} : tensor<1x2xf32>
  %e2 = tensor.empty() : tensor<1x2xf32>
  %a = linalg.exp ins(%mm : tensor<1x2xf32>) outs(%e2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %e3 = tensor.empty() : tensor<1x2xf32>
  %b = linalg.exp ins(%y : tensor<1x2xf32>) outs(%e3 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %a, %b : tensor<1x2xf32>, tensor<1x2xf32>
}
