//===- Passes.h - qnn transformation passes ---------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H
#define QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qmlir::qnn {

/// Name of the attribute holding a function's tensor signature.
inline constexpr llvm::StringLiteral kSignatureAttrName = "qnn.signature";

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H
