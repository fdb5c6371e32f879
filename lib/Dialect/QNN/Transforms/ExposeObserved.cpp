//===- ExposeObserved.cpp - Observed tensors as results ---------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "qmlir/ABI/ABI.h"

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
      for (ObserveOp probe : probes) {
        observed.push_back(probe.getInput());
        ids.push_back(probe.getIdAttr());
        probe.replaceAllUsesWith(probe.getInput());
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
