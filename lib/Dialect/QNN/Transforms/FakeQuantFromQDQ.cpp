//===- FakeQuantFromQDQ.cpp - QDQ pairs to fake_quant -----------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNFAKEQUANTFROMQDQ
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir::qnn;

namespace {
struct FakeQuantFromQDQPass
    : qmlir::qnn::impl::QNNFakeQuantFromQDQBase<FakeQuantFromQDQPass> {
  void runOnOperation() override {
    getOperation().walk([](quant::DequantizeCastOp dcast) {
      auto qcast = dcast.getInput().getDefiningOp<quant::QuantizeCastOp>();
      if (!qcast || qcast.getInput().getType() != dcast.getType() ||
          !isa<RankedTensorType>(dcast.getType()))
        return;
      Type element = getElementTypeOrSelf(qcast.getType());
      if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
              element))
        return;
      // A qcast with other users stays for them; this pair's value is the
      // fake_quant's either way.
      OpBuilder b(dcast);
      auto fq = FakeQuantOp::create(b, dcast.getLoc(), dcast.getType(),
                                    qcast.getInput());
      fq.setQtypeAttr(TypeAttr::get(element));
      dcast.replaceAllUsesWith(fq.getResult());
      dcast.erase();
      if (qcast->use_empty())
        qcast.erase();
    });
  }
};
} // namespace
