// RUN: quant-opt %s -split-input-file -verify-diagnostics

// Scales: the upstream type parser rejects non-positive and non-finite ones
// before any qnn verifier runs.

// expected-error@+1 {{scale 0.000000e+00 out of expressed type range}}
func.func @zero_scale(%a: tensor<4x!quant.uniform<i8:f32, 0.0>>) { return }

// -----

// expected-error@+1 {{scale -5.000000e-01 out of expressed type range}}
func.func @negative_scale(%a: tensor<4x!quant.uniform<i8:f32, -0.5>>) { return }

// -----

// expected-error@+1 {{out of expressed type range}}
func.func @infinite_scale(%a: tensor<4x!quant.uniform<i8:f32, 0x7FF0000000000000>>) { return }

// -----

// The upstream range check lets a NaN scale through; the qnn verifier stops it.
// (An alias, because a NaN scale never compares equal to itself.)
!nan = !quant.uniform<i8:f32, 0x7FF8000000000000>
func.func @nan_scale(%a: tensor<4x!nan>) {
  // expected-error@+1 {{'qnn.requantize' op input scale nan is not positive and finite}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4x!nan> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @zero_point_above_storage(%a: tensor<4x!quant.uniform<i32:f32, 0.1>>) {
  // expected-error@+1 {{'qnn.requantize' op output zero point 200 is outside the storage range [-128, 127]}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4x!quant.uniform<i32:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f32, 0.1:200>>
  return
}

// -----

func.func @zero_point_below_narrow_storage(%a: tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1:-128>>) {
  // expected-error@+1 {{input zero point -128 is outside the storage range [-127, 127]}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1:-128>> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @unsigned_32_storage(%a: tensor<4x!quant.uniform<u32:f32, 0.1>>) {
  // expected-error@+1 {{input storage u32 is wider than i32 arithmetic can hold}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4x!quant.uniform<u32:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @per_axis_dim_out_of_range(%a: tensor<4x2x!quant.uniform<i8:f32:2, {0.1,0.2}>>) {
  // expected-error@+1 {{input quantized dimension 2 is out of range for rank 2}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4x2x!quant.uniform<i8:f32:2, {0.1,0.2}>> -> tensor<4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @per_axis_count(%a: tensor<4x3x!quant.uniform<i8:f32:1, {0.1,0.2}>>) {
  // expected-error@+1 {{input has 2 per-axis scales but dimension 1 has size 3}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4x3x!quant.uniform<i8:f32:1, {0.1,0.2}>> -> tensor<4x3x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @not_quantized(%a: tensor<4xf32>) {
  // expected-error@+1 {{operand #0 must be ranked tensor of !quant.uniform (per-tensor or per-axis) values}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @sub_channel(%a: tensor<6x2x!quant.uniform<i8:f32:{0:3}, {{1.0}, {2.0}}>>) {
  // expected-error@+1 {{operand #0 must be ranked tensor of !quant.uniform (per-tensor or per-axis) values}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<6x2x!quant.uniform<i8:f32:{0:3}, {{1.0}, {2.0}}>> -> tensor<6x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @requantize_shape(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+1 {{input dimension 0 (4) differs from output (5)}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<5x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @requantize_rank(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+1 {{input rank 1 differs from output rank 2}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4x1x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @requantize_axes(%a: tensor<2x2x!quant.uniform<i32:f32:0, {0.1,0.2}>>) {
  // expected-error@+1 {{input is quantized on dimension 0 but output on dimension 1}}
  %0 = qnn.requantize %a rounding = fixedpoint : tensor<2x2x!quant.uniform<i32:f32:0, {0.1,0.2}>> -> tensor<2x2x!quant.uniform<i8:f32:1, {0.1,0.2}>>
  return
}

// -----

func.func @requantize_bad_rounding(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+2 {{expected ::qmlir::qnn::RoundingMode to be one of: fixedpoint, fp32}}
  // expected-error@+1 {{failed to parse QNN_RoundingModeAttr parameter 'value'}}
  %0 = qnn.requantize %a rounding = nearest : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_lhs_per_axis(%a: tensor<2x2x!quant.uniform<i8:f32:0, {0.1,0.2}>>, %b: tensor<2x2x!x>) {
  // expected-error@+1 {{lhs must be quantized per tensor}}
  %0 = qnn.matmul %a, %b : (tensor<2x2x!quant.uniform<i8:f32:0, {0.1,0.2}>>, tensor<2x2x!x>) -> tensor<2x2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_result_per_axis(%a: tensor<2x2x!x>, %b: tensor<2x2x!x>) {
  // expected-error@+1 {{result must be quantized per tensor}}
  %0 = qnn.matmul %a, %b : (tensor<2x2x!x>, tensor<2x2x!x>) -> tensor<2x2x!quant.uniform<i8:f32:1, {0.1,0.2}>>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_wide_storage(%a: tensor<2x2x!quant.uniform<i32:f32, 0.1>>, %b: tensor<2x2x!x>) {
  // expected-error@+1 {{lhs storage must be at most 16 bits, got 32}}
  %0 = qnn.matmul %a, %b : (tensor<2x2x!quant.uniform<i32:f32, 0.1>>, tensor<2x2x!x>) -> tensor<2x2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_rhs_wide_storage(%a: tensor<2x2x!x>, %b: tensor<2x2x!quant.uniform<i32:f32, 0.1>>) {
  // expected-error@+1 {{rhs storage must be at most 16 bits, got 32}}
  %0 = qnn.matmul %a, %b : (tensor<2x2x!x>, tensor<2x2x!quant.uniform<i32:f32, 0.1>>) -> tensor<2x2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_lhs_rank(%a: tensor<2x!x>, %b: tensor<2x2x!x>) {
  // expected-error@+1 {{lhs must have rank >= 2, got 1}}
  %0 = qnn.matmul %a, %b : (tensor<2x!x>, tensor<2x2x!x>) -> tensor<2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_rhs_rank(%a: tensor<3x2x2x!x>, %b: tensor<2x2x2x2x!x>) {
  // expected-error@+1 {{rhs must have rank 2 or the rank of lhs (3), got 4}}
  %0 = qnn.matmul %a, %b : (tensor<3x2x2x!x>, tensor<2x2x2x2x!x>) -> tensor<3x2x2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_result_rank(%a: tensor<2x2x!x>, %b: tensor<2x2x!x>) {
  // expected-error@+1 {{result rank 3 differs from lhs rank 2}}
  %0 = qnn.matmul %a, %b : (tensor<2x2x!x>, tensor<2x2x!x>) -> tensor<1x2x2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_rhs_axis(%a: tensor<2x2x!x>, %b: tensor<2x2x!quant.uniform<i8:f32:0, {0.1,0.2}>>) {
  // expected-error@+1 {{rhs must be quantized per axis on its N dimension (1), got 0}}
  %0 = qnn.matmul %a, %b : (tensor<2x2x!x>, tensor<2x2x!quant.uniform<i8:f32:0, {0.1,0.2}>>) -> tensor<2x2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_dynamic_k(%a: tensor<2x?x!x>, %b: tensor<?x2x!x>) {
  // expected-error@+1 {{reduction dimension K must be static}}
  %0 = qnn.matmul %a, %b : (tensor<2x?x!x>, tensor<?x2x!x>) -> tensor<2x2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_k(%a: tensor<2x3x!x>, %b: tensor<4x2x!x>) {
  // expected-error@+1 {{lhs K (3) differs from rhs K (4)}}
  %0 = qnn.matmul %a, %b : (tensor<2x3x!x>, tensor<4x2x!x>) -> tensor<2x2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_batch(%a: tensor<3x2x2x!x>, %b: tensor<4x2x2x!x>) {
  // expected-error@+1 {{batch dimension 0 differs: lhs 3, rhs 4}}
  %0 = qnn.matmul %a, %b : (tensor<3x2x2x!x>, tensor<4x2x2x!x>) -> tensor<3x2x2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_result_shape(%a: tensor<2x3x!x>, %b: tensor<3x5x!x>) {
  // expected-error@+1 {{result dimension 1 is 4, expected 5}}
  %0 = qnn.matmul %a, %b : (tensor<2x3x!x>, tensor<3x5x!x>) -> tensor<2x4x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

// 128 * 128 * 131073 > 2^31 - 1.
func.func @matmul_overflow(%a: tensor<1x131073x!x>, %b: tensor<131073x1x!x>) {
  // expected-error@+1 {{reduction of 131073 products of magnitude up to 16384 can overflow i32 accumulation}}
  %0 = qnn.matmul %a, %b : (tensor<1x131073x!x>, tensor<131073x1x!x>) -> tensor<1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_bias_shape(%a: tensor<2x2x!x>, %b: tensor<2x3x!x>, %c: tensor<2x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error@+1 {{bias must be a 1-D tensor of 3 elements}}
  %0 = qnn.matmul %a, %b, %c : (tensor<2x2x!x>, tensor<2x3x!x>, tensor<2x!quant.uniform<i32:f32, 0.01>>) -> tensor<2x3x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_bias_storage(%a: tensor<2x2x!x>, %b: tensor<2x3x!x>, %c: tensor<3x!quant.uniform<i16:f32, 0.01>>) {
  // expected-error@+1 {{bias storage must be i32}}
  %0 = qnn.matmul %a, %b, %c : (tensor<2x2x!x>, tensor<2x3x!x>, tensor<3x!quant.uniform<i16:f32, 0.01>>) -> tensor<2x3x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_bias_zero_point(%a: tensor<2x2x!x>, %b: tensor<2x3x!x>, %c: tensor<3x!quant.uniform<i32:f32, 0.01:7>>) {
  // expected-error@+1 {{bias zero point must be 0, got 7}}
  %0 = qnn.matmul %a, %b, %c : (tensor<2x2x!x>, tensor<2x3x!x>, tensor<3x!quant.uniform<i32:f32, 0.01:7>>) -> tensor<2x3x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_bias_scale(%a: tensor<2x2x!x>, %b: tensor<2x3x!quant.uniform<i8:f32:1, {0.1,0.2,0.3}>>, %c: tensor<3x!quant.uniform<i32:f32:0, {0.01,0.02,0.02}>>) {
  // expected-error@+1 {{bias scale 2.000000e-02 of channel 2 must equal input scale x weight scale = 3.000000e-02}}
  %0 = qnn.matmul %a, %b, %c : (tensor<2x2x!x>, tensor<2x3x!quant.uniform<i8:f32:1, {0.1,0.2,0.3}>>, tensor<3x!quant.uniform<i32:f32:0, {0.01,0.02,0.02}>>) -> tensor<2x3x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @matmul_bias_per_tensor_vs_per_axis(%a: tensor<2x2x!x>, %b: tensor<2x2x!quant.uniform<i8:f32:1, {0.1,0.2}>>, %c: tensor<2x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error@+1 {{bias scale 1.000000e-02 of channel 1 must equal input scale x weight scale = 2.000000e-02}}
  %0 = qnn.matmul %a, %b, %c : (tensor<2x2x!x>, tensor<2x2x!quant.uniform<i8:f32:1, {0.1,0.2}>>, tensor<2x!quant.uniform<i32:f32, 0.01>>) -> tensor<2x2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_filter_rank(%a: tensor<1x3x3x1x!x>, %w: tensor<3x3x1x!x>) {
  // expected-error@+1 {{filter must have rank 4}}
  %0 = qnn.conv2d %a, %w layout = nhwc : (tensor<1x3x3x1x!x>, tensor<3x3x1x!x>) -> tensor<1x1x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_filter_dynamic(%a: tensor<1x3x3x1x!x>, %w: tensor<3x3x1x?x!x>) {
  // expected-error@+1 {{filter must have a static shape}}
  %0 = qnn.conv2d %a, %w layout = nhwc : (tensor<1x3x3x1x!x>, tensor<3x3x1x?x!x>) -> tensor<1x1x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_input_rank(%a: tensor<3x3x1x!x>, %w: tensor<3x3x1x1x!x>) {
  // expected-error@+1 {{input and result must have rank 4}}
  %0 = qnn.conv2d %a, %w layout = nhwc : (tensor<3x3x1x!x>, tensor<3x3x1x1x!x>) -> tensor<1x1x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_strides_size(%a: tensor<1x3x3x1x!x>, %w: tensor<3x3x1x1x!x>) {
  // expected-error@+1 {{kernel, strides and dilations must have 2 elements}}
  %0 = qnn.conv2d %a, %w layout = nhwc {strides = array<i64: 1>} : (tensor<1x3x3x1x!x>, tensor<3x3x1x1x!x>) -> tensor<1x1x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_padding_size(%a: tensor<1x3x3x1x!x>, %w: tensor<3x3x1x1x!x>) {
  // expected-error@+1 {{padding must have 4 elements [top, left, bottom, right]}}
  %0 = qnn.conv2d %a, %w layout = nhwc {padding = array<i64: 1, 1>} : (tensor<1x3x3x1x!x>, tensor<3x3x1x1x!x>) -> tensor<1x1x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_zero_stride(%a: tensor<1x3x3x1x!x>, %w: tensor<3x3x1x1x!x>) {
  // expected-error@+1 {{kernel, strides and dilations must be positive}}
  %0 = qnn.conv2d %a, %w layout = nhwc {strides = array<i64: 0, 1>} : (tensor<1x3x3x1x!x>, tensor<3x3x1x1x!x>) -> tensor<1x1x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_negative_padding(%a: tensor<1x3x3x1x!x>, %w: tensor<3x3x1x1x!x>) {
  // expected-error@+1 {{padding must be non-negative}}
  %0 = qnn.conv2d %a, %w layout = nhwc {padding = array<i64: 0, 0, -1, 0>} : (tensor<1x3x3x1x!x>, tensor<3x3x1x1x!x>) -> tensor<1x1x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_batch(%a: tensor<2x3x3x1x!x>, %w: tensor<3x3x1x1x!x>) {
  // expected-error@+1 {{result batch 1 differs from input batch 2}}
  %0 = qnn.conv2d %a, %w layout = nhwc : (tensor<2x3x3x1x!x>, tensor<3x3x1x1x!x>) -> tensor<1x1x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_window_too_large(%a: tensor<1x3x3x1x!x>, %w: tensor<3x3x1x1x!x>) {
  // expected-error@+1 {{window extent 5 exceeds padded input size 3}}
  %0 = qnn.conv2d %a, %w layout = nhwc {dilations = array<i64: 2, 2>} : (tensor<1x3x3x1x!x>, tensor<3x3x1x1x!x>) -> tensor<1x1x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_spatial(%a: tensor<1x8x8x1x!x>, %w: tensor<3x3x1x1x!x>) {
  // expected-error@+1 {{result spatial dimension 1 is 6, expected 3}}
  %0 = qnn.conv2d %a, %w layout = nhwc {strides = array<i64: 2, 2>} : (tensor<1x8x8x1x!x>, tensor<3x3x1x1x!x>) -> tensor<1x6x6x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_groups(%a: tensor<1x3x3x1x!x>, %w: tensor<3x3x1x1x!x>) {
  // expected-error@+1 {{groups must be positive, got 0}}
  %0 = qnn.conv2d %a, %w layout = nhwc {groups = 0 : i64} : (tensor<1x3x3x1x!x>, tensor<3x3x1x1x!x>) -> tensor<1x1x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_groups_filters(%a: tensor<1x4x3x3x!x>, %w: tensor<3x2x3x3x!x>) {
  // expected-error@+1 {{filter count 3 is not divisible by groups 2}}
  %0 = qnn.conv2d %a, %w layout = nchw {groups = 2 : i64} : (tensor<1x4x3x3x!x>, tensor<3x2x3x3x!x>) -> tensor<1x3x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_input_channels(%a: tensor<1x3x3x5x!x>, %w: tensor<3x3x2x4x!x>) {
  // expected-error@+1 {{input has 5 channels, filter expects 2 x 2 groups}}
  %0 = qnn.conv2d %a, %w layout = nhwc {groups = 2 : i64} : (tensor<1x3x3x5x!x>, tensor<3x3x2x4x!x>) -> tensor<1x1x1x4x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_result_channels(%a: tensor<1x3x3x2x!x>, %w: tensor<3x3x2x4x!x>) {
  // expected-error@+1 {{result has 3 channels, filter has 4}}
  %0 = qnn.conv2d %a, %w layout = nhwc : (tensor<1x3x3x2x!x>, tensor<3x3x2x4x!x>) -> tensor<1x1x1x3x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_filter_axis(%a: tensor<1x2x3x3x!x>, %w: tensor<2x2x3x3x!quant.uniform<i8:f32:1, {0.1,0.2}>>) {
  // expected-error@+1 {{filter must be quantized per axis on its output channel dimension (0), got 1}}
  %0 = qnn.conv2d %a, %w layout = nchw : (tensor<1x2x3x3x!x>, tensor<2x2x3x3x!quant.uniform<i8:f32:1, {0.1,0.2}>>) -> tensor<1x2x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_input_per_axis(%a: tensor<1x2x3x3x!quant.uniform<i8:f32:1, {0.1,0.2}>>, %w: tensor<2x2x3x3x!x>) {
  // expected-error@+1 {{input must be quantized per tensor}}
  %0 = qnn.conv2d %a, %w layout = nchw : (tensor<1x2x3x3x!quant.uniform<i8:f32:1, {0.1,0.2}>>, tensor<2x2x3x3x!x>) -> tensor<1x2x1x1x!x>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1:255>

// 255 * 128 * (8192 * 3 * 3 = 73728) > 2^31 - 1 (u8 input at zp 255, i8 weights).
func.func @conv_overflow(%a: tensor<1x3x3x8192x!x>, %w: tensor<3x3x8192x1x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+1 {{reduction of 73728 products of magnitude up to 32640 can overflow i32 accumulation}}
  %0 = qnn.conv2d %a, %w layout = nhwc : (tensor<1x3x3x8192x!x>, tensor<3x3x8192x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x1x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @conv_bias(%a: tensor<1x2x3x3x!x>, %w: tensor<2x2x3x3x!x>, %b: tensor<2x!quant.uniform<i32:f32, 0.02>>) {
  // expected-error@+1 {{bias scale 2.000000e-02 of channel 0 must equal input scale x weight scale = 1.000000e-02}}
  %0 = qnn.conv2d %a, %w, %b layout = nchw : (tensor<1x2x3x3x!x>, tensor<2x2x3x3x!x>, tensor<2x!quant.uniform<i32:f32, 0.02>>) -> tensor<1x2x1x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @add_per_axis(%a: tensor<2x!quant.uniform<i8:f32:0, {0.1,0.2}>>, %b: tensor<2x!x>) {
  // expected-error@+1 {{lhs must be quantized per tensor}}
  %0 = qnn.add %a, %b : (tensor<2x!quant.uniform<i8:f32:0, {0.1,0.2}>>, tensor<2x!x>) -> tensor<2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @add_shape(%a: tensor<2x!x>, %b: tensor<3x!x>) {
  // expected-error@+1 {{lhs dimension 0 (2) differs from rhs (3)}}
  %0 = qnn.add %a, %b : (tensor<2x!x>, tensor<3x!x>) -> tensor<2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @add_result_shape(%a: tensor<2x!x>, %b: tensor<2x!x>) {
  // expected-error@+1 {{lhs rank 1 differs from result rank 2}}
  %0 = qnn.add %a, %b : (tensor<2x!x>, tensor<2x!x>) -> tensor<2x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @add_wide(%a: tensor<2x!quant.uniform<i32:f32, 0.1>>, %b: tensor<2x!x>) {
  // expected-error@+1 {{lhs storage must be at most 16 bits, got 32}}
  %0 = qnn.add %a, %b : (tensor<2x!quant.uniform<i32:f32, 0.1>>, tensor<2x!x>) -> tensor<2x!x>
  return
}

// -----

!y = !quant.uniform<i16:f32, 0.1:20000>

// (32768 + 20000)^2 > 2^31 - 1.
func.func @mul_overflow(%a: tensor<2x!y>, %b: tensor<2x!y>) {
  // expected-error@+1 {{product of offsets up to 2784461824 overflows i32 (16-bit operands need zero points near the middle of their range)}}
  %0 = qnn.mul %a, %b : (tensor<2x!y>, tensor<2x!y>) -> tensor<2x!y>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @clamp_order(%a: tensor<2x!x>) {
  // expected-error@+1 {{min 5 is greater than max 4}}
  %0 = qnn.clamp %a min = 5 max = 4 : tensor<2x!x>
  return
}

// -----

!x = !quant.uniform<i8<-127:127>:f32, 0.1>

func.func @clamp_range(%a: tensor<2x!x>) {
  // expected-error@+1 {{range [-128, 4] is outside the storage range [-127, 127]}}
  %0 = qnn.clamp %a min = -128 max = 4 : tensor<2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @clamp_type(%a: tensor<2x!x>) {
  // expected-error@+1 {{all of {input, result} have same type}}
  %0 = "qnn.clamp"(%a) {min = 0 : i64, max = 4 : i64} : (tensor<2x!x>) -> tensor<2x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

!x = !quant.uniform<i16:f32, 0.1>

func.func @table_wide_input(%a: tensor<2x!x>) {
  // expected-error@+1 {{input storage must be at most 8 bits, got 16}}
  %0 = qnn.table %a table = dense<0> : tensor<65536xi8> : tensor<2x!x> -> tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

!x = !quant.uniform<u4:f32, 0.1>

func.func @table_size(%a: tensor<2x!x>) {
  // expected-error@+1 {{table must have one dimension of 16 entries (one per input storage value), got 'tensor<15xi8>'}}
  %0 = qnn.table %a table = dense<0> : tensor<15xi8> : tensor<2x!x> -> tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

!x = !quant.uniform<i4:f32, 0.1>

func.func @table_element(%a: tensor<2x!x>) {
  // expected-error@+1 {{table elements must be the result storage type 'i8', got 'i16'}}
  %0 = qnn.table %a table = dense<0> : tensor<16xi16> : tensor<2x!x> -> tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

!x = !quant.uniform<i2:f32, 0.1>

func.func @table_entry_range(%a: tensor<2x!x>) {
  // expected-error@+1 {{table entry 2 (-128) is outside the result storage range [-127, 127]}}
  %0 = qnn.table %a table = dense<[0, 1, -128, 3]> : tensor<4xi8> : tensor<2x!x> -> tensor<2x!quant.uniform<i8<-127:127>:f32, 0.1>>
  return
}

// -----

!x = !quant.uniform<i2:f32, 0.1>

func.func @table_shape(%a: tensor<2x!x>) {
  // expected-error@+1 {{input dimension 0 (2) differs from result (3)}}
  %0 = qnn.table %a table = dense<0> : tensor<4xi8> : tensor<2x!x> -> tensor<3x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @max_pool_types(%a: tensor<1x4x4x1x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+1 {{input and result must have the same element type}}
  %0 = qnn.max_pool2d %a layout = nhwc {kernel = array<i64: 2, 2>} : tensor<1x4x4x1x!quant.uniform<i8:f32, 0.1>> -> tensor<1x3x3x1x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @max_pool_kernel(%a: tensor<1x4x4x1x!x>) {
  // expected-error@+1 {{kernel, strides and dilations must have 2 elements}}
  %0 = qnn.max_pool2d %a layout = nhwc {kernel = array<i64: 2, 2, 2>} : tensor<1x4x4x1x!x> -> tensor<1x3x3x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @max_pool_channels(%a: tensor<1x4x4x2x!x>) {
  // expected-error@+1 {{result has 1 channels, input has 2}}
  %0 = qnn.max_pool2d %a layout = nhwc {kernel = array<i64: 2, 2>} : tensor<1x4x4x2x!x> -> tensor<1x3x3x1x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @max_pool_spatial(%a: tensor<1x2x4x4x!x>) {
  // expected-error@+1 {{result spatial dimension 3 is 3, expected 2}}
  %0 = qnn.max_pool2d %a layout = nchw {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x2x4x4x!x> -> tensor<1x2x2x3x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @max_pool_padding(%a: tensor<1x4x4x1x!x>) {
  // expected-error@+1 {{padding 2 must be smaller than the kernel size 2}}
  %0 = qnn.max_pool2d %a layout = nhwc {kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 2, 0>} : tensor<1x4x4x1x!x> -> tensor<1x5x3x1x!x>
  return
}

// -----

func.func @avg_pool_per_axis(%a: tensor<1x4x4x2x!quant.uniform<i8:f32:3, {0.1,0.2}>>) {
  // expected-error@+1 {{input must be quantized per tensor}}
  %0 = qnn.avg_pool2d %a layout = nhwc {kernel = array<i64: 2, 2>} : tensor<1x4x4x2x!quant.uniform<i8:f32:3, {0.1,0.2}>> -> tensor<1x3x3x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

!y = !quant.uniform<i16:f32, 0.1:-32768>

// 65535 * 200 * 200 > 2^31 - 1.
func.func @avg_pool_overflow(%a: tensor<1x200x200x1x!y>) {
  // expected-error@+1 {{window of 40000 elements can overflow i32 accumulation}}
  %0 = qnn.avg_pool2d %a layout = nhwc {kernel = array<i64: 200, 200>} : tensor<1x200x200x1x!y> -> tensor<1x1x1x1x!y>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @concat_empty() {
  // expected-error@+1 {{needs at least one input}}
  %0 = "qnn.concat"() {dim = 0 : i64} : () -> tensor<2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @concat_dim(%a: tensor<2x!x>) {
  // expected-error@+1 {{dim 1 is out of range for rank 1}}
  %0 = qnn.concat %a dim = 1 : (tensor<2x!x>) -> tensor<2x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @concat_rank(%a: tensor<2x!x>, %b: tensor<2x1x!x>) {
  // expected-error@+1 {{input 1 has rank 2, result has rank 1}}
  %0 = qnn.concat %a, %b dim = 0 : (tensor<2x!x>, tensor<2x1x!x>) -> tensor<4x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @concat_other_dim(%a: tensor<2x3x!x>, %b: tensor<2x4x!x>) {
  // expected-error@+1 {{input 1 dimension 1 is 4, result has 3}}
  %0 = qnn.concat %a, %b dim = 0 : (tensor<2x3x!x>, tensor<2x4x!x>) -> tensor<4x3x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @concat_sum(%a: tensor<2x!x>, %b: tensor<3x!x>) {
  // expected-error@+1 {{result dimension 0 is 6, inputs sum to 5}}
  %0 = qnn.concat %a, %b dim = 0 : (tensor<2x!x>, tensor<3x!x>) -> tensor<6x!x>
  return
}

// -----

!x = !quant.uniform<i8:f32, 0.1>

func.func @concat_per_axis(%a: tensor<2x!quant.uniform<i8:f32:0, {0.1,0.2}>>) {
  // expected-error@+1 {{input 0 must be quantized per tensor}}
  %0 = qnn.concat %a dim = 0 : (tensor<2x!quant.uniform<i8:f32:0, {0.1,0.2}>>) -> tensor<2x!x>
  return
}

// -----

func.func @observe_id(%a: tensor<2xf32>) {
  // expected-error@+1 {{id must not be empty}}
  %0 = qnn.observe %a id = "" : tensor<2xf32>
  return
}

// -----

func.func @fake_quant_both(%a: tensor<2xf32>) {
  // expected-error@+1 {{takes either qtype or min/max, not both}}
  %0 = qnn.fake_quant %a {qtype = !quant.uniform<i8:f32, 0.1>, min = array<f64: -1.0>, max = array<f64: 1.0>} : tensor<2xf32>
  return
}

// -----

func.func @fake_quant_expressed(%a: tensor<2xf16>) {
  // expected-error@+1 {{qtype expresses 'f32' but the input holds 'f16'}}
  %0 = qnn.fake_quant %a {qtype = !quant.uniform<i8:f32, 0.1>} : tensor<2xf16>
  return
}

// -----

func.func @fake_quant_qtype_axis(%a: tensor<2x3xf32>) {
  // expected-error@+1 {{qtype has 2 per-axis scales but dimension 1 has size 3}}
  %0 = qnn.fake_quant %a {qtype = !quant.uniform<i8:f32:1, {0.1,0.2}>} : tensor<2x3xf32>
  return
}

// -----

func.func @fake_quant_neither(%a: tensor<2xf32>) {
  // expected-error@+1 {{needs qtype, or both min and max}}
  %0 = qnn.fake_quant %a {min = array<f64: -1.0>} : tensor<2xf32>
  return
}

// -----

func.func @fake_quant_counts(%a: tensor<2xf32>) {
  // expected-error@+1 {{has 2 min values but 1 max values}}
  %0 = qnn.fake_quant %a {min = array<f64: -1.0, -1.0>, max = array<f64: 1.0>, axis = 0 : i64} : tensor<2xf32>
  return
}

// -----

func.func @fake_quant_axis(%a: tensor<2xf32>) {
  // expected-error@+1 {{axis 1 is out of range for rank 1}}
  %0 = qnn.fake_quant %a {min = array<f64: -1.0>, max = array<f64: 1.0>, axis = 1 : i64} : tensor<2xf32>
  return
}

// -----

func.func @fake_quant_axis_size(%a: tensor<2x3xf32>) {
  // expected-error@+1 {{has 2 ranges but dimension 1 has size 3}}
  %0 = qnn.fake_quant %a {min = array<f64: -1.0, -1.0>, max = array<f64: 1.0, 1.0>, axis = 1 : i64} : tensor<2x3xf32>
  return
}

// -----

func.func @fake_quant_no_axis(%a: tensor<2xf32>) {
  // expected-error@+1 {{has 2 ranges but no axis; per-tensor takes one}}
  %0 = qnn.fake_quant %a {min = array<f64: -1.0, -1.0>, max = array<f64: 1.0, 1.0>} : tensor<2xf32>
  return
}

// -----

func.func @fake_quant_nan(%a: tensor<2xf32>) {
  // expected-error@+1 {{range bounds must be finite}}
  %0 = qnn.fake_quant %a {min = array<f64: 0x7FF8000000000000>, max = array<f64: 1.0>} : tensor<2xf32>
  return
}

// -----

func.func @fake_quant_empty(%a: tensor<2xf32>) {
  // expected-error@+1 {{range [1.000000e+00, 1.000000e+00] is empty}}
  %0 = qnn.fake_quant %a {min = array<f64: 1.0>, max = array<f64: 1.0>} : tensor<2xf32>
  return
}

// -----

func.func @fake_quant_bits(%a: tensor<2xf32>) {
  // expected-error@+1 {{num_bits must be in [2, 16], got 17}}
  %0 = qnn.fake_quant %a {min = array<f64: -1.0>, max = array<f64: 1.0>, num_bits = 17 : i64} : tensor<2xf32>
  return
}

// -----

// 16-bit operands pass while max offsets multiply to at most 2^31 - 1:
// 65535 * 32768 does, 65535 * 32769 does not.
func.func @mul_i16_offsets(%a: tensor<4x!quant.uniform<i16:f32, 0.1:-32768>>, %b: tensor<4x!quant.uniform<i16:f32, 0.1>>, %c: tensor<4x!quant.uniform<i16:f32, 0.1:1>>) {
  %0 = qnn.mul %a, %b rounding = fixedpoint : (tensor<4x!quant.uniform<i16:f32, 0.1:-32768>>, tensor<4x!quant.uniform<i16:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  // expected-error@+1 {{product of offsets up to 2147516415 overflows i32}}
  %1 = qnn.mul %a, %c rounding = fixedpoint : (tensor<4x!quant.uniform<i16:f32, 0.1:-32768>>, tensor<4x!quant.uniform<i16:f32, 0.1:1>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// An average may be taken over padding alone (padding up to the kernel
// size); a maximum may not.
func.func @avg_pool_padding_reaches_kernel(%a: tensor<1x4x4x1x!quant.uniform<i8:f32, 0.1>>) {
  %0 = qnn.avg_pool2d %a layout = nhwc {kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 2, 0>} : tensor<1x4x4x1x!quant.uniform<i8:f32, 0.1>> -> tensor<1x5x3x1x!quant.uniform<i8:f32, 0.1>>
  return
}
