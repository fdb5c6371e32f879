// RUN: quant-opt %s | FileCheck %s

// quant-opt carries every upstream dialect next to qnn, so linalg and TOSA
// models and qnn ops mix in one module.

// CHECK-LABEL: @mixed
// CHECK: linalg.matmul
// CHECK: tosa.clamp
// CHECK: qnn.observe
func.func @mixed(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %init = tensor.empty() : tensor<2x4xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<2x3xf32>, tensor<3x4xf32>) outs(%init : tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = qnn.observe %1 id = "relu6" : tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}
