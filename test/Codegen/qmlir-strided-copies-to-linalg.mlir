// RUN: quant-opt %s --qmlir-strided-copies-to-linalg | FileCheck %s

// Strided copies become linalg.copy (loops, no runtime library); contiguous
// ones stay memref.copy (llvm.memcpy).

// CHECK-LABEL: func.func @copies
// CHECK: linalg.copy ins(%{{.*}} : memref<2x2xf32, strided<[4, 1]>>) outs(%{{.*}} : memref<2x2xf32>)
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<2x2xf32> to memref<2x2xf32>
// CHECK-NOT: linalg.copy
func.func @copies(%a: memref<4x4xf32>, %b: memref<2x2xf32>, %c: memref<2x2xf32>) {
  %s = memref.subview %a[0, 0] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
  memref.copy %s, %b : memref<2x2xf32, strided<[4, 1]>> to memref<2x2xf32>
  memref.copy %b, %c : memref<2x2xf32> to memref<2x2xf32>
  return
}
