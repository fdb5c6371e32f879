// RUN: quant-opt %s -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s

// Upstream !quant.uniform types and quant.qcast/dcast go through quant-opt
// unchanged: qnn reuses them rather than defining its own.

// CHECK-LABEL: @per_tensor
// CHECK: quant.qcast %{{.*}} : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>>
// CHECK: quant.dcast %{{.*}} : tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>> to tensor<4xf32>
func.func @per_tensor(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
  %1 = quant.dcast %0 : tensor<4x!quant.uniform<i8:f32, 0.1:-3>> to tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: @per_axis
// CHECK: quant.qcast %{{.*}} : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {1.000000e-01,2.000000e-01:1,3.000000e-01:-1}>>
func.func @per_axis(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.1,0.2:1,0.3:-1}>> {
  %0 = quant.qcast %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.1,0.2:1,0.3:-1}>>
  return %0 : tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.1,0.2:1,0.3:-1}>>
}

// -----

// CHECK-LABEL: @sub_channel
// CHECK: quant.qcast %{{.*}} : tensor<6x2xf32> to tensor<6x2x!quant.uniform<i4:f32:{0:3}, {{\{\{}}1.000000e+00}, {2.000000e+00}}>>
func.func @sub_channel(%x: tensor<6x2xf32>) -> tensor<6x2x!quant.uniform<i4:f32:{0:3}, {{1.0}, {2.0}}>> {
  %0 = quant.qcast %x : tensor<6x2xf32> to tensor<6x2x!quant.uniform<i4:f32:{0:3}, {{1.0}, {2.0}}>>
  return %0 : tensor<6x2x!quant.uniform<i4:f32:{0:3}, {{1.0}, {2.0}}>>
}

// -----

// Every storage type the qnn ops accept: i4, i8, u8, i16, i32.
// CHECK-LABEL: @storage_types
// CHECK-SAME: tensor<4x!quant.uniform<i4:f32, 5.000000e-01:-8>>
// CHECK-SAME: tensor<4x!quant.uniform<u8:f32, 2.000000e-02:255>>
// CHECK-SAME: tensor<4x!quant.uniform<i16:f32, 1.000000e-04>>
// CHECK-SAME: tensor<4x!quant.uniform<i32:f32, 2.500000e-01>>
// CHECK-SAME: tensor<4x!quant.uniform<i8:f16, 1.000000e-01:127>>
func.func @storage_types(%a: tensor<4x!quant.uniform<i4:f32, 0.5:-8>>,
                         %b: tensor<4x!quant.uniform<u8:f32, 0.02:255>>,
                         %c: tensor<4x!quant.uniform<i16:f32, 1.0e-04>>,
                         %d: tensor<4x!quant.uniform<i32:f32, 0.25>>,
                         %e: tensor<4x!quant.uniform<i8:f16, 0.1:127>>) {
  return
}
