//===- InitAllDialects.h - Every dialect qmlir's tools read -----*- C++ -*-===//
//
// Part of the qmlir project.
//
// Users feed the tools linalg and TOSA models and mix upstream dialects with
// qnn, so the tools register every upstream dialect and extension.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_INITALLDIALECTS_H
#define QMLIR_INITALLDIALECTS_H

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"

namespace qmlir {

/// Adds every upstream dialect and extension, and qnn, to `registry`.
inline void registerAllDialects(mlir::DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<qnn::QNNDialect>();
}

} // namespace qmlir

#endif // QMLIR_INITALLDIALECTS_H
