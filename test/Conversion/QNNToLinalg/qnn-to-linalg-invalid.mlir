// RUN: quant-opt %s -split-input-file --convert-qnn-to-linalg -verify-diagnostics

// M = 1 / 2^-31 = 2^31 has no Q31 form in fixedpoint.
func.func @multiplier_too_large(%a: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i32:f32, 4.656612873077393e-10>> {
  // expected-error@+2 {{failed to legalize operation 'qnn.requantize'}}
  // expected-error@+1 {{'qnn.requantize' op needs a rescale multiplier of at least 2^30, which the fixedpoint rounding mode cannot represent}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4x!quant.uniform<i8:f32, 1.0>> -> tensor<4x!quant.uniform<i32:f32, 4.656612873077393e-10>>
  return %0 : tensor<4x!quant.uniform<i32:f32, 4.656612873077393e-10>>
}
