//===- DistinctResults.cpp - One buffer per result --------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace qmlir {
#define GEN_PASS_DEF_DISTINCTRESULTSPASS
#include "qmlir/Codegen/Passes.h.inc"
} // namespace qmlir

using namespace mlir;

namespace {
struct DistinctResultsPass
    : qmlir::impl::DistinctResultsPassBase<DistinctResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallDenseSet<Value> seen;
      OpBuilder b(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        auto type = dyn_cast<MemRefType>(operand.get().getType());
        if (!type || seen.insert(operand.get()).second)
          continue;
        SmallVector<Value> sizes;
        for (int64_t d = 0; d < type.getRank(); ++d)
          if (type.isDynamicDim(d))
            sizes.push_back(
                memref::DimOp::create(b, ret.getLoc(), operand.get(), d));
        Value copy = memref::AllocOp::create(b, ret.getLoc(), type, sizes);
        memref::CopyOp::create(b, ret.getLoc(), operand.get(), copy);
        operand.set(copy);
      }
    });
  }
};
} // namespace
