//===- Pipelines.h - qmlir pass pipelines -----------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_PIPELINES_PIPELINES_H
#define QMLIR_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace qmlir {

struct LowerToLLVMOptions
    : public mlir::PassPipelineOptions<LowerToLLVMOptions> {
  Option<std::string> entry{*this, "entry",
                            llvm::cl::desc("Only export this function "
                                           "(default: every public one)"),
                            llvm::cl::init("")};
};

/// Float (linalg, TOSA), qnn or integer modules to the LLVM dialect for the
/// host, with the ABI of `qnn-export-abi`. Built only from registered passes.
mlir::LogicalResult buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                                             const LowerToLLVMOptions &options);

/// Registers `qnn-lower-to-llvm`.
void registerQMLIRPipelines();

/// Registers every upstream pass, every qmlir pass and the qmlir pipelines:
/// what textual pipelines (and so buildLowerToLLVMPipeline) need.
void registerAllQMLIRPasses();

} // namespace qmlir

#endif // QMLIR_PIPELINES_PIPELINES_H
