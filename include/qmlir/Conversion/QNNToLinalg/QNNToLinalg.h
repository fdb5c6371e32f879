//===- QNNToLinalg.h - qnn to integer linalg --------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
#define QMLIR_CONVERSION_QNNTOLINALG_QNNTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"

namespace qmlir {

/// Converts `!quant.uniform` element types (in tensors or as scalars) to
/// their signless storage integer types; leaves every other type alone.
class QuantStorageTypeConverter : public mlir::TypeConverter {
public:
  QuantStorageTypeConverter();
};

/// Patterns lowering qnn ops and quant.qcast/dcast/scast to linalg, arith,
/// math and tensor ops on storage integers, plus the structural patterns that
/// retype functions, calls, returns and layout ops: all of the below.
void populateQNNToLinalgConversionPatterns(
    const mlir::TypeConverter &typeConverter,
    mlir::RewritePatternSet &patterns);

/// qnn.matmul and qnn.conv2d: i32 accumulation, zero-point corrections,
/// bias, requantization (Contractions.cpp).
void populateQNNContractionLoweringPatterns(
    const mlir::TypeConverter &typeConverter,
    mlir::RewritePatternSet &patterns);

/// qnn.requantize, qnn.add, qnn.mul, qnn.clamp (Elementwise.cpp).
void populateQNNElementwiseLoweringPatterns(
    const mlir::TypeConverter &typeConverter,
    mlir::RewritePatternSet &patterns);

/// qnn.max_pool2d, qnn.avg_pool2d (Pooling.cpp).
void populateQNNPoolingLoweringPatterns(
    const mlir::TypeConverter &typeConverter,
    mlir::RewritePatternSet &patterns);

/// qnn.concat (DataMovement.cpp).
void populateQNNDataMovementLoweringPatterns(
    const mlir::TypeConverter &typeConverter,
    mlir::RewritePatternSet &patterns);

/// quant.qcast, quant.dcast, quant.scast, qnn.fake_quant, qnn.observe
/// (Casts.cpp).
void populateQuantCastLoweringPatterns(const mlir::TypeConverter &typeConverter,
                                       mlir::RewritePatternSet &patterns);

/// Retypes functions and every other op whose types mention quantized types
/// (TypeConversion.cpp).
void populateQuantTypeConversionPatterns(
    const mlir::TypeConverter &typeConverter,
    mlir::RewritePatternSet &patterns);

/// Legality for a full removal of quantized types: qnn and quant illegal,
/// every other op legal once its types are.
void configureQNNToLinalgTarget(mlir::ConversionTarget &target,
                                const mlir::TypeConverter &typeConverter);

} // namespace qmlir

#endif // QMLIR_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
