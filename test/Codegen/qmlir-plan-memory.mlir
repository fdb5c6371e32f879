// RUN: quant-opt %s -split-input-file --qmlir-plan-memory | FileCheck %s
// RUN: quant-opt %s -split-input-file --qmlir-plan-memory=alignment=16 | FileCheck %s --check-prefix=A16

// Three buffers in a chain: the first and the third are never alive at the
// same time and share offset 0; the second sits beside them.

// CHECK-LABEL: func.func @chain_workspace(
// CHECK-SAME: %arg0: memref<16xf32>, %arg1: memref<16xf32>, %arg2: memref<128xi8>)
// CHECK-SAME: llvm.emit_c_interface
// CHECK-SAME: qnn.workspace_bytes = 128 : i64
// CHECK: %[[A:.*]] = memref.view %arg2[%[[C0:.*]]][] : memref<128xi8> to memref<16xf32>
// CHECK: memref.copy %arg0, %[[A]]
// CHECK: %[[B:.*]] = memref.view %arg2[%[[C64:.*]]][] : memref<128xi8> to memref<16xf32>
// CHECK: memref.copy %[[A]], %[[B]]
// CHECK: %[[C:.*]] = memref.view %arg2[%[[C0B:.*]]][] : memref<128xi8> to memref<16xf32>
// CHECK: memref.copy %[[B]], %[[C]]
// CHECK: memref.copy %[[C]], %arg1
// CHECK-NOT: memref.alloc
// CHECK: memref.global "private" @__qmlir_workspace_chain : memref<128xi8> = uninitialized {alignment = 64 : i64}
// CHECK-LABEL: func.func @chain(
// CHECK-SAME: %arg0: memref<16xf32>, %arg1: memref<16xf32>)
// CHECK-SAME: llvm.emit_c_interface
// CHECK-SAME: qnn.signature = (tensor<16xf32>) -> tensor<16xf32>
// CHECK-SAME: qnn.workspace_bytes = 128 : i64
// CHECK-NEXT: %[[W:.*]] = memref.get_global @__qmlir_workspace_chain : memref<128xi8>
// CHECK-NEXT: call @chain_workspace(%arg0, %arg1, %[[W]])
// CHECK-NEXT: return
func.func @chain(%in: memref<16xf32>, %out: memref<16xf32>)
    attributes {llvm.emit_c_interface, qnn.signature = (tensor<16xf32>) -> tensor<16xf32>} {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %a, %b : memref<16xf32> to memref<16xf32>
  %c = memref.alloc() : memref<16xf32>
  memref.copy %b, %c : memref<16xf32> to memref<16xf32>
  memref.copy %c, %out : memref<16xf32> to memref<16xf32>
  return
}

// -----

// Offsets are aligned: a 100-byte buffer pushes the next one to 128 (to
// 112 with alignment=16), and the workspace size is rounded up too.

// CHECK-LABEL: func.func @align_workspace(
// CHECK-SAME: memref<192xi8>
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: memref.view %arg2[%[[C0]]][] : memref<192xi8> to memref<100xi8>
// CHECK: %[[C128:.*]] = arith.constant 128 : index
// CHECK: memref.view %arg2[%[[C128]]][] : memref<192xi8> to memref<1xi32>
// A16-LABEL: func.func @align_workspace(
// A16-SAME: memref<128xi8>
// A16: %[[C112:.*]] = arith.constant 112 : index
// A16: memref.view %arg2[%[[C112]]][] : memref<128xi8> to memref<1xi32>
// A16: memref.global "private" @__qmlir_workspace_align : memref<128xi8> = uninitialized {alignment = 16 : i64}
func.func @align(%in: memref<100xi8>, %out: memref<1xi32>) {
  %a = memref.alloc() : memref<100xi8>
  memref.copy %in, %a : memref<100xi8> to memref<100xi8>
  %b = memref.alloc() : memref<1xi32>
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (0)>],
                  iterator_types = ["reduction"]}
      ins(%a : memref<100xi8>) outs(%b : memref<1xi32>) {
  ^bb0(%x: i8, %acc: i32):
    %e = arith.extsi %x : i8 to i32
    %s = arith.addi %acc, %e : i32
    linalg.yield %s : i32
  }
  memref.copy %b, %out : memref<1xi32> to memref<1xi32>
  return
}

// -----

// A buffer stays alive through its aliases: here the result of the loop
// that carries it, used after the second buffer is written, so the two
// cannot share bytes. Uses inside the loop count as uses at the loop.

// CHECK-LABEL: func.func @loop_carried_workspace(
// CHECK-SAME: memref<128xi8>
// CHECK: memref.view %arg2[%{{.*}}][] : memref<128xi8> to memref<4xf32>
// CHECK: scf.for
// CHECK: memref.view %arg2[%[[C64:.*]]][] : memref<128xi8> to memref<4xf32>
func.func @loop_carried(%in: memref<4xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %a = memref.alloc() : memref<4xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%x = %a) -> (memref<4xf32>) {
    memref.copy %in, %x : memref<4xf32> to memref<4xf32>
    scf.yield %x : memref<4xf32>
  }
  %b = memref.alloc() : memref<4xf32>
  memref.copy %in, %b : memref<4xf32> to memref<4xf32>
  memref.copy %r, %out : memref<4xf32> to memref<4xf32>
  memref.copy %b, %out : memref<4xf32> to memref<4xf32>
  return
}

// -----

// Left to the allocator: a dynamic shape, a non-identity layout, an
// allocation inside a loop, a returned buffer, one the code frees itself,
// and a private function. Nothing planned, nothing changed.

// CHECK-LABEL: func.func @kept(
// CHECK-NOT: memref.view
// CHECK-NOT: workspace
// CHECK: memref.alloc(%arg0) : memref<?xf32>
// CHECK: memref.alloc() : memref<4xf32, strided<[2]>>
// CHECK: scf.for
// CHECK: memref.alloc() : memref<4xf32>
// CHECK: memref.alloc() : memref<8xf32>
// CHECK: memref.alloc() : memref<2xf32>
// CHECK: memref.dealloc
// CHECK: return
// CHECK-LABEL: func.func private @helper(
// CHECK: memref.alloc() : memref<4xf32>
// CHECK-NOT: memref.global
func.func @kept(%n: index, %out: memref<4xf32>) -> memref<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d = memref.alloc(%n) : memref<?xf32>
  %s = memref.alloc() : memref<4xf32, strided<[2]>>
  scf.for %i = %c0 to %n step %c1 {
    %l = memref.alloc() : memref<4xf32>
    memref.copy %l, %out : memref<4xf32> to memref<4xf32>
  }
  %r = memref.alloc() : memref<8xf32>
  %f = memref.alloc() : memref<2xf32>
  memref.dealloc %f : memref<2xf32>
  return %r : memref<8xf32>
}
func.func private @helper(%out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  memref.copy %a, %out : memref<4xf32> to memref<4xf32>
  return
}
