/*===- qmlir-c/Dialects.h - qmlir's C API --------------------------*- C -*-===*\
|*                                                                            *|
|* Part of the qmlir project.                                                 *|
|*                                                                            *|
|* In the style of MLIR's C API (mlir-c/): the qnn dialect handle, and        *|
|* registration of everything quant-opt knows. Pipelines run through          *|
|* mlir-c/Pass.h: mlirParsePassPipeline with                                  *|
|* "builtin.module(qnn-quantize-pipeline{stats=...})" or qnn-lower-to-llvm.   *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef QMLIR_C_DIALECTS_H
#define QMLIR_C_DIALECTS_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(QNN, qnn);

/// Adds qnn and every upstream dialect and extension quant-opt registers.
MLIR_CAPI_EXPORTED void qmlirRegisterAllDialects(MlirDialectRegistry registry);

/// Registers upstream's and qmlir's passes and pipelines (once per process).
MLIR_CAPI_EXPORTED void qmlirRegisterAllPasses(void);

#ifdef __cplusplus
}
#endif

#endif // QMLIR_C_DIALECTS_H
