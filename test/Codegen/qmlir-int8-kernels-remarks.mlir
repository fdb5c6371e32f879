// RUN: quant-opt %s -split-input-file --convert-qnn-to-linalg --canonicalize --qmlir-int8-kernels="target=avx512-vnni remark-skipped" -verify-diagnostics -o /dev/null

// Each integer contraction the kernels leave to the generic lowering gets
// a remark with the reason.

// vpdpbusd multiplies u8 by s8: unsigned weights stay generic.
func.func @unsigned_weights(%x: tensor<2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.5>> {
  %c = arith.constant dense<200> : tensor<4x3xi8>
  %w = quant.scast %c : tensor<4x3xi8> to tensor<4x3x!quant.uniform<u8:f32, 0.1:128>>
  // expected-remark@+1 {{left to the generic lowering: unsigned weights, which 512-bit vpdpbusd does not multiply}}
  %y = qnn.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>, tensor<4x3x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.5>>
  return %y : tensor<2x3x!quant.uniform<i8:f32, 0.5>>
}

// -----

// Two activations: the kernels pack constant weights only.
func.func @two_activations(%x: tensor<2x4x!quant.uniform<i8:f32, 0.1>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.5>> {
  // expected-remark@+1 {{left to the generic lowering: its right-hand operand is not constant}}
  %y = qnn.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>, tensor<4x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.5>>
  return %y : tensor<2x3x!quant.uniform<i8:f32, 0.5>>
}
