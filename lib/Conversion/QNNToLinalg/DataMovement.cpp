//===- DataMovement.cpp - qnn.concat ----------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/QNNToLinalg/QNNToLinalg.h"

#include "Requantize.h"
#include "Utils.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

using utils::IteratorType;

namespace {

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    SmallVector<Value> parts;
    for (auto [original, converted] :
         llvm::zip_equal(op.getInputs(), adaptor.getInputs())) {
      auto type = cast<RankedTensorType>(original.getType());
      if (type.getElementType() == op.getType().getElementType()) {
        parts.push_back(converted);
        continue;
      }
      FailureOr<Value> requantized = requantizeTensor(
          b, op, converted, type, type.clone(op.getType().getElementType()),
          op.getRounding());
      if (failed(requantized))
        return failure();
      parts.push_back(*requantized);
    }
    Type resultType = getTypeConverter()->convertType(op.getType());
    rewriter.replaceOpWithNewOp<tensor::ConcatOp>(
        op, resultType, op.getDimAttr().getInt(), parts);
    return success();
  }
};

} // namespace

void qmlir::populateQNNDataMovementLoweringPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<ConcatLowering>(typeConverter, patterns.getContext());
}
