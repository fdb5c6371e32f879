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
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Kernel target of the int8 contractions: host, generic, "
                     "x86-64-v3 (avx2), avx-vnni, avx512-vnni, "
                     "aarch64-dotprod, aarch64-i8mm"),
      llvm::cl::init("host")};
};

struct QuantizeOptions : public mlir::PassPipelineOptions<QuantizeOptions> {
  Option<std::string> stats{*this, "stats",
                            llvm::cl::desc("Statistics from quant-calibrate")};
  Option<std::string> method{
      *this, "method",
      llvm::cl::desc("Range method for every tensor (minmax, ema, "
                     "percentile[:P], mse, kl); default: the stats file's")};
  Option<std::string> activationScheme{
      *this, "activation-scheme",
      llvm::cl::desc("asymmetric (default) or symmetric"),
      llvm::cl::init("asymmetric")};
  Option<std::string> activationType{*this, "activation-type",
                                     llvm::cl::desc("i8 (default) or u8"),
                                     llvm::cl::init("i8")};
  Option<std::string> weightGranularity{
      *this, "weight-granularity",
      llvm::cl::desc("per-channel (default) or per-tensor"),
      llvm::cl::init("per-channel")};
  Option<std::string> rounding{*this, "rounding",
                               llvm::cl::desc("fixedpoint (default) or fp32"),
                               llvm::cl::init("fixedpoint")};
  ListOption<std::string> skip{
      *this, "skip",
      llvm::cl::desc("Ids or location names of ops to keep in float")};
  Option<bool> strict{*this, "strict",
                      llvm::cl::desc("Fail on an op that cannot be quantized"),
                      llvm::cl::init(false)};
};

/// What calibration and quantization both run first, so that their ids
/// agree: QDQ pairs to fake_quant, TOSA to linalg, canonicalization.
void buildNormalizePipeline(mlir::OpPassManager &pm);

/// Float linalg/TOSA to qnn: normalize, qnn-instrument, qnn-quantize,
/// canonicalize.
void buildQuantizePipeline(mlir::OpPassManager &pm,
                           const QuantizeOptions &options);

/// Float (linalg, TOSA), qnn or integer modules to the LLVM dialect for the
/// host, with the ABI of `qnn-export-abi`. Built only from registered passes.
mlir::LogicalResult buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                                             const LowerToLLVMOptions &options);

/// Registers `qnn-lower-to-llvm` and `qnn-quantize-pipeline`.
void registerQMLIRPipelines();

/// Registers every upstream pass, every qmlir pass and the qmlir pipelines:
/// what textual pipelines (and so buildLowerToLLVMPipeline) need.
void registerAllQMLIRPasses();

} // namespace qmlir

#endif // QMLIR_PIPELINES_PIPELINES_H
