//===- Dialects.cpp - qmlir's C API -----------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir-c/Dialects.h"

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/InitAllDialects.h"
#include "qmlir/InitAllPasses.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(QNN, qnn, qmlir::qnn::QNNDialect)

void qmlirRegisterAllDialects(MlirDialectRegistry registry) {
  qmlir::registerAllDialects(*unwrap(registry));
}

void qmlirRegisterAllPasses(void) { qmlir::registerAllPasses(); }
