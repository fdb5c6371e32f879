// RUN: quant-opt %s -split-input-file --qmlir-float-kernels=target=x86-64-v3 --canonicalize | FileCheck %s --check-prefix=CHECK-AVX2
// RUN: quant-opt %s -split-input-file --qmlir-float-kernels=target=avx512-vnni --canonicalize | FileCheck %s --check-prefix=CHECK-ZMM
// RUN: quant-opt %s -split-input-file --qmlir-float-kernels=target=aarch64-i8mm --canonicalize | FileCheck %s --check-prefix=CHECK-NEON
// RUN: quant-opt %s -split-input-file --qmlir-float-kernels=target=generic | FileCheck %s --check-prefix=CHECK-GENERIC

// A named f32 matmul with constant weights: the weights packed into one
// f32 constant (column tiles padded to whole vectors), the accumulators
// vector iter_args of the k loop, one FMA of a broadcast A value per
// accumulator, the bias add and ReLU run on the registers before the
// store: no separate generic is left.
// CHECK-AVX2-LABEL: func.func @matmul
// CHECK-AVX2: arith.constant dense<5.000000e-01> : tensor<2800xf32>
// CHECK-AVX2: scf.for {{.*}} iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>
// CHECK-AVX2: vector.broadcast {{.*}} : f32 to vector<8xf32>
// CHECK-AVX2: math.fma {{.*}} : vector<8xf32>
// CHECK-AVX2: arith.addf {{.*}} : vector<8xf32>
// CHECK-AVX2: arith.maximumf {{.*}} : vector<8xf32>
// CHECK-AVX2: vector.transfer_write {{.*}} : vector<8xf32>, tensor<13x40xf32>
// CHECK-AVX2-NOT: linalg.generic
// CHECK-AVX2: return

// CHECK-ZMM-LABEL: func.func @matmul
// CHECK-ZMM: arith.constant dense<"0x{{.*}}"> : tensor<3360xf32>
// CHECK-ZMM: math.fma {{.*}} : vector<16xf32>

// CHECK-NEON-LABEL: func.func @matmul
// CHECK-NEON: math.fma {{.*}} : vector<4xf32>

// CHECK-GENERIC-LABEL: func.func @matmul
// CHECK-GENERIC: linalg.matmul
// CHECK-GENERIC-NOT: vector
func.func @matmul(%x: tensor<13x70xf32>, %bias: tensor<40xf32>) -> tensor<13x40xf32> {
  %w = arith.constant dense<0.5> : tensor<70x40xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<13x40xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<13x40xf32>) -> tensor<13x40xf32>
  %y = linalg.matmul ins(%x, %w : tensor<13x70xf32>, tensor<70x40xf32>) outs(%acc : tensor<13x40xf32>) -> tensor<13x40xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%y, %bias : tensor<13x40xf32>, tensor<40xf32>) outs(%e : tensor<13x40xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<13x40xf32>
  return %r : tensor<13x40xf32>
}

// -----

// An NHWC convolution: an im2col copy of the input, then the GEMM kernel.
// CHECK-AVX2-LABEL: func.func @conv
// CHECK-AVX2: linalg.generic
// CHECK-AVX2-SAME: outs({{.*}} : tensor<2x4x4x2x2x3xf32>)
// CHECK-AVX2: math.fma {{.*}} : vector<8xf32>
// CHECK-AVX2-NOT: linalg.conv_2d_nhwc_hwcf
func.func @conv(%x: tensor<2x5x5x3xf32>) -> tensor<2x4x4x16xf32> {
  %w = arith.constant dense<0.25> : tensor<2x2x3x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x4x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x4x16xf32>) -> tensor<2x4x4x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<2x5x5x3xf32>, tensor<2x2x3x16xf32>) outs(%acc : tensor<2x4x4x16xf32>) -> tensor<2x4x4x16xf32>
  return %y : tensor<2x4x4x16xf32>
}

// -----

// Depthwise, channels innermost: channels in lanes, the nine taps unrolled.
// CHECK-AVX2-LABEL: func.func @depthwise
// CHECK-AVX2-COUNT-9: math.fma {{.*}} : vector<8xf32>
// CHECK-AVX2-NOT: linalg.depthwise_conv_2d_nhwc_hwc
func.func @depthwise(%x: tensor<1x6x6x8xf32>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense<0.125> : tensor<3x3x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %y = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x6x6x8xf32>, tensor<3x3x8xf32>) outs(%acc : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

// Integer contractions are qmlir-int8-kernels' and f16 ones nobody's yet.
// CHECK-AVX2-LABEL: func.func @not_f32
// CHECK-AVX2: linalg.matmul
// CHECK-AVX2: linalg.matmul
// CHECK-AVX2-NOT: math.fma
func.func @not_f32(%x: tensor<4x8xi8>, %h: tensor<4x8xf16>) -> (tensor<4x16xi32>, tensor<4x16xf16>) {
  %w = arith.constant dense<3> : tensor<8x16xi8>
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4x16xi32>
  %acc = linalg.fill ins(%zero : i32) outs(%e : tensor<4x16xi32>) -> tensor<4x16xi32>
  %y = linalg.matmul ins(%x, %w : tensor<4x8xi8>, tensor<8x16xi8>) outs(%acc : tensor<4x16xi32>) -> tensor<4x16xi32>
  %wh = arith.constant dense<1.0> : tensor<8x16xf16>
  %zh = arith.constant 0.0 : f16
  %eh = tensor.empty() : tensor<4x16xf16>
  %acch = linalg.fill ins(%zh : f16) outs(%eh : tensor<4x16xf16>) -> tensor<4x16xf16>
  %yh = linalg.matmul ins(%h, %wh : tensor<4x8xf16>, tensor<8x16xf16>) outs(%acch : tensor<4x16xf16>) -> tensor<4x16xf16>
  return %y, %yh : tensor<4x16xi32>, tensor<4x16xf16>
}
