//===- Pipelines.h - qmlir pass pipelines -----------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_PIPELINES_PIPELINES_H
#define QMLIR_PIPELINES_PIPELINES_H

#include "qmlir/Codegen/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace qmlir {

struct LowerToLLVMOptions
    : public mlir::PassPipelineOptions<LowerToLLVMOptions> {
  Option<std::string> entry{*this, "entry",
                            llvm::cl::desc("Only export this function "
                                           "(default: every public one)"),
                            llvm::cl::init("")};
  Option<KernelTarget> target{
      *this, "target",
      llvm::cl::desc("Kernel target of the int8 contractions (default: "
                     "host, the widest this machine runs)"),
      llvm::cl::init(hostKernelTarget()), KernelTargetValues()};
  Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Run the outermost tile loop of each kernel on OpenMP "
                     "threads (the code then calls libomp); results are the "
                     "same for any thread count"),
      llvm::cl::init(false)};
};

struct QuantizeOptions : public mlir::PassPipelineOptions<QuantizeOptions> {
  Option<std::string> stats{*this, "stats",
                            llvm::cl::desc("Statistics from quant-calibrate")};
  Option<std::string> method{
      *this, "method",
      llvm::cl::desc("Range method for every tensor (minmax, ema, "
                     "percentile[:P], mse, kl); default: the stats file's")};
  Option<qnn::ActivationScheme> activationScheme{
      *this, "activation-scheme",
      llvm::cl::desc("How ranges become activation parameters: asymmetric "
                     "(zero point from the range) or symmetric"),
      llvm::cl::init(qnn::ActivationScheme::Asymmetric),
      qnn::activationSchemeValues()};
  Option<qnn::ActivationType> activationType{
      *this, "activation-type", llvm::cl::desc("Activation storage: i8 or u8"),
      llvm::cl::init(qnn::ActivationType::I8), qnn::activationTypeValues()};
  Option<qnn::WeightGranularity> weightGranularity{
      *this, "weight-granularity",
      llvm::cl::desc("Scales of quantized weights: per-channel or per-tensor"),
      llvm::cl::init(qnn::WeightGranularity::PerChannel),
      qnn::weightGranularityValues()};
  Option<qnn::RoundingMode> rounding{
      *this, "rounding",
      llvm::cl::desc("Rounding mode of the qnn ops: fixedpoint or fp32"),
      llvm::cl::init(qnn::RoundingMode::FixedPoint), qnn::roundingModeValues()};
  ListOption<std::string> skip{
      *this, "skip",
      llvm::cl::desc("Ids or location names of ops to keep in float")};
  Option<bool> strict{*this, "strict",
                      llvm::cl::desc("Fail on an op that cannot be quantized"),
                      llvm::cl::init(false)};
  Option<bool> observe{
      *this, "observe",
      llvm::cl::desc("Keep a qnn.observe on every tensor, on its quantized "
                     "twin when it has one (quant-report)"),
      llvm::cl::init(false)};
  Option<bool> biasCorrection{
      *this, "bias-correction",
      llvm::cl::desc("Subtract the weights' mean quantization error on the "
                     "calibration data from each contraction's bias"),
      llvm::cl::init(false)};

  /// The options of qnn-quantize these stand for.
  qnn::QNNQuantizeOptions quantizeOptions() const;
};

/// What calibration and quantization both run first, so that their ids
/// agree: QDQ pairs to fake_quant, TOSA to linalg, canonicalization.
void buildNormalizePipeline(mlir::OpPassManager &pm);

/// Float linalg/TOSA to qnn: normalize, qnn-instrument, qnn-quantize,
/// canonicalize.
void buildQuantizePipeline(mlir::OpPassManager &pm,
                           const QuantizeOptions &options);

/// Float (linalg, TOSA), qnn or integer modules to the LLVM dialect, with
/// the ABI of `qmlir-export-abi` and int8 kernels for `options.target`.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const LowerToLLVMOptions &options);

/// Registers `qnn-lower-to-llvm` and `qnn-quantize-pipeline`.
void registerQMLIRPipelines();

} // namespace qmlir

#endif // QMLIR_PIPELINES_PIPELINES_H
