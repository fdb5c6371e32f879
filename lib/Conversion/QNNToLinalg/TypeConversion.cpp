//===- TypeConversion.cpp - Quantized types to storage types ----*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/QNNToLinalg/QNNToLinalg.h"

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

QuantStorageTypeConverter::QuantStorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion(
      [](quant::QuantizedType type) -> Type { return type.getStorageType(); });
  addConversion([](RankedTensorType type) -> Type {
    if (auto q = dyn_cast<quant::QuantizedType>(type.getElementType()))
      return type.clone(q.getStorageType());
    return type;
  });
}

namespace {

/// Retypes any other op (returns, calls, layout ops such as
/// tensor.expand_shape or linalg.transpose) whose types mention quantized
/// types, converting region signatures too.
struct RetypeOp : ConversionPattern {
  RetypeOp(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<QNNDialect, quant::QuantDialect>(op->getDialect()) ||
        isa<FunctionOpInterface>(op))
      return failure();
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs(), op->getSuccessors());
    for (Region &region : op->getRegions()) {
      Region *newRegion = state.addRegion();
      rewriter.inlineRegionBefore(region, *newRegion, newRegion->begin());
      if (failed(rewriter.convertRegionTypes(newRegion, *getTypeConverter())))
        return failure();
    }
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

} // namespace

void qmlir::populateQuantTypeConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<RetypeOp>(typeConverter, patterns.getContext());
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 typeConverter);
}

void qmlir::configureQNNToLinalgTarget(ConversionTarget &target,
                                       const TypeConverter &typeConverter) {
  target.addIllegalDialect<QNNDialect, quant::QuantDialect>();
  target.markUnknownOpDynamicallyLegal([&typeConverter](Operation *op) {
    if (auto func = dyn_cast<FunctionOpInterface>(op)) {
      // Non-builtin function types (llvm.func) carry no quantized types.
      auto type = dyn_cast<FunctionType>(func.getFunctionType());
      return (!type || typeConverter.isSignatureLegal(type)) &&
             typeConverter.isLegal(&func.getFunctionBody());
    }
    return typeConverter.isLegal(op) &&
           llvm::all_of(op->getRegions(), [&](Region &region) {
             return typeConverter.isLegal(&region);
           });
  });
}
