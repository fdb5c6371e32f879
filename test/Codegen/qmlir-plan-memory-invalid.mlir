// RUN: quant-opt %s -split-input-file -verify-diagnostics --qmlir-plan-memory
// RUN: not quant-opt %s -split-input-file --qmlir-plan-memory=alignment=48 2>&1 | FileCheck %s --check-prefix=ALIGN

// ALIGN: error: qmlir-plan-memory: alignment must be a power of two, got 48

// expected-error @below {{qmlir-plan-memory: cannot name the body of @main @main_workspace: the symbol exists}}
func.func @main(%out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  memref.copy %a, %out : memref<4xf32> to memref<4xf32>
  return
}
func.func private @main_workspace()
