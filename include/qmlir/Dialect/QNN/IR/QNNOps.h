//===- QNNOps.h - qnn operations --------------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNOPS_H
#define QMLIR_DIALECT_QNN_IR_QNNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

#define GET_OP_CLASSES
#include "qmlir/Dialect/QNN/IR/QNNOps.h.inc"

#endif // QMLIR_DIALECT_QNN_IR_QNNOPS_H
