//===- Passes.h - qmlir target codegen passes -------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CODEGEN_PASSES_H
#define QMLIR_CODEGEN_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace qmlir {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "qmlir/Codegen/Passes.h.inc"

} // namespace qmlir

#endif // QMLIR_CODEGEN_PASSES_H
