// RUN: quant-opt %s | FileCheck %s
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

!i8 = !quant.uniform<i8:f32, 0.05:-4>
!u8 = !quant.uniform<u8:f32, 0.02:128>

// CHECK-LABEL: @requantize
func.func @requantize(%arg0: tensor<4x!quant.uniform<i32:f32, 5.0e-04>>,
                      %arg1: tensor<2x3x!quant.uniform<i32:f32:1, {1.0e-03,2.0e-03,3.0e-03}>>)
    -> (tensor<4x!i8>, tensor<2x3x!quant.uniform<i16:f32, 1.0e-04>>) {
  // CHECK: qnn.requantize %{{.*}} rounding = fixedpoint : tensor<4x!quant.uniform<i32:f32, 5.000000e-04>> -> tensor<4x!quant.uniform<i8:f32, 5.000000e-02:-4>>
  %0 = qnn.requantize %arg0 rounding = fixedpoint
      : tensor<4x!quant.uniform<i32:f32, 5.0e-04>> -> tensor<4x!i8>
  // CHECK: qnn.requantize %{{.*}} rounding = fp32 : tensor<2x3x!quant.uniform<i32:f32:1, {1.000000e-03,2.000000e-03,3.000000e-03}>> -> tensor<2x3x!quant.uniform<i16:f32, 1.000000e-04>>
  %1 = qnn.requantize %arg1 rounding = fp32
      : tensor<2x3x!quant.uniform<i32:f32:1, {1.0e-03,2.0e-03,3.0e-03}>>
     -> tensor<2x3x!quant.uniform<i16:f32, 1.0e-04>>
  return %0, %1 : tensor<4x!i8>, tensor<2x3x!quant.uniform<i16:f32, 1.0e-04>>
}

// CHECK-LABEL: @requantize_storage_types
func.func @requantize_storage_types(%arg0: tensor<4x!quant.uniform<i4:f32, 0.5:-3>>)
    -> tensor<4x!quant.uniform<u8<1:255>:f32, 0.25:128>> {
  // CHECK: qnn.requantize %{{.*}} rounding = fixedpoint : tensor<4x!quant.uniform<i4:f32, 5.000000e-01:-3>> -> tensor<4x!quant.uniform<u8<1:255>:f32, 2.500000e-01:128>>
  %0 = qnn.requantize %arg0 rounding = fixedpoint
      : tensor<4x!quant.uniform<i4:f32, 0.5:-3>>
     -> tensor<4x!quant.uniform<u8<1:255>:f32, 0.25:128>>
  return %0 : tensor<4x!quant.uniform<u8<1:255>:f32, 0.25:128>>
}

// CHECK-LABEL: @matmul
func.func @matmul(%x: tensor<2x16x!i8>,
                  %w: tensor<16x3x!quant.uniform<i8<-127:127>:f32:1, {0.01,0.02,0.04}>>,
                  %b: tensor<3x!quant.uniform<i32:f32:0, {5.0e-04,1.0e-03,2.0e-03}>>)
    -> (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>) {
  // CHECK: qnn.matmul %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x16x!quant.uniform<i8:f32, 5.000000e-02:-4>>, tensor<16x3x!quant.uniform<i8<-127:127>:f32:1, {1.000000e-02,2.000000e-02,4.000000e-02}>>, tensor<3x!quant.uniform<i32:f32:0, {5.000000e-04,1.000000e-03,2.000000e-03}>>) -> tensor<2x3x!quant.uniform<i8:f32, 1.000000e-01:3>>
  %0 = qnn.matmul %x, %w, %b
      : (tensor<2x16x!i8>,
         tensor<16x3x!quant.uniform<i8<-127:127>:f32:1, {0.01,0.02,0.04}>>,
         tensor<3x!quant.uniform<i32:f32:0, {5.0e-04,1.0e-03,2.0e-03}>>)
     -> tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} rounding = fp32 : (tensor<2x16x{{.*}}>, tensor<16x3x{{.*}}>) -> tensor<2x3x
  %1 = qnn.matmul %x, %w rounding = fp32
      : (tensor<2x16x!i8>,
         tensor<16x3x!quant.uniform<i8<-127:127>:f32:1, {0.01,0.02,0.04}>>)
     -> tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>
  return %0, %1 : tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>
}

// CHECK-LABEL: @batch_matmul
func.func @batch_matmul(%x: tensor<?x4x8x!u8>, %w: tensor<?x8x5x!quant.uniform<i8:f32, 0.5>>)
    -> tensor<?x4x5x!quant.uniform<i32:f32, 0.01>> {
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<?x4x8x!quant.uniform<u8:f32, 2.000000e-02:128>>, tensor<?x8x5x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<?x4x5x!quant.uniform<i32:f32, 1.000000e-02>>
  %0 = qnn.matmul %x, %w : (tensor<?x4x8x!u8>, tensor<?x8x5x!quant.uniform<i8:f32, 0.5>>)
      -> tensor<?x4x5x!quant.uniform<i32:f32, 0.01>>
  return %0 : tensor<?x4x5x!quant.uniform<i32:f32, 0.01>>
}

// CHECK-LABEL: @matmul_16x8
func.func @matmul_16x8(%x: tensor<3x8x!quant.uniform<i16:f32, 1.0e-03>>,
                       %w: tensor<8x2x!quant.uniform<i8:f32, 0.5>>)
    -> tensor<3x2x!quant.uniform<i16:f32, 2.0e-03>> {
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<3x8x!quant.uniform<i16:f32, 1.000000e-03>>, tensor<8x2x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<3x2x!quant.uniform<i16:f32, 2.000000e-03>>
  %0 = qnn.matmul %x, %w : (tensor<3x8x!quant.uniform<i16:f32, 1.0e-03>>, tensor<8x2x!quant.uniform<i8:f32, 0.5>>)
      -> tensor<3x2x!quant.uniform<i16:f32, 2.0e-03>>
  return %0 : tensor<3x2x!quant.uniform<i16:f32, 2.0e-03>>
}

// CHECK-LABEL: @conv2d_nhwc
func.func @conv2d_nhwc(%x: tensor<1x8x8x3x!u8>,
                       %w: tensor<3x3x3x4x!quant.uniform<i8:f32:3, {0.1,0.2,0.1,0.2}>>,
                       %b: tensor<4x!quant.uniform<i32:f32:0, {2.0e-03,4.0e-03,2.0e-03,4.0e-03}>>)
    -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.5:120>> {
  // CHECK: qnn.conv2d %{{.*}}, %{{.*}}, %{{.*}} layout = nhwc {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x8x3x!quant.uniform<u8:f32, 2.000000e-02:128>>, tensor<3x3x3x4x!quant.uniform<i8:f32:3, {1.000000e-01,2.000000e-01,1.000000e-01,2.000000e-01}>>, tensor<4x!quant.uniform<i32:f32:0, {2.000000e-03,4.000000e-03,2.000000e-03,4.000000e-03}>>) -> tensor<1x4x4x4x!quant.uniform<u8:f32, 5.000000e-01:120>>
  %0 = qnn.conv2d %x, %w, %b layout = nhwc {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
      : (tensor<1x8x8x3x!u8>, tensor<3x3x3x4x!quant.uniform<i8:f32:3, {0.1,0.2,0.1,0.2}>>,
         tensor<4x!quant.uniform<i32:f32:0, {2.0e-03,4.0e-03,2.0e-03,4.0e-03}>>)
     -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.5:120>>
  return %0 : tensor<1x4x4x4x!quant.uniform<u8:f32, 0.5:120>>
}

// CHECK-LABEL: @conv2d_nchw_depthwise_dilated
func.func @conv2d_nchw_depthwise_dilated(%x: tensor<2x4x9x9x!i8>,
                                         %w: tensor<8x1x3x3x!quant.uniform<i8:f32, 0.1>>)
    -> tensor<2x8x5x5x!quant.uniform<i8:f32, 0.2:1>> {
  // CHECK: qnn.conv2d %{{.*}}, %{{.*}} layout = nchw rounding = fp32 {dilations = array<i64: 2, 2>, groups = 4 : i64} : (tensor<2x4x9x9x!quant.uniform<i8:f32, 5.000000e-02:-4>>, tensor<8x1x3x3x!quant.uniform<i8:f32, 1.000000e-01>>) -> tensor<2x8x5x5x!quant.uniform<i8:f32, 2.000000e-01:1>>
  %0 = qnn.conv2d %x, %w layout = nchw rounding = fp32 {dilations = array<i64: 2, 2>, groups = 4 : i64}
      : (tensor<2x4x9x9x!i8>, tensor<8x1x3x3x!quant.uniform<i8:f32, 0.1>>)
     -> tensor<2x8x5x5x!quant.uniform<i8:f32, 0.2:1>>
  return %0 : tensor<2x8x5x5x!quant.uniform<i8:f32, 0.2:1>>
}

// CHECK-LABEL: @elementwise
func.func @elementwise(%a: tensor<8x!i8>, %b: tensor<8x!quant.uniform<i8:f32, 0.2:-1>>)
    -> (tensor<8x!quant.uniform<i8:f32, 0.25>>, tensor<8x!quant.uniform<i8:f32, 0.01:5>>) {
  // CHECK: qnn.add %{{.*}}, %{{.*}} : (tensor<8x!quant.uniform<i8:f32, 5.000000e-02:-4>>, tensor<8x!quant.uniform<i8:f32, 2.000000e-01:-1>>) -> tensor<8x!quant.uniform<i8:f32, 2.500000e-01>>
  %0 = qnn.add %a, %b : (tensor<8x!i8>, tensor<8x!quant.uniform<i8:f32, 0.2:-1>>)
      -> tensor<8x!quant.uniform<i8:f32, 0.25>>
  // CHECK: qnn.mul %{{.*}}, %{{.*}} rounding = fp32 : (tensor<8x!quant.uniform<i8:f32, 5.000000e-02:-4>>, tensor<8x!quant.uniform<i8:f32, 2.000000e-01:-1>>) -> tensor<8x!quant.uniform<i8:f32, 1.000000e-02:5>>
  %1 = qnn.mul %a, %b rounding = fp32 : (tensor<8x!i8>, tensor<8x!quant.uniform<i8:f32, 0.2:-1>>)
      -> tensor<8x!quant.uniform<i8:f32, 0.01:5>>
  return %0, %1 : tensor<8x!quant.uniform<i8:f32, 0.25>>, tensor<8x!quant.uniform<i8:f32, 0.01:5>>
}

// CHECK-LABEL: @clamp
func.func @clamp(%a: tensor<8x!i8>) -> tensor<8x!i8> {
  // CHECK: qnn.clamp %{{.*}} min = -4 max = 116 : tensor<8x!quant.uniform<i8:f32, 5.000000e-02:-4>>
  %0 = qnn.clamp %a min = -4 max = 116 : tensor<8x!i8>
  return %0 : tensor<8x!i8>
}

// CHECK-LABEL: @table
func.func @table(%a: tensor<2x3x!quant.uniform<u4:f32, 0.5:8>>)
    -> tensor<2x3x!quant.uniform<i16:f32, 0.001>> {
  // CHECK: qnn.table %{{.*}} table = dense<[-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 300]> : tensor<16xi16> : tensor<2x3x!quant.uniform<u4:f32, 5.000000e-01:8>> -> tensor<2x3x!quant.uniform<i16:f32, 1.000000e-03>>
  %0 = qnn.table %a table = dense<[-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 300]> : tensor<16xi16>
      : tensor<2x3x!quant.uniform<u4:f32, 0.5:8>> -> tensor<2x3x!quant.uniform<i16:f32, 0.001>>
  return %0 : tensor<2x3x!quant.uniform<i16:f32, 0.001>>
}

// CHECK-LABEL: @pools
func.func @pools(%x: tensor<1x4x8x8x!i8>, %y: tensor<1x8x8x4x!u8>)
    -> (tensor<1x4x4x4x!i8>, tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>) {
  // CHECK: qnn.max_pool2d %{{.*}} layout = nchw {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x4x8x8x!quant.uniform<i8:f32, 5.000000e-02:-4>> -> tensor<1x4x4x4x!quant.uniform<i8:f32, 5.000000e-02:-4>>
  %0 = qnn.max_pool2d %x layout = nchw {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : tensor<1x4x8x8x!i8> -> tensor<1x4x4x4x!i8>
  // CHECK: qnn.avg_pool2d %{{.*}} layout = nhwc rounding = fp32 {count_include_pad = true, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>} : tensor<1x8x8x4x!quant.uniform<u8:f32, 2.000000e-02:128>> -> tensor<1x8x8x4x!quant.uniform<u8:f32, 5.000000e-02:128>>
  %1 = qnn.avg_pool2d %y layout = nhwc rounding = fp32 {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, count_include_pad = true}
      : tensor<1x8x8x4x!u8> -> tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>
  return %0, %1 : tensor<1x4x4x4x!i8>, tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>
}

// CHECK-LABEL: @concat
func.func @concat(%a: tensor<1x4x!i8>, %b: tensor<1x2x!quant.uniform<i8:f32, 0.2>>)
    -> tensor<1x6x!quant.uniform<i8:f32, 0.2>> {
  // CHECK: qnn.concat %{{.*}}, %{{.*}} dim = 1 : (tensor<1x4x!quant.uniform<i8:f32, 5.000000e-02:-4>>, tensor<1x2x!quant.uniform<i8:f32, 2.000000e-01>>) -> tensor<1x6x!quant.uniform<i8:f32, 2.000000e-01>>
  %0 = qnn.concat %a, %b dim = 1 : (tensor<1x4x!i8>, tensor<1x2x!quant.uniform<i8:f32, 0.2>>)
      -> tensor<1x6x!quant.uniform<i8:f32, 0.2>>
  return %0 : tensor<1x6x!quant.uniform<i8:f32, 0.2>>
}

// CHECK-LABEL: @observe
func.func @observe(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  // CHECK: qnn.observe %{{.*}} id = "fc1:out" : tensor<1x16xf32>
  %0 = qnn.observe %x id = "fc1:out" : tensor<1x16xf32>
  return %0 : tensor<1x16xf32>
}

// CHECK-LABEL: @fake_quant
func.func @fake_quant(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK: qnn.fake_quant %{{.*}} {max = array<f64: 2.000000e+00>, min = array<f64: -1.000000e+00>} : tensor<2x3xf32>
  %0 = qnn.fake_quant %x {min = array<f64: -1.0>, max = array<f64: 2.0>} : tensor<2x3xf32>
  // CHECK: qnn.fake_quant %{{.*}} {axis = 1 : i64, max = array<f64: 1.000000e+00, 2.000000e+00, 3.000000e+00>, min = array<f64: -1.000000e+00, -2.000000e+00, -3.000000e+00>, narrow_range = true, num_bits = 4 : i64} : tensor<2x3xf32>
  %1 = qnn.fake_quant %x {min = array<f64: -1.0, -2.0, -3.0>, max = array<f64: 1.0, 2.0, 3.0>, axis = 1 : i64, num_bits = 4 : i64, narrow_range = true} : tensor<2x3xf32>
  // CHECK: qnn.fake_quant %{{.*}} {qtype = !quant.uniform<i8<-127:127>:f32:1, {2.000000e-02,3.000000e-02,4.000000e-02}>} : tensor<2x3xf32>
  %2 = qnn.fake_quant %x {qtype = !quant.uniform<i8<-127:127>:f32:1, {0.02,0.03,0.04}>} : tensor<2x3xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}
