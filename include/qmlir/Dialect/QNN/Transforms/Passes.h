//===- Passes.h - qnn transformation passes ---------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H
#define QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Support/EnumOption.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/CommandLine.h"

namespace qmlir::qnn {

/// Storage type of quantized activations.
enum class ActivationType { I8, U8 };
/// How a calibrated range becomes an activation's scale and zero point.
enum class ActivationScheme { Asymmetric, Symmetric };
/// Whether weights get one scale per output channel or one per tensor.
enum class WeightGranularity { PerChannel, PerTensor };

// The spellings of the enum options, shared by qnn-quantize and
// qnn-quantize-pipeline.
inline llvm::cl::ValuesClass activationTypeValues() {
  return llvm::cl::values(
      clEnumValN(ActivationType::I8, "i8", "Signed 8 bits (default)"),
      clEnumValN(ActivationType::U8, "u8", "Unsigned 8 bits"));
}
inline llvm::cl::ValuesClass activationSchemeValues() {
  return llvm::cl::values(clEnumValN(ActivationScheme::Asymmetric, "asymmetric",
                                     "Zero point from the range (default)"),
                          clEnumValN(ActivationScheme::Symmetric, "symmetric",
                                     "Zero point 0 (128 for u8)"));
}
inline llvm::cl::ValuesClass weightGranularityValues() {
  return llvm::cl::values(clEnumValN(WeightGranularity::PerChannel,
                                     "per-channel",
                                     "One scale per output channel (default)"),
                          clEnumValN(WeightGranularity::PerTensor, "per-tensor",
                                     "One scale per tensor"));
}
inline llvm::cl::ValuesClass roundingModeValues() {
  return llvm::cl::values(clEnumValN(RoundingMode::FixedPoint, "fixedpoint",
                                     "Q31 multiplier and shift (default)"),
                          clEnumValN(RoundingMode::FP32, "fp32",
                                     "f32 multiplier, rounded half to even"));
}

} // namespace qmlir::qnn

QMLIR_DECLARE_ENUM_OPTION_PARSER(qmlir::qnn::ActivationType)
QMLIR_DECLARE_ENUM_OPTION_PARSER(qmlir::qnn::ActivationScheme)
QMLIR_DECLARE_ENUM_OPTION_PARSER(qmlir::qnn::WeightGranularity)
QMLIR_DECLARE_ENUM_OPTION_PARSER(qmlir::qnn::RoundingMode)

namespace qmlir::qnn {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H
