//===- QNNToLinalgPass.cpp - convert-qnn-to-linalg --------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace qmlir {
#define GEN_PASS_DEF_CONVERTQNNTOLINALG
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;

void qmlir::populateQNNToLinalgConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  populateQNNContractionLoweringPatterns(typeConverter, patterns);
  populateQNNElementwiseLoweringPatterns(typeConverter, patterns);
  populateQNNPoolingLoweringPatterns(typeConverter, patterns);
  populateQNNDataMovementLoweringPatterns(typeConverter, patterns);
  populateQuantCastLoweringPatterns(typeConverter, patterns);
  populateQuantTypeConversionPatterns(typeConverter, patterns);
}

namespace {

struct ConvertQNNToLinalgPass
    : qmlir::impl::ConvertQNNToLinalgBase<ConvertQNNToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    QuantStorageTypeConverter converter;
    ConversionTarget target(*ctx);
    configureQNNToLinalgTarget(target, converter);
    RewritePatternSet patterns(ctx);
    populateQNNToLinalgConversionPatterns(converter, patterns);
    // Upstream folds dcast(qcast(x)) to x, which skips the rounding and
    // clamping the pair stands for: lower every op as written.
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
