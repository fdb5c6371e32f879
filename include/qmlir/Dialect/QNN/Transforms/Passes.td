//===- Passes.td - qnn transformation passes ---------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD
#define QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QNNExportABI : Pass<"qnn-export-abi", "::mlir::ModuleOp"> {
  let summary = "Mark public functions as entry points of compiled code";
  let description = [{
    Gives every public `func.func` the `llvm.emit_c_interface` attribute and
    records its tensor signature as `qnn.signature`, a `FunctionType` that
    survives the lowering to the LLVM dialect. Runners (`quant-run`, the
    executables of `quant-compile`) read it to know element types, storage
    types and shapes once the function takes memref descriptors.

    The compiled ABI, after `qnn-lower-to-llvm`, is
    `void _mlir_ciface_<name>(inputs..., outputs...)`, every argument a
    pointer to a memref descriptor, results written into caller-allocated
    buffers.
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Only this function (default: every public function)">,
  ];
}

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD
