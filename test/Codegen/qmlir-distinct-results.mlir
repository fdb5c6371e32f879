// RUN: quant-opt %s -split-input-file --qmlir-distinct-results | FileCheck %s

// A buffer returned twice is copied for its second result; other results
// stay as they are.

// CHECK-LABEL: func.func @twice
// CHECK: %[[A:.*]] = memref.alloc() : memref<1x4xf32>
// CHECK: %[[C:.*]] = memref.alloc() : memref<1x4xf32>
// CHECK: memref.copy %[[A]], %[[C]]
// CHECK: return %[[A]], %arg0, %[[C]]
func.func @twice(%arg0: memref<1x4xf32>) -> (memref<1x4xf32>, memref<1x4xf32>, memref<1x4xf32>) {
  %a = memref.alloc() : memref<1x4xf32>
  return %a, %arg0, %a : memref<1x4xf32>, memref<1x4xf32>, memref<1x4xf32>
}

// -----

// CHECK-LABEL: func.func @dynamic
// CHECK: %[[D:.*]] = memref.dim %arg0, %c0
// CHECK: %[[C:.*]] = memref.alloc(%[[D]]) : memref<?xf32>
// CHECK: memref.copy %arg0, %[[C]]
// CHECK: return %arg0, %[[C]]
func.func @dynamic(%arg0: memref<?xf32>) -> (memref<?xf32>, memref<?xf32>) {
  return %arg0, %arg0 : memref<?xf32>, memref<?xf32>
}
