// RUN: quant-opt %s -split-input-file --qmlir-export-abi | FileCheck %s
// RUN: quant-opt %s -split-input-file --qmlir-export-abi=entry=other | FileCheck %s --check-prefix=ENTRY
// An entry no case defines is an error, not a module left as it was.
// RUN: not quant-opt %s -split-input-file --qmlir-export-abi=entry=nope 2>&1 | FileCheck %s --check-prefix=NOENTRY
// NOENTRY: error: qmlir-export-abi: no function named 'nope'

// Public functions get the C interface and their tensor signature.

// CHECK-LABEL: func.func @main
// CHECK-SAME: attributes {llvm.emit_c_interface, qnn.signature = (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)}
// CHECK: %[[S:.*]] = arith.addf
// CHECK: return %[[S]], %[[S]]
// ENTRY-LABEL: func.func @main
// ENTRY-NOT: llvm.emit_c_interface
func.func @main(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %s = arith.addf %a, %a : tensor<4xf32>
  return %s, %s : tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func private @helper
// CHECK-NOT: qnn.signature
func.func private @helper(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}

// CHECK-LABEL: func.func @other
// ENTRY-LABEL: func.func @other
// ENTRY-SAME: llvm.emit_c_interface
func.func @other(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}
