//===- FeedObserved.cpp - Observed tensors from arguments -------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "qmlir/ABI/ABI.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

namespace qmlir::qnn {
#define GEN_PASS_DEF_QNNFEEDOBSERVED
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir::qnn;

namespace {
struct FeedObservedPass
    : qmlir::qnn::impl::QNNFeedObservedBase<FeedObservedPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      SmallVector<ObserveOp> probes;
      func.walk([&](ObserveOp op) {
        if (!isa<BlockArgument>(op.getInput()))
          probes.push_back(op);
      });
      if (probes.empty())
        continue;
      if (!func.getBody().hasOneBlock()) {
        emitError(func.getLoc(),
                  "qnn-feed-observed needs a single-block function");
        return signalPassFailure();
      }
      Block &body = func.getBody().front();
      OpBuilder b(&body, body.begin());
      SmallVector<Attribute> ids;
      for (ObserveOp probe : probes) {
        Value v = probe.getInput();
        auto type = cast<RankedTensorType>(v.getType());
        auto q = dyn_cast<quant::QuantizedType>(type.getElementType());
        Value fed = body.addArgument(
            q ? type.clone(q.getExpressedType()) : type, probe.getLoc());
        if (q)
          fed = quant::QuantizeCastOp::create(b, probe.getLoc(), type, fed);
        // The probe's own result is the value too: its users are fed as well.
        v.replaceAllUsesExcept(fed, probe);
        probe.getResult().replaceAllUsesWith(fed);
        ids.push_back(probe.getIdAttr());
      }
      func.setFunctionType(
          FunctionType::get(&getContext(), body.getArgumentTypes(),
                            func.getFunctionType().getResults()));
      func->setAttr(qmlir::abi::kFedAttrName,
                    ArrayAttr::get(&getContext(), ids));
    }
  }
};
} // namespace
