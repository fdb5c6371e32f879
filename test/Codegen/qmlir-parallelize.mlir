// RUN: quant-opt %s -split-input-file --qmlir-parallelize=min-iterations=32768 | FileCheck %s
// RUN: quant-opt %s -split-input-file --qmlir-parallelize=min-iterations=1000000 | FileCheck %s --check-prefix=HIGH

// A kernel's tile loops: the outermost marked loop becomes a worksharing
// loop in a parallel region, its buffer read from outside; the marked loop
// inside it stays sequential. The region moves to an internal function,
// called in its place, taking what it uses (constants are rematerialized).
// CHECK-LABEL: func.func @kernel
// CHECK-SAME: (%[[OUT:.*]]: memref<4x8xf32>)
// CHECK-NOT: omp.
// CHECK: call @kernel_parallel(%[[OUT]]) : (memref<4x8xf32>) -> ()
// CHECK-NEXT: return
// CHECK: func.func private @kernel_parallel(%arg0: memref<4x8xf32>)
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK: omp.parallel {
// CHECK-NEXT: omp.wsloop {
// CHECK-NEXT: omp.loop_nest (%[[I:.*]]) : index = (%c0) to (%c4) step (%c1) {
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %arg0)
// CHECK: memref.store {{.*}}, %{{.*}}[%[[I]], %{{.*}}]
// CHECK: } {qmlir.parallel_tiles}
// CHECK-NEXT: omp.yield
// CHECK: omp.terminator
// CHECK-NOT: omp.parallel
func.func @kernel(%out: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %v = arith.constant 1.0 : f32
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %out) -> (memref<4x8xf32>) {
    %s = scf.for %j = %c0 to %c8 step %c1 iter_args(%b = %a) -> (memref<4x8xf32>) {
      memref.store %v, %b[%i, %j] : memref<4x8xf32>
      scf.yield %b : memref<4x8xf32>
    } {qmlir.parallel_tiles}
    scf.yield %s : memref<4x8xf32>
  } {qmlir.parallel_tiles}
  return
}

// -----

// A loop that carries a value other than the buffer it writes stays.
// CHECK-LABEL: func.func @carries_a_value
// CHECK-NOT: omp.
// CHECK: scf.for
func.func @carries_a_value(%out: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant 0.0 : f32
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %z) -> (f32) {
    %x = memref.load %out[%i] : memref<4xf32>
    %s = arith.addf %a, %x : f32
    scf.yield %s : f32
  } {qmlir.parallel_tiles}
  return %r : f32
}

// -----

// A large elementwise op: loops, the outermost non-unit one (over d1) on
// threads. A small op stays for the sequential lowering; a large one whose
// outermost loop is a reduction becomes sequential loops.
// CHECK-LABEL: func.func @linalg
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %c1 step
// CHECK-NEXT: call @linalg_parallel(%[[N]], %arg0, %arg1)
// CHECK: linalg.generic {{.*}} ins(%arg2 : memref<4xf32>)
// CHECK-NOT: omp.
// CHECK: scf.for %{{.*}} = %{{.*}} to %c512
// CHECK: scf.for %{{.*}} = %{{.*}} to %c128
// CHECK: arith.addf
// CHECK: func.func private @linalg_parallel
// CHECK: omp.parallel
// CHECK: omp.loop_nest (%{{.*}}) : index = (%{{.*}}) to (%c256{{.*}}) step
// CHECK: scf.for
// CHECK: arith.maximumf
// HIGH-LABEL: func.func @linalg
// HIGH-NOT: omp.
// HIGH: linalg.generic
// HIGH: linalg.generic
// HIGH: linalg.generic
func.func @linalg(%x: memref<1x256x256xf32>, %y: memref<1x256x256xf32>, %s: memref<4xf32>, %t: memref<4xf32>, %r: memref<512x128xf32>, %q: memref<128xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : memref<1x256x256xf32>) outs(%y : memref<1x256x256xf32>) {
  ^bb0(%a: f32, %b: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%s : memref<4xf32>) outs(%t : memref<4xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]} ins(%r : memref<512x128xf32>) outs(%q : memref<128xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s2 = arith.addf %a, %b : f32
    linalg.yield %s2 : f32
  }
  return
}
