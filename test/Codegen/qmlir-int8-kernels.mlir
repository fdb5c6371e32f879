// RUN: quant-opt %s -split-input-file --convert-qnn-to-linalg --canonicalize --qmlir-int8-kernels=target=x86-64-v3 --canonicalize | FileCheck %s --check-prefix=CHECK-AVX2
// RUN: quant-opt %s -split-input-file --convert-qnn-to-linalg --canonicalize --qmlir-int8-kernels=target=avx512-vnni --canonicalize | FileCheck %s --check-prefix=CHECK-VNNI
// RUN: quant-opt %s -split-input-file --convert-qnn-to-linalg --canonicalize --qmlir-int8-kernels=target=aarch64-dotprod --canonicalize | FileCheck %s --check-prefix=CHECK-SDOT
// RUN: quant-opt %s -split-input-file --convert-qnn-to-linalg --canonicalize --qmlir-int8-kernels=target=aarch64-i8mm --canonicalize | FileCheck %s --check-prefix=CHECK-SMMLA
// RUN: quant-opt %s -split-input-file --convert-qnn-to-linalg --canonicalize --qmlir-int8-kernels=target=generic --canonicalize | FileCheck %s --check-prefix=CHECK-GENERIC

!x = !quant.uniform<i8:f32, 0.05:-3>
!w = !quant.uniform<i8<-127:127>:f32, 0.02>
!y = !quant.uniform<i8:f32, 0.5:1>

// The weights are packed into one constant; the accumulators are vector
// iter_args of the k loop; the requantizing epilogue runs on them and the
// stores are of i8 vectors: no i32 tensor is left.
// CHECK-AVX2-LABEL: func.func @matmul
// CHECK-AVX2-NOT: tensor<4x40xi32>
// CHECK-AVX2: arith.constant dense<{{.*}}> : tensor<2800xi8>
// CHECK-AVX2: scf.for {{.*}} iter_args({{.*}}) -> (vector<8xi32>, vector<8xi32>
// CHECK-AVX2: arith.extsi {{.*}} : vector<16xi8> to vector<16xi16>
// CHECK-AVX2: llvm.call @__qmlir_llvm_x86_avx2_pmadd_wd({{.*}}) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK-AVX2: vector.transfer_write {{.*}} : vector<8xi8>, tensor<4x40xi8>
// CHECK-AVX2-NOT: tensor<4x40xi32>
// CHECK-AVX2: llvm.func internal @__qmlir_llvm_x86_avx2_pmadd_wd
// CHECK-AVX2-SAME: always_inline
// CHECK-AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"

// Signed activations are offset by 128 for vpdpbusd; the accumulators
// start at -128 times the weight column sums.
// CHECK-VNNI-LABEL: func.func @matmul
// CHECK-VNNI: arith.xori
// CHECK-VNNI: llvm.call @__qmlir_llvm_x86_avx512_vpdpbusd_512({{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK-VNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"

// CHECK-SDOT-LABEL: func.func @matmul
// CHECK-SDOT: arm_neon.intr.sdot {{.*}} : vector<16xi8>, vector<16xi8> to vector<4xi32>

// CHECK-SMMLA-LABEL: func.func @matmul
// CHECK-SMMLA: arm_neon.intr.smmla {{.*}} : vector<16xi8> to vector<4xi32>

// CHECK-GENERIC-LABEL: func.func @matmul
// CHECK-GENERIC: linalg.generic
// CHECK-GENERIC-SAME: "reduction"
// CHECK-GENERIC-NOT: vector
func.func @matmul(%x: tensor<4x70x!x>) -> tensor<4x40x!y> {
  %ws = arith.constant dense<7> : tensor<70x40xi8>
  %w = quant.scast %ws : tensor<70x40xi8> to tensor<70x40x!w>
  %y = qnn.matmul %x, %w : (tensor<4x70x!x>, tensor<70x40x!w>) -> tensor<4x40x!y>
  return %y : tensor<4x40x!y>
}

// -----

!x = !quant.uniform<i8:f32, 0.05:-3>
!w = !quant.uniform<i8<-127:127>:f32, 0.02>
!y = !quant.uniform<i8:f32, 0.5:1>

// Depthwise: channels in lanes, the nine taps unrolled.
// CHECK-AVX2-LABEL: func.func @depthwise
// CHECK-AVX2-COUNT-9: arith.muli {{.*}} : vector<8xi32>
// CHECK-AVX2: vector.transfer_write {{.*}} : vector<8xi8>
// CHECK-VNNI-LABEL: func.func @depthwise
// CHECK-VNNI-COUNT-9: arith.muli {{.*}} : vector<16xi32>
// CHECK-GENERIC-LABEL: func.func @depthwise
// CHECK-GENERIC-NOT: vector
func.func @depthwise(%x: tensor<1x6x6x24x!x>) -> tensor<1x4x4x24x!y> {
  %ws = arith.constant dense<3> : tensor<3x3x1x24xi8>
  %w = quant.scast %ws : tensor<3x3x1x24xi8> to tensor<3x3x1x24x!w>
  %y = qnn.conv2d %x, %w layout = nhwc {groups = 24 : i64}
      : (tensor<1x6x6x24x!x>, tensor<3x3x1x24x!w>) -> tensor<1x4x4x24x!y>
  return %y : tensor<1x4x4x24x!y>
}
