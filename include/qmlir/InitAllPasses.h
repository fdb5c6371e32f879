//===- InitAllPasses.h - Every pass quant-opt offers ------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_INITALLPASSES_H
#define QMLIR_INITALLPASSES_H

#include "qmlir/Codegen/Passes.h"
#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Pipelines/Pipelines.h"

#include "mlir/InitAllPasses.h"

namespace qmlir {

/// Registers every upstream pass, every qmlir pass and pipeline, and the
/// old names of renamed passes, for textual pipelines and the command line.
inline void registerAllPasses() {
  mlir::registerAllPasses();
  registerQMLIRConversionPasses();
  registerQMLIRCodegenPasses();
  registerCodegenPassAliases();
  qnn::registerQNNPasses();
  registerQMLIRPipelines();
}

} // namespace qmlir

#endif // QMLIR_INITALLPASSES_H
