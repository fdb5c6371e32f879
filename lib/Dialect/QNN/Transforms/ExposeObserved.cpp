//===- ExposeObserved.cpp - Observed tensors as results ---------*- C++ -*-===//
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
#define GEN_PASS_DEF_QNNEXPOSEOBSERVED
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace qmlir::qnn

using namespace mlir;
using namespace qmlir::qnn;

namespace {
struct ExposeObservedPass
    : qmlir::qnn::impl::QNNExposeObservedBase<ExposeObservedPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      SmallVector<ObserveOp> probes;
      func.walk([&](ObserveOp op) { probes.push_back(op); });
      if (probes.empty())
        continue;
      if (!func.getBody().hasOneBlock()) {
        emitError(func.getLoc(),
                  "qnn-expose-observed needs a single-block function");
        return signalPassFailure();
      }
      auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
      SmallVector<Value> observed;
      SmallVector<Attribute> ids;
      OpBuilder b(ret);
      for (ObserveOp probe : probes) {
        Value v = probe.getInput();
        auto type = cast<RankedTensorType>(v.getType());
        if (auto q = dyn_cast<quant::QuantizedType>(type.getElementType()))
          observed.push_back(quant::DequantizeCastOp::create(
              b, probe.getLoc(), type.clone(q.getExpressedType()), v));
        else
          observed.push_back(v);
        ids.push_back(probe.getIdAttr());
        probe.replaceAllUsesWith(v);
        probe.erase();
      }
      SmallVector<Value> results(ret.getOperands());
      llvm::append_range(results, observed);
      ret->setOperands(results);
      func.setFunctionType(FunctionType::get(&getContext(),
                                             func.getArgumentTypes(),
                                             ValueRange(results).getTypes()));
      func->setAttr(qmlir::abi::kObservedAttrName,
                    ArrayAttr::get(&getContext(), ids));
    }
  }
};
} // namespace
