//===- Passes.h - qmlir target codegen passes -------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CODEGEN_PASSES_H
#define QMLIR_CODEGEN_PASSES_H

#include "qmlir/Codegen/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace qmlir {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "qmlir/Codegen/Passes.h.inc"

/// Registers the names these passes had before they were renamed
/// (qnn-int8-kernels, qnn-export-abi, qnn-strided-copies-to-linalg): each
/// runs the renamed pass with the same options and warns once. They go in
/// the next release.
void registerCodegenPassAliases();

} // namespace qmlir

#endif // QMLIR_CODEGEN_PASSES_H
