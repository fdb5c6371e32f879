// RUN: %python %S/lsp.py qmlir-lsp-server %s | FileCheck %s
// RUN: %python %S/lsp.py qmlir-lsp-server %S/Inputs/invalid.mlir | FileCheck %s --check-prefix=INVALID

// The server knows qnn (upstream's mlir-lsp-server reports the dialect
// unknown): a qnn op hovers with its type, an invalid one (Inputs/invalid.mlir)
// is diagnosed by qnn's verifier.

// CHECK-NOT: diagnostic
// CHECK: hover: {{.*}}qnn.requantize
// INVALID: diagnostic line 2: 'qnn.requantize' op output zero point 200 is outside the storage range [-128, 127]

func.func @f(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.25>> {
  %y = qnn.requantize %x rounding = fixedpoint : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.25>>
}
