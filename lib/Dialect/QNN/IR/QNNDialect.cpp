//===- QNNDialect.cpp - qnn dialect -----------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace qmlir::qnn;

#include "qmlir/Dialect/QNN/IR/QNNEnums.cpp.inc"
#include "qmlir/Dialect/QNN/IR/QNNOpsDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "qmlir/Dialect/QNN/IR/QNNAttrs.cpp.inc"

void QNNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qmlir/Dialect/QNN/IR/QNNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "qmlir/Dialect/QNN/IR/QNNOps.cpp.inc"
      >();
}
